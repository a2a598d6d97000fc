// Per-run shared weights: structured layer weights, their zero-keeping images, Kernel CSR rows.
#include "runtime/shared_weights.h"
#include "runtime/backend/backend.h"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace cert::runtime {

bool zeroKeeping(const std::string& op, double s) {
  if (op == "max" || op == "min") return s == 0;
  if (op == "abs") return true;
  return op == "mul" && std::isfinite(s);
}

CoefBlock mapStored(const Backend& backend, const CoefBlock& b, const std::string& op, double s) {
  if (!zeroKeeping(op, s)) throw std::logic_error("mapStored: '" + op + "' does not keep zeros");
  // The operator resolved once: the backend maps the values without a call per value.
  using Map = Backend::ZeroKeepingMap;
  const Map::Op named = op == "max" ? Map::Op::Max : op == "min" ? Map::Op::Min : op == "abs" ? Map::Op::Abs : Map::Op::Mul;
  return backend.mapZeroKeeping(b, Map{named, s});
}

bool SharedWeights::caches(const Layer& layer) const {
  return layer.index >= 0 && static_cast<size_t>(layer.index) < net_.layers.size() &&
         net_.layers[static_cast<size_t>(layer.index)].name == layer.name &&
         net_.layers[static_cast<size_t>(layer.index)].op == layer.op;
}

std::shared_ptr<const gbcsr::KernelBlock> SharedWeights::kernel(const Layer& layer) {
  auto make = [&layer] {
    auto k = std::make_shared<gbcsr::KernelBlock>();
    k->weight.assign(layer.kernel.data(), layer.kernel.data() + layer.kernel.size());
    k->geometry = layer.conv;
    return k;
  };
  if (!caches(layer)) return make();
  const std::lock_guard<std::mutex> lock(mu_);
  auto it = kernels_.find(layer.index);
  if (it == kernels_.end()) {
    it = kernels_.emplace(layer.index, make()).first;
    owned_.insert(it->second.get());
  }
  return it->second;
}

std::shared_ptr<const CoefBlock> SharedWeights::weight(const Layer& layer, const Backend& backend) {
  if (layer.op == LayerOp::Conv) {
    std::shared_ptr<const gbcsr::KernelBlock> k = kernel(layer);
    return derived(caches(layer) ? "w" + std::to_string(layer.index) : std::string(),
                   [&k, &backend] { return CoefBlock::kernel(k, backend); });
  }
  if (layer.op != LayerOp::Affine) throw std::logic_error("SharedWeights::weight: not an Affine or Conv layer");
  if (!caches(layer)) return std::make_shared<const CoefBlock>(backend.layerWeight(layer));
  const Layer& cached = net_.layers[static_cast<size_t>(layer.index)];  // outlives the run
  // A sparse weight (a layout permutation, a pooling or scaling written as Affine) is stored as
  // Csr: its products cost its non-zeros, not n x m.
  // Checked once here (a run's steps then read the mark, not the values, on every use).
  return derived("w" + std::to_string(layer.index), [&cached, &backend] {
    CoefBlock b = backend.compressed(backend.layerWeight(cached), kSparseWeightDensity);
    return b.allFinite() ? std::move(b).checkedFinite() : b;
  });
}

std::shared_ptr<const CoefBlock> SharedWeights::derived(const std::string& key, const std::function<CoefBlock()>& make) {
  if (key.empty()) return std::make_shared<const CoefBlock>(make());
  const std::lock_guard<std::mutex> lock(mu_);
  auto it = blocks_.find(key);
  if (it != blocks_.end()) return it->second;
  auto b = std::make_shared<const CoefBlock>(make());
  if (b->kind() == CoefBlock::Kind::Kernel) owned_.insert(&b->kernelBlock());
  return blocks_.emplace(key, std::move(b)).first->second;
}

const CoefBlock* SharedWeights::kernelRows(const gbcsr::KernelBlock& k, const Backend& backend) {
  const std::lock_guard<std::mutex> lock(mu_);
  if (!owned_.count(&k)) return nullptr;
  auto it = rows_.find(&k);
  if (it != rows_.end()) return it->second.get();
  auto m = std::make_unique<CoefBlock>(backend.kernelRows(k));
  return rows_.emplace(&k, std::move(m)).first->second.get();
}

const std::vector<BadParameter>& SharedWeights::badParameters() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!badParameters_) badParameters_ = cert::badParameters(net_);
  return *badParameters_;
}

}  // namespace cert::runtime
