// The run driver: certify() plans memory, runs the items (in parallel when asked), walks each
// item's layers through its ItemRun (runtime/interpreter/item_run.h) and decides the verdicts.
#include "runtime/executor.h"
#include "runtime/interpreter/item_run.h"
#include "runtime/product_threads.h"

#include "compiler/ir/scalar_ops.h"
#include "core/network/margin_folding.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#include <chrono>
#include <functional>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <thread>
#include <tuple>
#include <stdexcept>

#include "compiler/ir/scalar_ops.h"
#include "runtime/dense_values.h"
#include "runtime/allocator_tuning.h"
#include "runtime/interpreter/backward_flow.h"
#include "runtime/interpreter/unread_members.h"
#include "runtime/backend/backend.h"
#include "runtime/batch_run.h"
#include "runtime/item_margins.h"
#include "runtime/layer_members_of.h"
#include "runtime/layer_rule.h"
#include "runtime/lp_rule.h"
#include "runtime/memory_plan.h"
#include "runtime/shared_weights.h"

namespace cert {

using runtime::Atom;
using runtime::CoefBlock;
using runtime::Lin;
using runtime::Tensor;
using runtime::Value;

namespace {

using interp::ItemRun;
using interp::LayerSequence;
using interp::LayerState;

/// A layer's bound member on the host as the results' vector (n values; one value broadcast).
Eigen::VectorXd boundsColumn(const runtime::Backend& backend, const Tensor& t, int64_t n) {
  const std::vector<double> v = runtime::downloadColumn(backend, t, n);
  return Eigen::Map<const Eigen::VectorXd>(v.data(), n);
}
using interp::asTensor;


int memberIndex(const CompiledCertifier& cc, const std::string& name) {
  for (size_t m = 0; m < cc.memberNames.size(); ++m)
    if (cc.memberNames[m] == name && cc.memberTypes[m] == ir::ElemType::Float) return static_cast<int>(m);
  return -1;
}

/// Runs every layer of `net` on one box; the states of every layer.
Result<std::vector<LayerBoundsResult>> runNetwork(const CompiledCertifier& cc, const LayerSequence& layers,
                                                  const InputBox& box,
                                                  const RunOptions* options = nullptr, int item = 0,
                                                  std::tuple<int64_t, int64_t, int64_t>* memory = nullptr,
                                                  std::vector<LayerLayout>* layouts = nullptr,
                                                  std::optional<NeuronTrace>* trace = nullptr,
                                                  std::vector<LayerMembers>* members = nullptr,
                                                  runtime::SharedWeights* shared = nullptr,
                                                  std::vector<InstrTime>* profile = nullptr,
                                                  bool mayLeaveOut = true, const std::string& marginsMember = {}) {
  using R = Result<std::vector<LayerBoundsResult>>;
  if (memberIndex(cc, "l") < 0 || memberIndex(cc, "u") < 0)
    return R::failure(Diagnostic::error("the shape has no Float members named l and u to report"));
  if (layers.size() == 0 || box.lower.size() != layers.inputSize())
    return R::failure(Diagnostic::error("the input box has " + std::to_string(box.lower.size()) +
                                        " values; the network takes " + std::to_string(layers.inputSize())));
  std::optional<runtime::SharedWeights> own;
  if (!shared) shared = &own.emplace(layers.network());
  const Result<const runtime::Backend*> backend = runtime::backendNamed(options ? options->backend : "cpu");
  if (!backend.ok()) return R::failure(backend.diagnostics);
  ItemRun run(cc, layers, options && options->dense, *shared, **backend.value);
  run.profile = profile;
  const runtime::RowViews views(!(options && options->dense));  // the dense executor copies rows
  if (options && options->trace && options->trace->first >= 0 &&
      options->trace->first < static_cast<int>(layers.size()) && options->trace->second >= 0 &&
      options->trace->second < layers[static_cast<size_t>(options->trace->first)].size()) {
    run.trace.emplace();
    run.trace->layer = options->trace->first;
    run.trace->neuron = options->trace->second;
  }
  // Members nothing reads, left out when the caller reads only margins and verdicts.
  // With relu-unstable intermediate bounds only the margins' unread side is left out (the layers'
  // bounds are read by the row refinement).
  const bool mayLeave = mayLeaveOut && options && !options->allLayerBounds && !options->dense && !options->trace &&
                        !options->keepLayouts && !options->keepMembers && !members && !layouts;
  const bool leaveOut = mayLeave && options->intermediate == IntermediateBounds::All;
  std::vector<std::set<std::string>> unread(layers.size());
  if (leaveOut) {
    unread = interp::unreadFloatMembers(cc, layers, marginsMember);
  } else if (mayLeave && !marginsMember.empty()) {
    std::vector<std::set<std::string>> all = interp::unreadFloatMembers(cc, layers, marginsMember);
    unread.back() = std::move(all.back());
  }
  R out;
  out.value.emplace();
  for (size_t li = 0; li < layers.size(); ++li) {
    const Layer& layer = layers[li];
    if (options && options->cancel && options->cancel->load(std::memory_order_relaxed))
      return R::failure(Diagnostic::error("cancelled"));
    const auto layerStart = std::chrono::steady_clock::now();
    try {
      if (layer.op == LayerOp::Input) {
        run.input(box);
      } else if (layer.op == LayerOp::Concat) {
        run.leaveOut = unread[li];
        run.concat(layer);
        run.leaveOut.clear();
      } else {
        const std::string rule = ruleOperatorFor(layer);
        const auto it = rule.empty() ? cc.rules.end() : cc.rules.find(rule);
        if (it == cc.rules.end())
          return R::failure(layerError(layer, "the spec has no rule for " + (rule.empty() ? std::string("this operator") : rule)));
        run.profileLayer = static_cast<int>(li);
        run.rowRefinement = options && options->intermediate == IntermediateBounds::ReluUnstable
                                ? interp::rowRefinementOf(layers, li)
                                : interp::RowRefinement::All;
        run.leaveOut = unread[li];
        run.layer(layer, it->second);
        run.rowRefinement = interp::RowRefinement::All;
        run.leaveOut.clear();
      }
    } catch (const interp::UnreadMemberRead&) {
      throw;  // certifyItem runs the item again with every member
    } catch (const std::exception& e) {
      return R::failure(layerError(layer, e.what()));
    }
    run.recordTracedMembers(layer);
    const auto& members = run.states.back().members;
    LayerBoundsResult b;
    const bool lower = !members.leftOut("l"), upper = !members.leftOut("u");  // the margins may keep one
    b.computed = lower && upper;
    if (lower) b.lower = boundsColumn(**backend.value, std::get<Tensor>(members.at("l")), layer.size());
    if (upper) b.upper = boundsColumn(**backend.value, std::get<Tensor>(members.at("u")), layer.size());
    b.runMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - layerStart).count();
    out.value->push_back(std::move(b));
    if (options && options->onLayer) options->onLayer(item, layer.index, static_cast<int>(layers.size()));
  }
  if (!cc.reverseRules.empty()) {
    try {
      interp::runBackwardFlow(run, cc, layers);
    } catch (const std::exception& e) {
      return R::failure(Diagnostic::error(std::string("backward flow: ") + e.what()));
    }
    for (size_t k = 0; k < out.value->size(); ++k) {  // the refined bounds
      const auto& members = run.states[k].members;
      const int64_t n = layers[k].size();
      (*out.value)[k].lower = boundsColumn(**backend.value, std::get<Tensor>(members.at("l")), n);
      (*out.value)[k].upper = boundsColumn(**backend.value, std::get<Tensor>(members.at("u")), n);
    }
  }
  if (memory) *memory = run.memory();
  if (layouts) *layouts = run.layouts();
  if (trace) *trace = std::move(run.trace);
  if (members)
    for (size_t k = 0; k < run.states.size(); ++k)
      members->push_back(denseMembers(**backend.value, run.states[k].members.stored(), cc.memberNames, layers[k].size()));
  return out;
}

/// `net` with its margins layer (a copy: for callers that need a Network of their own).
Network withOutputRows(const Network& net, const runtime::OutputRows& rows) {
  Network ext = net;
  ext.layers.push_back(runtime::appendedMarginsLayer(net, rows));
  assignNeuronRanges(ext);
  return ext;
}

}  // namespace

std::string layoutsText(const std::vector<LayerLayout>& layouts, const Network& net) {
  std::string out;
  auto range = [](const gbcsr::Box& b, int d) {
    return "[" + std::to_string(b.off[d]) + "," + std::to_string(b.end(d)) + ")";
  };
  for (size_t li = 0; li < layouts.size(); ++li) {
    const std::string head = li < net.layers.size()
                                 ? "layer " + std::to_string(li) + " '" + net.layers[li].name + "' "
                                 : "layer " + std::to_string(li) + " ";
    for (const MemberLayout& m : layouts[li].members) {
      if (m.blocks.empty()) out += head + m.member + ": (no non-zero blocks)\n";
      for (const gbcsr::BlockInfo& b : m.blocks) {
        char density[32];
        std::snprintf(density, sizeof density, "%g", b.density);
        out += head + m.member + ": " + gbcsr::kindName(b.kind) + " " + range(b.box, 0) + " x " + range(b.box, 1) +
               " x " + range(b.box, 2) + " " + std::to_string(b.bytes) + " B density " + density + "\n";
      }
    }
  }
  return out;
}

const char* intermediateBoundsName(IntermediateBounds b) {
  return b == IntermediateBounds::ReluUnstable ? "relu-unstable" : "all";
}

std::optional<IntermediateBounds> intermediateBoundsNamed(std::string_view name) {
  if (name == "all") return IntermediateBounds::All;
  if (name == "relu-unstable") return IntermediateBounds::ReluUnstable;
  return std::nullopt;
}

std::optional<Network> withMargins(const Network& net, const PropertyItem& item) {
  const std::optional<runtime::OutputRows> rows = runtime::outputRows(item, net.outputSize());
  if (!rows) return std::nullopt;
  return withOutputRows(net, *rows);
}

Result<std::vector<LayerBoundsResult>> certifyBox(const CompiledCertifier& cc, const Network& net, const InputBox& box) {
  return runNetwork(cc, LayerSequence(net), box);
}

namespace {

/// One item of a property: its network run (with the margins layer appended when labelled).
/// `badParams`: badParameters(net), scanned once per run.
Result<ItemResult> certifyItem(const CompiledCertifier& cc, const Network& net, const PropertyItem& item,
                               const RunOptions& options, int position, runtime::SharedWeights& shared,
                               const std::vector<BadParameter>& badParams) {
  const auto start = std::chrono::steady_clock::now();
  ItemResult r;
  r.index = item.index;
  r.label = item.label;
  const std::optional<runtime::OutputRows> rows =
      options.margins ? runtime::outputRows(item, net.outputSize()) : std::nullopt;
  const bool margins = rows.has_value();
  const Layer marginsRows = margins ? runtime::appendedMarginsLayer(net, *rows) : Layer{};
  std::tuple<int64_t, int64_t, int64_t> memory{0, 0, 0};
  std::vector<LayerLayout>* layouts = options.keepLayouts ? &r.layouts : nullptr;
  const LayerSequence sequence =
      margins ? LayerSequence(net, &marginsRows, runtime::marginsKey(item)) : LayerSequence(net);
  auto run = [&](bool mayLeaveOut) {
    return runNetwork(cc, sequence, item.box, &options, position, &memory, layouts, &r.trace,
                      options.keepMembers ? &r.members : nullptr, &shared, options.profile ? &r.profile : nullptr,
                      mayLeaveOut, margins ? (item.label ? "l" : "u") : "");
  };
  Result<std::vector<LayerBoundsResult>> layers;
  try {
    layers = run(true);
  } catch (const interp::UnreadMemberRead&) {  // a rule read a member left out: every member, again
    r.profile.clear();
    layers = run(false);
  }
  r.stateBytes = std::get<0>(memory);
  r.denseStateBytes = std::get<1>(memory);
  r.referencedWeightBytes = std::get<2>(memory);
  if (!layers.ok()) return Result<ItemResult>::failure(layers.diagnostics);
  r.layers = std::move(*layers.value);
  runtime::finishItem(r, net, badParams, item, margins,
                      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  Result<ItemResult> out;
  out.value = std::move(r);
  return out;
}

int batchThreads(const RunOptions& options, size_t items) {
  if (items < 2 || options.onLayer || options.threads == 1) return 1;
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int want = options.threads > 0 ? options.threads : hw;
  return static_cast<int>(std::min<size_t>(static_cast<size_t>(want), items));
}

}  // namespace

void withholdVerdicts(RunResult& run, const std::string& why) {
  for (ItemResult& item : run.items) {
    item.verdict = Verdict::Invalid;
    item.verified = false;
    item.reason = "verdict withheld: " + why;
  }
}

Result<RunResult> certify(const CompiledCertifier& cc, const Network& net, const Property& property,
                          const RunOptions& options) {
  runtime::SharedWeights shared(net);  // weights and kernels, built once for every item
  return certify(cc, net, property, options, shared);
}

Result<RunResult> certify(const CompiledCertifier& cc, const Network& net, const Property& property,
                          const RunOptions& options, runtime::SharedWeights& shared) {
  if (&shared.network() != &net)
    return Result<RunResult>::failure(Diagnostic::error("certify: the prepared weights were made for another network"));
  Result<RunResult> out;
  out.value.emplace();
  const Result<const runtime::Backend*> backendFound = runtime::backendNamed(options.backend);
  if (!backendFound.ok()) return Result<RunResult>::failure(backendFound.diagnostics);
  const runtime::Backend& backend = **backendFound.value;
  const size_t n = property.items.size();
  int threads = batchThreads(options, n);
  // The memory plan, before anything is allocated: refuse a run that cannot fit, and run no more
  // items at once than fit.
  int64_t outputRows = 0;
  for (const PropertyItem& item : property.items) {
    int64_t rows = item.label ? net.outputSize() - 1 : 0;
    for (const auto& conj : item.unsafe) rows += static_cast<int64_t>(conj.size());
    outputRows = std::max(outputRows, options.margins ? rows : 0);
  }
  const runtime::MemoryPlan plan = runtime::planMemory(cc, net, outputRows, options.keepMembers);
  const Result<int> fit = runtime::itemsWithinBudget(
      plan, net, threads, options.memoryLimit > 0 ? options.memoryLimit : runtime::defaultMemoryLimit());
  if (!fit.ok()) return Result<RunResult>::failure(fit.diagnostics);
  threads = std::min(threads, *fit.value);
  static std::once_flag tuned;
  std::call_once(tuned, runtime::tuneAllocatorForRuns);
  const std::vector<BadParameter>& badParams = shared.badParameters();  // scanned once per network, not per item or run
  // Tasks: chunks of items in one batch frame each when the spec allows it, else single items.
  // Each chunk holds at most what fits in memory at once, and the chunks are split across threads.
  const int64_t limit = options.memoryLimit > 0 ? options.memoryLimit : runtime::defaultMemoryLimit();
  size_t chunk = 1;
  if (n >= 2 && !runtime::batchFrameRefusal(cc, net, options)) {
    const Result<int> atOnce = runtime::itemsWithinBudget(plan, net, static_cast<int>(std::min<size_t>(n, 1 << 20)), limit);
    const size_t within = atOnce.ok() ? static_cast<size_t>(*atOnce.value) : 1;
    chunk = std::max<size_t>(1, std::min((n + static_cast<size_t>(threads) - 1) / static_cast<size_t>(threads),
                                         within / static_cast<size_t>(threads)));
    // Per chunk, the widest layer's [n x items] tensors stay within about 1 MB (cache): measured
    // on 1000 items, chunks of 32-48 (convSmall, cifar10_medium) and 128-167 (784-256x6) beat
    // one chunk of all by 1.2-2x (its working set faulted in and streamed from memory).
    int64_t widest = 1;
    for (const Layer& layer : net.layers) widest = std::max(widest, layer.size());
    chunk = std::min(chunk, static_cast<size_t>(std::clamp<int64_t>((int64_t(1) << 17) / widest, 16, 256)));
    if (options.batchSize > 0) chunk = std::min(chunk, static_cast<size_t>(options.batchSize));
  }
  const size_t tasks = (n + chunk - 1) / chunk;
  threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(threads), std::max<size_t>(1, tasks)));
  auto runTask = [&](size_t t) -> Result<std::vector<ItemResult>> {
    const size_t first = t * chunk, count = std::min(chunk, n - first);
    if (chunk > 1)
      return runtime::certifyBatch(cc, net, std::span<const PropertyItem>(property.items).subspan(first, count), options,
                                   shared, badParams, backend);
    Result<ItemResult> r = certifyItem(cc, net, property.items[first], options, static_cast<int>(first), shared, badParams);
    if (!r.ok()) return Result<std::vector<ItemResult>>::failure(r.diagnostics);
    Result<std::vector<ItemResult>> one;
    one.value.emplace();
    one.value->push_back(std::move(*r.value));
    return one;
  };
  std::vector<std::optional<Result<std::vector<ItemResult>>>> results(tasks);
  if (threads == 1) {
    // Tasks in sequence: products may use the whole thread budget (--threads 1: one thread).
    runtime::ScopedProductThreads productThreads(options.threads);
    for (size_t t = 0; t < tasks; ++t) {
      results[t] = runTask(t);
      if (!results[t]->ok()) return Result<RunResult>::failure(results[t]->diagnostics);
    }
  } else {
    // Tasks are independent, so workers take them in turn, each on one thread (its products
    // serial), and the results are put back in item order.
    std::atomic<size_t> next{0};
    auto worker = [&] {
#ifdef _OPENMP
      omp_set_num_threads(1);  // per thread: this worker's products stay on it
#endif
      for (size_t t = next++; t < tasks; t = next++) {
        if (options.cancel && options.cancel->load(std::memory_order_relaxed)) break;
        try {
          results[t] = runTask(t);
        } catch (const std::exception& e) {
          results[t] = Result<std::vector<ItemResult>>::failure(Diagnostic::error(e.what()));
        }
      }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (std::thread& t : pool) t.join();
  }
  for (size_t t = 0; t < tasks; ++t) {
    if (!results[t]) return Result<RunResult>::failure(Diagnostic::error("cancelled"));
    if (!results[t]->ok()) return Result<RunResult>::failure(results[t]->diagnostics);
    for (ItemResult& r : *results[t]->value) out.value->items.push_back(std::move(r));
  }
  return out;
}

}  // namespace cert
