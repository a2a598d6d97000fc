// certc compile SPEC.cf --emit=ast|ir|shapes [--no-opt] [--print-after-all] [--annotate]: run the
// front end, then print the stage named by --emit on stdout (IR: after the pass pipeline unless
// --no-opt; --annotate: with the analyses' results). Diagnostics go to stderr; exit 1 on errors.
// To add a stage, write an emitter and add it to kEmitters.
#include <cstdio>
#include <functional>
#include <map>
#include <string>

#include "app/certc/args.h"
#include "app/certc/command_help.h"
#include "app/certc/certify_inputs.h"
#include "app/certc/commands.h"
#include "compiler/driver.h"
#include "compiler/frontend.h"
#include "compiler/ir/changed_lines.h"
#include "compiler/ir/ir_printer.h"
#include "compiler/printer/ast_dump.h"

namespace cert::cli {
namespace {

/// What an emitter gets: the spec, its checked front-end result and the command's options.
struct CompileContext {
  const std::string& path;
  const std::string& text;
  const FrontendResult& frontend;
  bool printAfterAll = false;
  bool annotate = false;    ///< --annotate: the analyses' results after each IR line
  bool optimize = true;     ///< run the pass pipeline (--no-opt: the lowered IR)
  std::string transformer;  ///< --transformer: only this transformer ("" = all)
  std::string op;           ///< --op: only this operator's rule ("" = all)
};

using Emitter = int (*)(const CompileContext&);

int emitAst(const CompileContext& c) {
  printer::DumpOptions o;
  o.types = &c.frontend.types;
  o.funcTypes = &c.frontend.funcTypes;
  const std::string out = printer::dumpAst(c.frontend.program, o);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

/// Compiles every selected rule through the driver and hands each program to `print`; with
/// --print-after-all, "// after <pass>" and the IR (changed lines marked "+ ") after every pass
/// that changed it, then "// final". 1 on any lowering or verifier error.
template <class Print>
int forEachProgram(const CompileContext& c, Print print) {
  int rc = 0, count = 0;
  for (const auto& t : c.frontend.program.transformers) {
    if (!c.transformer.empty() && t.name != c.transformer) continue;
    for (const auto& rule : t.rules) {
      if (!c.op.empty() && rule.op != c.op) continue;
      ++count;
      driver::Options options;
      options.optimize = c.optimize;
      options.verifyAfterEachPass = true;
      std::string last;
      bool ranPasses = false;
      if (c.printAfterAll)
        options.observer = [&](const driver::Stage& s) {
          if (s.kind == driver::StageKind::Lowered) {
            last = ir::printProgram(s.program);
          } else if (s.kind == driver::StageKind::AfterPass && !s.changed) {
            ranPasses = true;
            std::printf("// after %s: no change\n", s.pass);
          } else if (s.kind == driver::StageKind::AfterPass) {
            ranPasses = true;
            const std::string text = ir::printProgram(s.program);
            const std::string marked = "// after " + std::string(s.pass) + "\n" + ir::markChangedLines(last, text);
            std::fwrite(marked.data(), 1, marked.size(), stdout);
            last = text;
          } else if (ranPasses) {
            std::printf("// final\n");
          }
        };
      Result<ir::Program> p = driver::compileRule(c.frontend, t, rule, options);
      for (const auto& d : p.diagnostics) std::fprintf(stderr, "%s\n", formatDiagnostic(c.path, d).c_str());
      if (!p.ok()) rc = 1;
      if (p.value) print(*p.value);
    }
  }
  if (count == 0) {
    std::fprintf(stderr, "certc compile: no rule matches the selection\n");
    return 1;
  }
  return rc;
}

int emitIr(const CompileContext& c) {
  return forEachProgram(c, [&c](const ir::Program& p) {
    const std::string out = ir::printProgram(p, true, c.annotate);
    std::fwrite(out.data(), 1, out.size(), stdout);
  });
}

/// One line per value: id, type and shape, then the spec text it came from.
int emitShapes(const CompileContext& c) {
  return forEachProgram(c, [&](const ir::Program& p) {
    std::printf("program %s.%s\n", p.transformer.c_str(), p.op.c_str());
    const std::function<void(const ir::Region&, int)> walk = [&](const ir::Region& r, int indent) {
      for (const auto& i : r.body) {
        if (i.op == ir::Opcode::Yield) continue;
        std::string text;
        if (i.origin.valid() && i.origin.end.offset > i.origin.begin.offset &&
            static_cast<size_t>(i.origin.end.offset) <= c.text.size())
          text = c.text.substr(static_cast<size_t>(i.origin.begin.offset),
                               static_cast<size_t>(i.origin.end.offset - i.origin.begin.offset));
        for (char& ch : text)
          if (ch == '\n') ch = ' ';
        if (text.size() > 60) text = text.substr(0, 57) + "...";
        std::printf("%*s%%%d : %s%s  %s  `%s`\n", indent, "", i.id, ir::elemTypeName(i.type),
                    ir::printShape(i.shape).c_str(), ir::opcodeName(i.op), text.c_str());
        for (const auto& sub : i.regions) walk(*sub, indent + 2);
      }
    };
    walk(p.body, 2);
  });
}

const std::map<std::string, Emitter> kEmitters = {
    {"ast", emitAst},
    {"ir", emitIr},
    {"shapes", emitShapes},
};

}  // namespace

int cmdCompile(int argc, char** argv) {
  const Args args(argc, argv, 2, flagNames(commandHelp("compile")));
  const auto usage = [] {
    std::fprintf(stderr, "usage: certc compile SPEC.cf --emit=ast|ir|shapes [--transformer T] [--op Op] [--no-opt] [--print-after-all] [--annotate]\n");
    return 2;
  };
  if (args.positionals().size() != 1 || !args.errors().empty() ||
      !args.unknown(optionNames(commandHelp("compile"))).empty())
    return usage();
  const std::string emit = args.getOr("emit", "ast");
  const auto emitter = kEmitters.find(emit);
  if (emitter == kEmitters.end()) {
    std::fprintf(stderr, "certc compile: unknown --emit=%s (expected ast, ir or shapes)\n",
                 emit.c_str());
    return 2;
  }
  const std::string& path = args.positionals()[0];
  const auto text = readSpecOrReport(path);
  if (!text) return 1;
  const FrontendResult fe = runFrontend(*text);
  for (const auto& d : fe.diagnostics)
    std::fprintf(stderr, "%s\n", formatDiagnostic(path, d).c_str());
  if (!fe.ok()) return 1;
  return emitter->second({path, *text, fe, args.has("print-after-all"), args.has("annotate"), !args.has("no-opt"),
                          args.getOr("transformer", ""), args.getOr("op", "")});
}

}  // namespace cert::cli
