// The compile driver: a checked front-end result -> lowering -> IR verifier -> the pass pipeline
// (an observer sees every stage) -> IR verifier -> the analyses (liveness, layer forms). certc compile, the IDE's IR dock and the runtime's
// compileCertifier all compile through it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compiler/frontend.h"
#include "compiler/ir/ir.h"
#include "core/diagnostics/diagnostic.h"

namespace cert::driver {

/// Where in the pipeline an observed program is.
enum class StageKind {
  Lowered,    ///< straight out of lowering (before the verifier)
  AfterPass,  ///< after one pass of the pipeline
  Final,      ///< the program the driver returns (optimized unless Options::optimize is false), analyzed
};

/// One observed stage; `program` is only valid during the observer call.
struct Stage {
  StageKind kind = StageKind::Lowered;
  const ir::Program& program;
  const char* pass = nullptr;  ///< AfterPass: the pass's name
  int round = 0;               ///< AfterPass: the pipeline round, from 1
  bool changed = false;        ///< AfterPass: whether the pass changed the program
};

using Observer = std::function<void(const Stage&)>;

struct Options {
  bool optimize = true;              ///< run the pass pipeline
  bool verifyAfterEachPass = false;  ///< the verifier after every pass, not only at the end
  Observer observer;                 ///< optional
};

/// Lowers `rule` of `transformer` (`fe` without errors), verifies it, runs the pipeline,
/// verifies the result and runs the analyses (compiler/analysis/) on it. The value is set whenever lowering succeeded (also when the verifier
/// found problems: they are errors naming the rule and the stage, at the rule's range); lowering
/// errors come as lowering reports them. With a malformed lowered program the passes do not run.
Result<ir::Program> compileRule(const FrontendResult& fe, const ast::TransformerDecl& transformer,
                                const ast::Rule& rule, const Options& options = {});

/// What the executor runs: the rules of the first forward flow's transformer and the rev_ rules
/// of the backward flows' transformers.
struct FlowPrograms {
  std::string transformer;                ///< the forward flow's transformer
  std::vector<ir::Program> rules;         ///< in source order
  std::vector<ir::Program> reverseRules;  ///< in flow, then source order (a rule may repeat)
};

/// Compiles every rule the flows run (compileRule on each). Errors: no flow, only backward flows,
/// an unknown transformer, or any rule's; after an error in the forward rules the backward
/// flows are not compiled. ok() only without errors.
Result<FlowPrograms> compileFlows(const FrontendResult& fe, const Options& options = {});

}  // namespace cert::driver
