// Random g-BCSR tensors for tests and benchmarks: non-overlapping blocks of chosen kinds at random
// offsets and sizes (header-only, no effect on the library).
#pragma once

#include <random>

#include "tests/support/conv_toeplitz.h"
#include "tests/support/gbcsr_reference/tensor.h"

namespace cert::gbcsr {

/// A random block of kind k filling box (Kernel: a geometry whose Toeplitz matrix is the box's
/// rows x cols, falling back to Dense when none fits).
inline BlockData randomData(std::mt19937& rng, Kind k, const Box& box) {
  std::uniform_real_distribution<double> u(-2, 2);
  std::bernoulli_distribution coin(0.5);
  const bool shared = coin(rng);
  const int64_t items = shared ? 1 : box.ext[0], r = box.ext[1], c = box.ext[2];
  auto rand = [&](int64_t rows, int64_t cols) { return Eigen::MatrixXd(Eigen::MatrixXd::NullaryExpr(rows, cols, [&] { return u(rng); })); };
  switch (k) {
    case Kind::Constant: return ConstantBlock{u(rng)};
    case Kind::Diagonal: {
      if (r != c) break;
      DiagonalBlock d;
      for (int64_t i = 0; i < items; ++i) d.items.push_back(rand(r, 1).col(0));
      return d;
    }
    case Kind::Broadcast: {
      BroadcastBlock d;
      const bool rowRep = coin(rng);
      for (int64_t i = 0; i < items; ++i) d.items.push_back(rowRep ? rand(1, c) : rand(r, 1));
      return d;
    }
    case Kind::Kernel: {
      // rows = outC * oh * ow, cols = inC * ih * iw with k = ih - oh + 1 (stride 1, no padding).
      for (int inC = 1; inC <= 3; ++inC)
        for (int ih = 1; ih * ih * inC <= c; ++ih)
          if (ih * ih * inC == c)
            for (int oh = 1; oh <= ih; ++oh)
              if (r % (oh * oh) == 0) {
                KernelBlock kb;
                ConvGeometry& g = kb.geometry;
                g.inChannels = inC, g.inHeight = g.inWidth = ih;
                g.outChannels = int(r / (oh * oh)), g.outHeight = g.outWidth = oh;
                g.kernelH = g.kernelW = ih - oh + 1;
                kb.weight = test::valuesOf(rand(int64_t(g.outChannels) * inC * g.kernelH * g.kernelW, 1).col(0));
                return kb;
              }
      break;
    }
    case Kind::Csr: {
      CsrBlock d;
      for (int64_t i = 0; i < items; ++i) {
        Eigen::MatrixXd m = rand(r, c);
        m = (m.array().abs() < 1.6).select(0.0, m);
        d.items.push_back(m.sparseView());
      }
      return d;
    }
    default: break;
  }
  DenseBlock d;
  for (int64_t i = 0; i < items; ++i) d.items.push_back(rand(r, c));
  return d;
}

/// Up to `count` blocks of the given kinds (chosen at random) at random non-overlapping boxes.
inline Tensor randomTensor(std::mt19937& rng, int64_t batch, int64_t rows, int64_t cols, double def,
                           const std::vector<Kind>& kinds, int count) {
  Tensor t = Tensor::filled(batch, rows, cols, def);
  auto pick = [&](int64_t n) { return std::uniform_int_distribution<int64_t>(0, n - 1)(rng); };
  for (int tries = 0; int(t.blocks.size()) < count && tries < 50; ++tries) {
    const Kind k = kinds[static_cast<size_t>(pick(int64_t(kinds.size())))];
    Box b;
    b.off[0] = pick(batch), b.ext[0] = 1 + pick(batch - b.off[0]);
    b.off[1] = pick(rows), b.ext[1] = 1 + pick(rows - b.off[1]);
    b.off[2] = pick(cols), b.ext[2] = 1 + pick(cols - b.off[2]);
    if (k == Kind::Diagonal) b.ext[1] = b.ext[2] = std::min(rows - b.off[1], cols - b.off[2]) > 0
                                                      ? 1 + pick(std::min(rows - b.off[1], cols - b.off[2]))
                                                      : 1;
    bool free = true;
    for (const Block& o : t.blocks) free = free && intersect(o.box, b).empty();
    if (free) t.blocks.push_back(Block{b, randomData(rng, k, b)});
  }
  return t;
}

}  // namespace cert::gbcsr
