// IR listings: printProgram's text zipped with each line's origin; stages through the passes.
#include "app/certstudio/ir/ir_listing.h"

#include <algorithm>
#include <map>

#include "compiler/frontend.h"
#include "compiler/ir/ir_printer.h"
#include "compiler/lower/lower.h"
#include "compiler/passes/pipeline.h"

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

/// Marks lines of `now` that an LCS with `before` does not match.
std::vector<bool> changedLines(const QStringList& before, const QStringList& now) {
  const size_t n = static_cast<size_t>(before.size()), m = static_cast<size_t>(now.size());
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = before[static_cast<qsizetype>(i)] == now[static_cast<qsizetype>(j)] ? lcs[i + 1][j + 1] + 1
                                                                                      : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::vector<bool> changed(m, true);
  for (size_t i = 0, j = 0; i < n && j < m;) {
    if (before[static_cast<qsizetype>(i)] == now[static_cast<qsizetype>(j)]) {
      changed[j] = false;
      ++i, ++j;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      ++i;
    } else {
      ++j;
    }
  }
  return changed;
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
    cert::Result<cert::ir::Program> lowered = cert::lower::lowerRule(fe, *t, rule);
    if (!lowered.ok()) return R::failure(lowered.diagnostics);
    R out;
    out.value.emplace();
    IrStage first{QStringLiteral("lowered"), listingOf(*lowered.value), {}};
    first.changed.assign(static_cast<size_t>(first.listing.lines.size()), false);
    out.value->push_back(std::move(first));
    std::map<std::string, int> runs;
    cert::passes::optimize(*lowered.value, [&out, &runs](const cert::passes::Pass& pass, const cert::ir::Program& p, bool changed) {
      const int round = ++runs[pass.name];
      if (!changed) return;
      IrStage s{QStringLiteral("after %1 (round %2)").arg(QString::fromLatin1(pass.name)).arg(round), listingOf(p), {}};
      s.changed = changedLines(out.value->back().listing.lines, s.listing.lines);
      out.value->push_back(std::move(s));
    });
    return out;
  }
  return R::failure(cert::Diagnostic::error("transformer '" + transformer.toStdString() + "' has no rule for " + op.toStdString()));
}

std::optional<cert::ir::Program> loweredRuleAt(const std::string& specText, int offset, QString* where) {
  const cert::FrontendResult fe = cert::runFrontend(specText);
  if (!fe.ok()) return std::nullopt;
  for (const cert::ast::TransformerDecl& t : fe.program.transformers)
    for (const cert::ast::Rule& rule : t.rules) {
      if (offset < rule.range.begin.offset || offset > rule.range.end.offset) continue;
      cert::Result<cert::ir::Program> lowered = cert::lower::lowerRule(fe, t, rule);
      if (!lowered.ok()) return std::nullopt;
      if (where) *where = QStringLiteral("%1.%2").arg(QString::fromStdString(t.name), QString::fromStdString(rule.op));
      return std::move(*lowered.value);
    }
  return std::nullopt;
}

}  // namespace cert::studio
