// The IR of one (transformer, operator) rule as the IR dock shows it: lines with their origins,
// after lowering and after each pass that changed it.
#pragma once

#include <QString>
#include <QStringList>

#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/ir.h"
#include "core/diagnostics/diagnostic.h"

namespace cert::studio {

/// printProgram()'s lines, each with the source range of the instruction it prints (invalid for
/// `program {`, region braces and `return`).
struct IrListing {
  QStringList lines;
  std::vector<cert::SourceRange> origins;
};

/// One stage of the pipeline: "lowered", "after cse (round 1)", ...; `changed` marks the lines
/// not present in the previous stage.
struct IrStage {
  QString name;
  IrListing listing;
  std::vector<bool> changed;
};

/// The rules of a spec: transformer name -> operators, in source order.
struct SpecRules {
  QString transformer;
  QStringList ops;
};

IrListing listingOf(const cert::ir::Program& program);

/// Transformers and their operators (front end only; empty when the spec does not parse).
std::vector<SpecRules> rulesOf(const std::string& specText);

/// Lowers `transformer`.`op` of the spec and runs the pass pipeline, keeping the lowered IR and
/// the IR after each pass that changed it (the last stage is the optimized program). Errors:
/// the spec's diagnostics, or an unknown transformer/operator.
cert::Result<std::vector<IrStage>> irStages(const std::string& specText, const QString& transformer, const QString& op);

/// The lowered (unoptimized) program of the rule whose text contains byte `offset`; its
/// transformer and operator in `where`. Nothing when the offset is outside every rule.
std::optional<cert::ir::Program> loweredRuleAt(const std::string& specText, int offset, QString* where = nullptr);

}  // namespace cert::studio
