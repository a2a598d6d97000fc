// IR listings: printProgram's text zipped with each line's origin; stages through the passes.
#include "app/certstudio/ir/ir_listing.h"

#include "compiler/driver.h"
#include "compiler/frontend.h"
#include "compiler/ir/changed_lines.h"
#include "compiler/ir/ir_printer.h"

namespace cert::studio {
namespace {

/// The origins in printProgram's line order (mirrors printInstr/printRegion).
void collect(const cert::ir::Region& r, std::vector<cert::SourceRange>& out) {
  for (const cert::ir::Instr& i : r.body) {
    out.push_back(i.origin);
    for (const auto& region : i.regions) {
      out.push_back({});  // "body {"
      collect(*region, out);
      out.push_back({});  // "}"
    }
  }
}

}  // namespace

IrListing listingOf(const cert::ir::Program& program) {
  IrListing out;
  out.lines = QString::fromStdString(cert::ir::printProgram(program)).split(QLatin1Char('\n'));
  if (!out.lines.isEmpty() && out.lines.back().isEmpty()) out.lines.removeLast();
  out.origins.push_back({});  // "program T.op {"
  collect(program.body, out.origins);
  out.origins.resize(static_cast<size_t>(out.lines.size()));  // "return", "}"
  return out;
}

std::vector<SpecRules> rulesOf(const std::string& specText) {
  const cert::FrontendResult fe = cert::runFrontend(specText);
  std::vector<SpecRules> out;
  for (const auto& t : fe.program.transformers) {
    SpecRules r{QString::fromStdString(t.name), {}};
    for (const auto& rule : t.rules) r.ops << QString::fromStdString(rule.op);
    if (!r.transformer.isEmpty()) out.push_back(r);
  }
  return out;
}

cert::Result<std::vector<IrStage>> irStages(const std::string& specText, const QString& transformer, const QString& op) {
  using R = cert::Result<std::vector<IrStage>>;
  const cert::FrontendResult fe = cert::runFrontend(specText);
  if (!fe.ok()) return R::failure(fe.diagnostics);
  const cert::ast::TransformerDecl* t = fe.program.findTransformer(transformer.toStdString());
  if (!t) return R::failure(cert::Diagnostic::error("no transformer '" + transformer.toStdString() + "'"));
  for (const cert::ast::Rule& rule : t->rules) {
    if (QString::fromStdString(rule.op) != op) continue;
    std::vector<IrStage> stages;
    std::vector<std::string> last;  // the previous stage's lines
    cert::driver::Options options;
    options.observer = [&stages, &last](const cert::driver::Stage& s) {
      if (s.kind == cert::driver::StageKind::Final || (s.kind == cert::driver::StageKind::AfterPass && !s.changed)) return;
      IrStage stage{s.kind == cert::driver::StageKind::Lowered
                        ? QStringLiteral("lowered")
                        : QStringLiteral("after %1 (round %2)").arg(QString::fromLatin1(s.pass)).arg(s.round),
                    listingOf(s.program), {}};
      std::vector<std::string> lines;
      for (const QString& line : stage.listing.lines) lines.push_back(line.toStdString());
      stage.changed = s.kind == cert::driver::StageKind::Lowered ? std::vector<bool>(lines.size(), false)
                                                                 : cert::ir::changedLines(last, lines);
      last = std::move(lines);
      stages.push_back(std::move(stage));
    };
    cert::Result<cert::ir::Program> compiled = cert::driver::compileRule(fe, *t, rule, options);
    if (!compiled.ok()) return R::failure(compiled.diagnostics);
    R out;
    out.value = std::move(stages);
    return out;
  }
  return R::failure(cert::Diagnostic::error("transformer '" + transformer.toStdString() + "' has no rule for " + op.toStdString()));
}

std::optional<cert::ir::Program> loweredRuleAt(const std::string& specText, int offset, QString* where) {
  const cert::FrontendResult fe = cert::runFrontend(specText);
  if (!fe.ok()) return std::nullopt;
  cert::driver::Options lowerOnly;
  lowerOnly.optimize = false;
  for (const cert::ast::TransformerDecl& t : fe.program.transformers)
    for (const cert::ast::Rule& rule : t.rules) {
      if (offset < rule.range.begin.offset || offset > rule.range.end.offset) continue;
      cert::Result<cert::ir::Program> lowered = cert::driver::compileRule(fe, t, rule, lowerOnly);
      if (!lowered.ok()) return std::nullopt;
      if (where) *where = QStringLiteral("%1.%2").arg(QString::fromStdString(t.name), QString::fromStdString(rule.op));
      return std::move(*lowered.value);
    }
  return std::nullopt;
}

}  // namespace cert::studio
