// certc compile SPEC.cf --emit=ast|ir|shapes [--print-after-all]: run the front end, then print
// the stage named by --emit on stdout. Diagnostics go to stderr; exit 1 on errors.
// To add a stage, write an emitter and add it to kEmitters.
#include <cstdio>
#include <map>
#include <string>

#include "app/certc/args.h"
#include "app/certc/commands.h"
#include "compiler/frontend.h"
#include "compiler/printer/ast_dump.h"

namespace cert::cli {
namespace {

/// What an emitter gets: the spec, its checked front-end result and the command's options.
struct CompileContext {
  const std::string& path;
  const FrontendResult& frontend;
  bool printAfterAll = false;
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

template <const char* Name>
int notYet(const CompileContext&) {
  std::fprintf(stderr, "certc compile: --emit=%s is not available yet\n", Name);
  return 2;
}

constexpr char kIr[] = "ir";
constexpr char kShapes[] = "shapes";

const std::map<std::string, Emitter> kEmitters = {
    {"ast", emitAst},
    {"ir", notYet<kIr>},
    {"shapes", notYet<kShapes>},
};

}  // namespace

int cmdCompile(int argc, char** argv) {
  const Args args(argc, argv, 2, {"print-after-all"});
  const auto usage = [] {
    std::fprintf(stderr, "usage: certc compile SPEC.cf --emit=ast|ir|shapes [--print-after-all]\n");
    return 2;
  };
  if (args.positionals().size() != 1 || !args.errors().empty() ||
      !args.unknown({"emit", "print-after-all"}).empty())
    return usage();
  const std::string emit = args.getOr("emit", "ast");
  const auto emitter = kEmitters.find(emit);
  if (emitter == kEmitters.end()) {
    std::fprintf(stderr, "certc compile: unknown --emit=%s (expected ast, ir or shapes)\n",
                 emit.c_str());
    return 2;
  }
  const std::string& path = args.positionals()[0];
  std::string error;
  const auto text = readSpecFile(path, &error);
  if (!text) {
    std::fprintf(stderr, "%s: error: %s\n", path.c_str(), error.c_str());
    return 1;
  }
  const FrontendResult fe = runFrontend(*text);
  for (const auto& d : fe.diagnostics)
    std::fprintf(stderr, "%s\n", formatDiagnostic(path, d).c_str());
  if (!fe.ok()) return 1;
  return emitter->second({path, fe, args.has("print-after-all")});
}

}  // namespace cert::cli
