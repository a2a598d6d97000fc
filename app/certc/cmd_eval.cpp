// certc eval: the concrete logits, predicted label and accuracy of a network on dataset CSV rows.
//
//   certc eval NET.onnx --data FILE.csv [--index I] [--count N] [--pixel-scale S] [--mean M] [--std S]
//   (S multiplies the raw 0-255 values; default 1/255; 1 for networks trained on raw pixels)
//
// One line per row: "index I label L predicted P correct|wrong logits V0 V1 ..." (values %.6g,
// computed from the normalized input, the same input certc run certifies around); with
// --count > 1 a last line "accuracy: K/N". Errors in the network or the CSV: "certc: FILE: ..."
// on stderr and exit 1; usage problems (missing or unknown options, bad numbers): exit 2.
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>

#include "app/certc/args.h"
#include "app/certc/command_help.h"
#include "app/certc/commands.h"
#include "app/certc/memory_limit_option.h"
#include "core/network/forward.h"
#include "core/network/onnx_import.h"
#include "core/property/dataset_csv.h"
#include "runtime/memory_plan.h"

namespace cert::cli {
namespace {

constexpr const char* kUsage =
    "usage: certc eval NET.onnx --data FILE.csv [--index I] [--count N] [--pixel-scale S] [--mean M] [--std S]\n"
    "                  [--memory-limit SIZE]\n";

int usageError(const std::string& message) {
  std::fprintf(stderr, "certc eval: %s\n%s", message.c_str(), kUsage);
  return 2;
}

void printDiagnostics(const std::string& file, const Diagnostics& diags) {
  for (const Diagnostic& d : diags)
    std::fprintf(stderr, "certc: %s\n", formatDiagnostic(file, d).c_str());
}

/// Reads --NAME as a 64-bit integer; false (after printing the usage error) when it is not one.
/// The range (a row of the file, a count >= 1) is checked where the rows are known.
bool intOption(const Args& args, const std::string& name, int64_t& out) {
  std::string error;
  const auto v = args.integer(name, &error);
  if (!error.empty()) {
    usageError(error);
    return false;
  }
  if (v) out = *v;
  return true;
}

int evaluate(const Args& args) {
  if (!args.errors().empty()) return usageError(args.errors().front());
  const auto unknown = args.unknown(optionNames(commandHelp("eval")));
  if (!unknown.empty()) return usageError("unknown option --" + unknown.front());
  if (args.positionals().size() != 1)
    return usageError(args.positionals().empty() ? "missing NET.onnx" : "expected one network file");
  const auto data = args.get("data");
  if (!data || data->empty()) return usageError("missing --data FILE.csv");
  int64_t index = 0, count = 1;
  if (!intOption(args, "index", index) || !intOption(args, "count", count)) return 2;
  std::string scaleError;
  const auto pixelScale = args.number("pixel-scale", &scaleError);
  const auto mean = args.numbers("mean", &scaleError), std = args.numbers("std", &scaleError);
  if (!scaleError.empty()) return usageError(scaleError);

  const std::string netPath = args.positionals().front();
  const std::optional<int64_t> limit = memoryLimitOption(args, runtime::defaultMemoryLimit());
  if (!limit) return usageError(kMemoryLimitError);
  auto net = importOnnxFile(netPath, importLimitsFor(*limit));
  printDiagnostics(netPath, net.diagnostics);  // the import warnings are among them
  if (!net) return 1;
  if (net->outputSize() < 1) {
    printDiagnostics(netPath, {Diagnostic::error("the network has no outputs")});
    return 1;
  }

  auto prop = datasetProperty(*net, *data, index, count, 0.0, pixelScale.value_or(kDefaultPixelScale),
                              ChannelStandardization{mean.value_or(std::vector<double>{}), std.value_or(std::vector<double>{})});
  printDiagnostics(*data, prop.diagnostics);
  if (!prop) return 1;

  int correct = 0;
  for (const PropertyItem& item : prop->items) {
    const Eigen::VectorXd logits = forward(*net, item.center);
    Eigen::Index predicted = 0;
    for (Eigen::Index j = 1; j < logits.size(); ++j)
      if (logits[j] > logits[predicted]) predicted = j;
    const bool match = logits.size() > 0 && predicted == *item.label;
    correct += match ? 1 : 0;
    std::printf("index %d label %d predicted %ld %s logits", item.index, *item.label,
                static_cast<long>(predicted), match ? "correct" : "wrong");
    for (Eigen::Index j = 0; j < logits.size(); ++j) std::printf(" %.6g", logits[j]);
    std::printf("\n");
  }
  if (count > 1) std::printf("accuracy: %d/%zu\n", correct, prop->items.size());
  return 0;
}

}  // namespace

int cmdEval(int argc, char** argv) {
  try {
    return evaluate(Args(argc, argv, 2));
  } catch (const std::exception& e) {  // a last guard: report, never crash
    std::fprintf(stderr, "certc: error: %s\n", e.what());
    return 1;
  }
}

}  // namespace cert::cli
