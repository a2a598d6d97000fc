// The certc commands' help (command_help.h).
#include "app/certc/command_help.h"

#include <stdexcept>

namespace cert::cli {

namespace {

constexpr size_t kHelpWidth = 100, kOptionColumn = 26;

/// `text` broken at spaces into lines of at most `width` columns; the lines after the first are
/// indented by `indent` (the first continues where the caller's line is).
std::string wrapped(const std::string& text, size_t indent, size_t width) {
  std::string out;
  size_t column = indent, start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const size_t length = end - start;
    if (column > indent && column + 1 + length > width) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (column > indent) {
      out += ' ';
      ++column;
    }
    out.append(text, start, length);
    column += length;
    start = end + 1;
  }
  return out;
}

std::vector<OptionHelp> with(std::vector<OptionHelp> options, const std::vector<OptionHelp>& more) {
  options.insert(options.end(), more.begin(), more.end());
  return options;
}

/// The rows of a dataset file (certc eval, run, soundness).
std::vector<OptionHelp> datasetOptions() {
  return {
      {"data", "FILE.csv", "dataset rows (label, then the raw pixels 0-255)"},
      {"index", "I", "the first row of --data (default 0)"},
      {"count", "N", "how many rows from --index (default 1)"},
      {"pixel-scale", "S", "multiplies the raw values (default 1/255; 1 for networks trained on raw pixels)"},
      {"mean", "M[,M,M]",
       "subtracted per input channel after --pixel-scale and --eps, for a network trained on normalized inputs whose "
       "graph does not normalize (one value for every channel, or one per channel)"},
      {"std", "S[,S,S]", "then divides per input channel (> 0; one value, or one per channel)"},
  };
}

const OptionHelp kImportLimit = {"memory-limit", "SIZE",
                                 "refuse a network whose tensors would need more than SIZE (8G, 512M or bytes)"};

/// The options `certc run` and `certc soundness` share: the network, the inputs and the region.
std::vector<OptionHelp> certifyingOptions() {
  return with(with({{"net", "NET.onnx", "the network (ONNX); an unsupported node is refused by name"}}, datasetOptions()),
              {{"vnnlib", "FILE", "a VNN-LIB property instead of --data: its input box and its output constraints"},
               {"eps", "E", "the L-infinity radius around each row, in the units of the scaled input (needed with --data)"},
               {"memory-limit", "SIZE",
                "refuse a run whose memory plan is above SIZE (8G, 512M or bytes; default 3/4 of physical memory), "
                "naming the layer, before it allocates"},
               {"intermediate", "all|relu-unstable",
                "all (default): every neuron's bounds as the spec writes them; relu-unstable: back-substitute only "
                "the Relu inputs their one-step interval leaves unstable, and the margins (as auto_LiRPA's sparse "
                "intermediate bounds); the others keep that interval, looser but as sound"}});
}

/// The rules a command looks at (certc compile, prove).
std::vector<OptionHelp> ruleOptions() {
  return {{"transformer", "T", "only this transformer's rules"},
          {"op", "Op", "only the rules for this operator (Affine, Relu, ...)"}};
}

std::vector<CommandHelp> makeHelps() {
  return {
      {"net", "NET.onnx [--memory-limit SIZE]", "list the imported layers",
       "Imports the network and prints its layer table (index, name, operator, input, shape, neuron "
       "range, parameters) and the input normalization it folded, or every import error, one per "
       "line with the node named. A warning names each parameter tensor with non-finite or "
       "float32-overflowing values. Exit 0, or 1 when the network is refused.",
       {kImportLimit}},
      {"eval", "NET.onnx --data FILE.csv [--index I] [--count N]", "concrete logits",
       "Runs the network concretely on dataset rows: per row \"index I label L predicted P "
       "correct|wrong logits ...\", computed from the normalized input certc run certifies around; "
       "with --count > 1 a last line \"accuracy: K/N\". Exit 1 on errors in the files, 2 on usage.",
       with(datasetOptions(), {kImportLimit})},
      {"check", "SPEC.cf [SPEC.cf ...]", "type-check a spec",
       "Parses and type-checks specs. Diagnostics on stdout, one per line as FILE:LINE:COL: "
       "error|warning: MESSAGE; a well-typed rule that certc compile would refuse gets a warning at "
       "the construct. Exit 1 when a spec has errors (warnings allowed).",
       {}},
      {"fmt", "SPEC.cf", "print the spec canonically",
       "Prints the spec in canonical form on stdout, comments kept. Syntax errors go to stderr as "
       "FILE:LINE:COL: error: MESSAGE, with exit 1 and nothing on stdout.",
       {}},
      {"compile", "SPEC.cf --emit=ast|ir|shapes", "show a compiler stage",
       "Runs the front end and prints the stage --emit names on stdout: the AST, the IR (after the "
       "pass pipeline) or the shape analysis. Diagnostics go to stderr; exit 1 on errors.",
       with({{"emit", "ast|ir|shapes", "the stage to print (default ast)"}},
            with(ruleOptions(),
                 {{"no-opt", nullptr, "the IR as lowered, before the passes"},
                  {"print-after-all", nullptr, "the IR after each pass, each under its pass's name"},
                  {"annotate", nullptr, "the IR with the analyses' results (liveness, recognized products, shapes)"}}))},
      {"run", "SPEC.cf --net NET.onnx (--data FILE.csv | --vnnlib FILE) --eps E",
       "certify",
       "Certifies every item (a dataset row within --eps, or a VNN-LIB disjunct) with the spec's "
       "certifier and prints a table: per item its label, whether it is verified, its time and its "
       "margin lower bounds (or the unsafe atoms' upper bounds). An item not verified gets a line "
       "with its status and reason; an item whose bounds are inconsistent is \"invalid\", never "
       "\"yes\". Before the verdicts count, the rules the network runs are proved with z3 (cached "
       "under ~/.cache/certstudio/proofs); a refuted rule withholds every verdict. A last line gives "
       "the abstract state's memory. Exit 0 when the run completed (whatever it verified), 1 on "
       "errors, 2 on usage.",
       with(certifyingOptions(),
            {{"threads", "N", "items (or products) in parallel on N threads (default 0: one per core)"},
             {"batch-size", "N",
              "items per batch frame when the spec has Float members only, e.g. IBP (default 0: chunks sized "
              "to the cache; 1: item by item)"},
             {"json", "OUT.json", "write every layer's bounds, the margins and the verdicts as JSON"},
             {"dense", nullptr, "run the dense executor (every linear form a dense block), for comparison"},
             {"backend", "cpu|cuda", "the runtime backend (default cpu)"},
             {"profile", nullptr, "add the 20 rule instructions that took the most time, per layer and spec line"},
             {"repeat", "N",
              "certify N times in this process and report the median time, with min/median/max (benchmarks)"},
             {"no-prove", nullptr, "skip the proofs of the rules (the verdicts then rest on unproved rules)"}})},
      {"soundness", "SPEC.cf --net NET.onnx (--data FILE.csv | --vnnlib FILE) --eps E",
       "sample-check bounds",
       "Certifies every item as certc run does, then runs sampled concrete inputs of each item's box "
       "through the network and prints every neuron whose value leaves its proven [l, u] or breaks a "
       "checkable shape constraint, with the first violating input and what the prover says of the "
       "rules. Exit 0 when every sample stays inside, 1 on a violation or an error, 2 on usage.",
       with(certifyingOptions(), {{"samples", "N", "concrete inputs per item (default 100, at most 1000000)"},
                                  {"seed", "S", "the sampler's seed (default 1: same seed, same samples)"}})},
      {"prove", "SPEC.cf", "prove rules with z3",
       "Proves each transformer rule sound against the shape's constraints with z3: one line per rule "
       "with its verdict (proved, unsound with a counterexample, unknown with the reason) and time. "
       "Exit 1 when a rule is unsound, 2 on usage.",
       with(ruleOptions(),
            {{"timeout", "S", "seconds per rule (default 10)"},
             {"width", "N", "neurons in prev for Affine and pooling rules (default 2)"},
             {"assume-nonzero-divisors", nullptr,
              "prove as certc run does before its verdicts: a division by zero is not a failure"}})},
  };
}

}  // namespace

const std::vector<CommandHelp>& commandHelps() {
  static const std::vector<CommandHelp> helps = makeHelps();
  return helps;
}

const CommandHelp& commandHelp(std::string_view name) {
  for (const CommandHelp& h : commandHelps())
    if (name == h.name) return h;
  throw std::logic_error("no certc command named '" + std::string(name) + "'");
}

std::set<std::string> optionNames(const CommandHelp& help) {
  std::set<std::string> names;
  for (const OptionHelp& o : help.options) names.insert(o.name);
  return names;
}

std::set<std::string> flagNames(const CommandHelp& help) {
  std::set<std::string> names;
  for (const OptionHelp& o : help.options)
    if (!o.value) names.insert(o.name);
  return names;
}

std::string formatHelp(const CommandHelp& help) {
  std::string out = "usage: certc " + std::string(help.name) + " " + help.synopsis +
                    (help.options.empty() ? "" : " [options]") + "\n\n" + wrapped(help.text, 0, kHelpWidth) + "\n";
  if (help.options.empty()) return out;
  out += "\noptions:\n";
  for (const OptionHelp& o : help.options) {
    std::string head = "  --" + std::string(o.name) + (o.value ? " " + std::string(o.value) : std::string());
    if (head.size() < kOptionColumn) head.resize(kOptionColumn, ' ');
    else head += "\n" + std::string(kOptionColumn, ' ');
    out += head + wrapped(o.text, kOptionColumn, kHelpWidth) + "\n";
  }
  return out;
}

}  // namespace cert::cli
