// The test-side ONNX evaluator: tensors as dims + row-major doubles, one function per op, written
// from the ONNX operator documentation (opset differences included), sharing no importer code.
#include "tests/support/onnx_reference.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>

namespace cert::test {
namespace {

struct T {
  std::vector<int64_t> dims;
  std::vector<double> v;
};

/// Thrown inside the evaluator only; evalOnnxReference turns it into `why`.
struct Bad : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int64_t count(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0 || (d > 0 && n > (int64_t{1} << 26) / d)) throw Bad("bad or huge dims");
    n *= d;
  }
  return n;
}

T tensorOf(const onnx::TensorProto& p) {
  T t;
  t.dims.assign(p.dims().begin(), p.dims().end());
  const int64_t n = count(t.dims);
  const std::string& raw = p.raw_data();
  auto fromRaw = [&](auto zero) {
    using E = decltype(zero);
    if (static_cast<int64_t>(raw.size()) != n * static_cast<int64_t>(sizeof(E))) throw Bad("raw size");
    for (int64_t i = 0; i < n; ++i) {
      E e;
      std::memcpy(&e, raw.data() + i * static_cast<int64_t>(sizeof(E)), sizeof(E));
      t.v.push_back(static_cast<double>(e));
    }
  };
  auto fromField = [&](const auto& f) {
    if (f.size() != n) throw Bad("typed data size");
    t.v.assign(f.begin(), f.end());
  };
  const bool hasRaw = p.has_raw_data() && !raw.empty();
  switch (p.data_type()) {
    case onnx::TensorProto::FLOAT: hasRaw ? fromRaw(float{}) : fromField(p.float_data()); break;
    case onnx::TensorProto::DOUBLE: hasRaw ? fromRaw(double{}) : fromField(p.double_data()); break;
    case onnx::TensorProto::INT32: hasRaw ? fromRaw(int32_t{}) : fromField(p.int32_data()); break;
    case onnx::TensorProto::INT64: hasRaw ? fromRaw(int64_t{}) : fromField(p.int64_data()); break;
    default: throw Bad("tensor type " + std::to_string(p.data_type()));
  }
  return t;
}

const onnx::AttributeProto* attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}
int64_t attrInt(const onnx::NodeProto& n, const std::string& name, int64_t fallback) {
  const auto* a = attr(n, name);
  return a ? a->i() : fallback;
}
double attrFloat(const onnx::NodeProto& n, const std::string& name, double fallback) {
  const auto* a = attr(n, name);
  return a ? static_cast<double>(a->f()) : fallback;
}
std::vector<int64_t> ints(const T& t) {
  std::vector<int64_t> out;
  for (double x : t.v) out.push_back(static_cast<int64_t>(x));
  return out;
}

int64_t axisOf(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) throw Bad("axis out of range");
  return axis < 0 ? axis + rank : axis;
}

/// Numpy broadcasting of two tensors with `f`.
T broadcast(const T& a, const T& b, const std::function<double(double, double)>& f) {
  const size_t rank = std::max(a.dims.size(), b.dims.size());
  auto padded = [&](const std::vector<int64_t>& d) {
    std::vector<int64_t> p(rank - d.size(), 1);
    p.insert(p.end(), d.begin(), d.end());
    return p;
  };
  const auto da = padded(a.dims), db = padded(b.dims);
  T out;
  for (size_t i = 0; i < rank; ++i) {
    if (da[i] != db[i] && da[i] != 1 && db[i] != 1) throw Bad("shapes do not broadcast");
    out.dims.push_back(da[i] == 1 ? db[i] : da[i]);
  }
  const int64_t n = count(out.dims);
  std::vector<int64_t> idx(rank, 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t ia = 0, ib = 0;
    for (size_t i = 0; i < rank; ++i) {
      ia = ia * da[i] + (da[i] == 1 ? 0 : idx[i]);
      ib = ib * db[i] + (db[i] == 1 ? 0 : idx[i]);
    }
    out.v.push_back(f(a.v[static_cast<size_t>(ia)], b.v[static_cast<size_t>(ib)]));
    for (size_t i = rank; i-- > 0;)
      if (++idx[i] < out.dims[i]) break;
      else idx[i] = 0;
  }
  return out;
}

/// 2-D matrix product of [m,k] and [k,n] stored row-major.
std::vector<double> matmul2(const double* a, const double* b, int64_t m, int64_t k, int64_t n) {
  std::vector<double> c(static_cast<size_t>(m * n), 0.0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t p = 0; p < k; ++p) c[static_cast<size_t>(i * n + j)] += a[i * k + p] * b[p * n + j];
  return c;
}

T transpose(const T& x, std::vector<int64_t> perm) {
  const size_t r = x.dims.size();
  if (perm.empty())
    for (size_t i = 0; i < r; ++i) perm.push_back(static_cast<int64_t>(r - 1 - i));
  if (perm.size() != r) throw Bad("perm rank");
  std::vector<int64_t> stride(r, 1);
  for (size_t d = r; d-- > 1;) stride[d - 1] = stride[d] * x.dims[d];
  T out;
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(r)) throw Bad("perm value");
    out.dims.push_back(x.dims[static_cast<size_t>(p)]);
  }
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) throw Bad("perm repeats");
  const int64_t n = count(out.dims);
  std::vector<int64_t> idx(r, 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t src = 0;
    for (size_t d = 0; d < r; ++d) src += idx[d] * stride[static_cast<size_t>(perm[d])];
    out.v.push_back(x.v[static_cast<size_t>(src)]);
    for (size_t d = r; d-- > 0;)
      if (++idx[d] < out.dims[d]) break;
      else idx[d] = 0;
  }
  return out;
}

T gemm(const onnx::NodeProto& n, const T& a0, const T& b0, const T* c) {
  if (a0.dims.size() != 2 || b0.dims.size() != 2) throw Bad("Gemm needs 2-D inputs");
  const T a = attrInt(n, "transA", 0) ? transpose(a0, {}) : a0;
  const T b = attrInt(n, "transB", 0) ? transpose(b0, {}) : b0;
  if (a.dims[1] != b.dims[0]) throw Bad("Gemm inner dims");
  const double alpha = attrFloat(n, "alpha", 1.0), beta = attrFloat(n, "beta", 1.0);
  T y{{a.dims[0], b.dims[1]}, matmul2(a.v.data(), b.v.data(), a.dims[0], a.dims[1], b.dims[1])};
  for (double& e : y.v) e *= alpha;
  if (!c) return y;
  T bc = broadcast(y, *c, [beta](double p, double q) { return p + beta * q; });
  if (bc.dims != y.dims) throw Bad("Gemm C does not broadcast to the output");
  return bc;
}

T matmul(const T& a, const T& b) {
  if (a.dims.empty() || b.dims.empty()) throw Bad("MatMul of a scalar");
  T a2 = a, b2 = b;
  if (a.dims.size() == 1) a2.dims.insert(a2.dims.begin(), 1);
  if (b.dims.size() == 1) b2.dims.push_back(1);
  const int64_t m = a2.dims[a2.dims.size() - 2], k = a2.dims.back();
  const int64_t k2 = b2.dims[b2.dims.size() - 2], n = b2.dims.back();
  if (k != k2) throw Bad("MatMul inner dims");
  // Batch dims broadcast; the stacks are indexed through a broadcast of batch-index tensors.
  T ai{{a2.dims.begin(), a2.dims.end() - 2}, {}}, bi{{b2.dims.begin(), b2.dims.end() - 2}, {}};
  for (int64_t i = 0; i < count(ai.dims); ++i) ai.v.push_back(static_cast<double>(i));
  for (int64_t i = 0; i < count(bi.dims); ++i) bi.v.push_back(static_cast<double>(i));
  std::vector<std::pair<int64_t, int64_t>> pairs;
  T batch = broadcast(ai, bi, [&](double p, double q) {
    pairs.emplace_back(static_cast<int64_t>(p), static_cast<int64_t>(q));
    return 0.0;
  });
  T out;
  out.dims = batch.dims;
  if (a.dims.size() > 1) out.dims.push_back(m);
  if (b.dims.size() > 1) out.dims.push_back(n);
  for (auto [p, q] : pairs) {
    const auto c = matmul2(a2.v.data() + p * m * k, b2.v.data() + q * k * n, m, k, n);
    out.v.insert(out.v.end(), c.begin(), c.end());
  }
  return out;
}

T reshape(const T& x, const std::vector<int64_t>& target, bool allowZero) {
  T out{{}, x.v};
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t d = target[i];
    if (d == 0 && !allowZero) {
      if (i >= x.dims.size()) throw Bad("Reshape 0 past the input rank");
      d = x.dims[i];
    }
    if (d == -1) {
      if (infer >= 0) throw Bad("two -1 in Reshape");
      infer = static_cast<int64_t>(i);
    } else if (d < 0) {
      throw Bad("negative Reshape dim");
    } else {
      known *= d;
    }
    out.dims.push_back(d);
  }
  const int64_t n = static_cast<int64_t>(x.v.size());
  if (infer >= 0) {
    if (known == 0 || n % known != 0) throw Bad("Reshape -1 cannot be inferred");
    out.dims[static_cast<size_t>(infer)] = n / known;
  }
  if (count(out.dims) != n) throw Bad("Reshape changes the element count");
  return out;
}

/// Axes from the attribute (opset < 13) or the second input (opset >= 13).
std::optional<std::vector<int64_t>> axesOf(const onnx::NodeProto& n, const std::vector<const T*>& in,
                                           int64_t opset) {
  if (opset >= 13) {
    if (attr(n, "axes")) throw Bad("axes is an input since opset 13");
    if (in.size() > 1 && in[1]) return ints(*in[1]);
    return std::nullopt;
  }
  if (const auto* a = attr(n, "axes")) return std::vector<int64_t>(a->ints().begin(), a->ints().end());
  return std::nullopt;
}

T squeeze(const T& x, const std::optional<std::vector<int64_t>>& axes, bool unsqueeze) {
  const auto r = static_cast<int64_t>(x.dims.size());
  T out{{}, x.v};
  if (unsqueeze) {
    if (!axes) throw Bad("Unsqueeze without axes");
    const int64_t outRank = r + static_cast<int64_t>(axes->size());
    std::vector<bool> inserted(static_cast<size_t>(outRank), false);
    for (int64_t a : *axes) {
      const int64_t p = axisOf(a, outRank);
      if (inserted[static_cast<size_t>(p)]) throw Bad("repeated Unsqueeze axis");
      inserted[static_cast<size_t>(p)] = true;
    }
    size_t next = 0;
    for (int64_t i = 0; i < outRank; ++i) out.dims.push_back(inserted[static_cast<size_t>(i)] ? 1 : x.dims[next++]);
    return out;
  }
  std::vector<bool> drop(static_cast<size_t>(r), false);
  if (axes && !axes->empty()) {
    for (int64_t a : *axes) {
      const int64_t p = axisOf(a, r);
      if (x.dims[static_cast<size_t>(p)] != 1) throw Bad("Squeeze of a dim that is not 1");
      drop[static_cast<size_t>(p)] = true;
    }
  } else {
    for (int64_t i = 0; i < r; ++i) drop[static_cast<size_t>(i)] = x.dims[static_cast<size_t>(i)] == 1;
  }
  for (int64_t i = 0; i < r; ++i)
    if (!drop[static_cast<size_t>(i)]) out.dims.push_back(x.dims[static_cast<size_t>(i)]);
  return out;
}

T concat(const onnx::NodeProto& n, const std::vector<const T*>& in) {
  if (in.empty() || !attr(n, "axis")) throw Bad("Concat needs inputs and an axis");
  const auto r = static_cast<int64_t>(in[0]->dims.size());
  const int64_t axis = axisOf(attrInt(n, "axis", 0), r);
  T out{in[0]->dims, {}};
  out.dims[static_cast<size_t>(axis)] = 0;
  for (const T* t : in) {
    if (!t || static_cast<int64_t>(t->dims.size()) != r) throw Bad("Concat ranks");
    for (int64_t d = 0; d < r; ++d)
      if (d != axis && t->dims[static_cast<size_t>(d)] != in[0]->dims[static_cast<size_t>(d)]) throw Bad("Concat dims");
    out.dims[static_cast<size_t>(axis)] += t->dims[static_cast<size_t>(axis)];
  }
  const int64_t outer = count({in[0]->dims.begin(), in[0]->dims.begin() + axis});
  for (int64_t o = 0; o < outer; ++o)
    for (const T* t : in) {
      const int64_t chunk = count({t->dims.begin() + axis, t->dims.end()});
      out.v.insert(out.v.end(), t->v.begin() + o * chunk, t->v.begin() + (o + 1) * chunk);
    }
  return out;
}

std::vector<int64_t> attrInts(const onnx::NodeProto& n, const std::string& name, std::vector<int64_t> fallback) {
  const auto* a = attr(n, name);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : fallback;
}

/// The 2-D window of Conv, MaxPool and AveragePool ([N, C, H, W], N = 1; explicit pads only).
struct Window {
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1, top = 0, left = 0, bottom = 0, right = 0, oh = 0, ow = 0;
};

Window windowOf(const onnx::NodeProto& n, int64_t h, int64_t w, int64_t kh, int64_t kw) {
  if (attr(n, "auto_pad") && attr(n, "auto_pad")->s() != "NOTSET") throw Bad("auto_pad");
  const auto k = attrInts(n, "kernel_shape", {kh, kw}), s = attrInts(n, "strides", {1, 1}),
             d = attrInts(n, "dilations", {1, 1}), p = attrInts(n, "pads", {0, 0, 0, 0});
  if (k.size() != 2 || s.size() != 2 || d.size() != 2 || p.size() != 4) throw Bad("window attributes");
  Window g{k[0], k[1], s[0], s[1], d[0], d[1], p[0], p[1], p[2], p[3], 0, 0};
  g.oh = (h + g.top + g.bottom - (g.dh * (g.kh - 1) + 1)) / g.sh + 1;
  g.ow = (w + g.left + g.right - (g.dw * (g.kw - 1) + 1)) / g.sw + 1;
  if (g.oh < 1 || g.ow < 1) throw Bad("window larger than the input");
  return g;
}

/// Conv (group 1): y[m][i][j] = B[m] + sum over c, a, b of W[m][c][a][b] x[c][i sh + a dh - top][j sw + b dw - left].
T conv(const onnx::NodeProto& n, const T& x, const T& wt, const T* bias) {
  if (x.dims.size() != 4 || x.dims[0] != 1 || wt.dims.size() != 4 || wt.dims[1] != x.dims[1]) throw Bad("Conv dims");
  if (attrInt(n, "group", 1) != 1) throw Bad("Conv group");
  const int64_t c = x.dims[1], h = x.dims[2], w = x.dims[3], m = wt.dims[0];
  const Window g = windowOf(n, h, w, wt.dims[2], wt.dims[3]);
  T out{{1, m, g.oh, g.ow}, std::vector<double>(static_cast<size_t>(m * g.oh * g.ow), 0.0)};
  for (int64_t o = 0; o < m; ++o)
    for (int64_t i = 0; i < g.oh; ++i)
      for (int64_t j = 0; j < g.ow; ++j) {
        double acc = bias ? bias->v.at(static_cast<size_t>(o)) : 0.0;
        for (int64_t ch = 0; ch < c; ++ch)
          for (int64_t a = 0; a < g.kh; ++a)
            for (int64_t b = 0; b < g.kw; ++b) {
              const int64_t y = i * g.sh + a * g.dh - g.top, z = j * g.sw + b * g.dw - g.left;
              if (y < 0 || y >= h || z < 0 || z >= w) continue;
              acc += wt.v[static_cast<size_t>(((o * c + ch) * g.kh + a) * g.kw + b)] * x.v[static_cast<size_t>((ch * h + y) * w + z)];
            }
        out.v[static_cast<size_t>((o * g.oh + i) * g.ow + j)] = acc;
      }
  return out;
}

/// MaxPool / AveragePool: the max or the mean of the window's positions inside the input (all of the
/// window's positions with count_include_pad).
T pool(const onnx::NodeProto& n, const T& x, bool isMax) {
  if (x.dims.size() != 4 || x.dims[0] != 1) throw Bad("pool dims");
  const int64_t c = x.dims[1], h = x.dims[2], w = x.dims[3];
  const Window g = windowOf(n, h, w, 1, 1);
  const bool includePad = attrInt(n, "count_include_pad", 0) != 0;
  T out{{1, c, g.oh, g.ow}, {}};
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t i = 0; i < g.oh; ++i)
      for (int64_t j = 0; j < g.ow; ++j) {
        double best = -std::numeric_limits<double>::infinity(), sum = 0;
        int64_t inside = 0;
        for (int64_t a = 0; a < g.kh; ++a)
          for (int64_t b = 0; b < g.kw; ++b) {
            const int64_t y = i * g.sh + a - g.top, z = j * g.sw + b - g.left;
            if (y < 0 || y >= h || z < 0 || z >= w) continue;
            const double v = x.v[static_cast<size_t>((ch * h + y) * w + z)];
            best = std::max(best, v);
            sum += v;
            ++inside;
          }
        out.v.push_back(isMax ? best : sum / static_cast<double>(includePad ? g.kh * g.kw : inside));
      }
  return out;
}

/// BatchNormalization (inference): scale (x - mean) / sqrt(var + epsilon) + B per channel (axis 1).
T batchNorm(const onnx::NodeProto& n, const T& x, const T& scale, const T& b, const T& mean, const T& var) {
  if (x.dims.size() < 2) throw Bad("BatchNormalization dims");
  const int64_t c = x.dims[1], inner = count({x.dims.begin() + 2, x.dims.end()});
  const double eps = attrFloat(n, "epsilon", 1e-5);
  T out = x;
  for (int64_t k = 0; k < count(x.dims); ++k) {
    const auto ch = static_cast<size_t>((k / inner) % c);
    out.v[static_cast<size_t>(k)] = scale.v.at(ch) * (x.v[static_cast<size_t>(k)] - mean.v.at(ch)) / std::sqrt(var.v.at(ch) + eps) + b.v.at(ch);
  }
  return out;
}

/// The element x[idx] of a row-major tensor, idx one coordinate per axis.
double at(const T& x, const std::vector<int64_t>& idx) {
  if (idx.size() != x.dims.size()) throw Bad("internal: a coordinate of the wrong rank");
  int64_t flat = 0;
  for (size_t a = 0; a < idx.size(); ++a) {
    if (idx[a] < 0 || idx[a] >= x.dims[a]) throw Bad("internal: a coordinate outside the tensor");
    flat = flat * x.dims[a] + idx[a];
  }
  return x.v.at(static_cast<size_t>(flat));
}

/// Every coordinate of `dims` in row-major order, calling f(coordinate).
void forEachIndex(const std::vector<int64_t>& dims, const std::function<void(const std::vector<int64_t>&)>& f) {
  const int64_t n = count(dims);
  std::vector<int64_t> idx(dims.size(), 0);
  for (int64_t k = 0; k < n; ++k) {
    f(idx);
    for (size_t a = dims.size(); a-- > 0;)
      if (++idx[a] < dims[a]) break;
      else idx[a] = 0;
  }
}

/// Slice (opset 10+: starts, ends, axes, steps as inputs), with the ONNX clamping rules.
T slice(const T& x, const std::vector<const T*>& in) {
  if (in.size() < 3 || !in[1] || !in[2]) throw Bad("Slice needs starts and ends");
  const auto rank = static_cast<int64_t>(x.dims.size());
  const std::vector<int64_t> starts = ints(*in[1]), ends = ints(*in[2]);
  std::vector<int64_t> axes(starts.size()), steps(starts.size(), 1);
  std::iota(axes.begin(), axes.end(), 0);
  if (in.size() > 3 && in[3]) axes = ints(*in[3]);
  if (in.size() > 4 && in[4]) steps = ints(*in[4]);
  std::vector<std::vector<int64_t>> picks(static_cast<size_t>(rank));
  for (int64_t a = 0; a < rank; ++a)
    for (int64_t k = 0; k < x.dims[static_cast<size_t>(a)]; ++k) picks[static_cast<size_t>(a)].push_back(k);
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t a = axisOf(axes[i], rank), dim = x.dims[static_cast<size_t>(a)], step = steps.at(i);
    if (step == 0) throw Bad("Slice step 0");
    int64_t start = starts[i] < 0 ? starts[i] + dim : starts[i], end = ends[i] < 0 ? ends[i] + dim : ends[i];
    if (step > 0) start = std::clamp<int64_t>(start, 0, dim), end = std::clamp<int64_t>(end, 0, dim);
    else start = std::clamp<int64_t>(start, 0, dim - 1), end = std::clamp<int64_t>(end, -1, dim - 1);
    std::vector<int64_t>& p = picks[static_cast<size_t>(a)];
    p.clear();
    for (int64_t k = start; step > 0 ? k < end : k > end; k += step) p.push_back(k);
  }
  T out;
  for (const auto& p : picks) out.dims.push_back(static_cast<int64_t>(p.size()));
  forEachIndex(out.dims, [&](const std::vector<int64_t>& idx) {
    std::vector<int64_t> src(idx.size());
    for (size_t a = 0; a < idx.size(); ++a) src[a] = picks[a][static_cast<size_t>(idx[a])];
    out.v.push_back(at(x, src));
  });
  return out;
}

/// Gather along `axis` with the indices' shape in place of that axis; negative indices count back.
T gather(const onnx::NodeProto& n, const T& x, const T& indices) {
  const auto rank = static_cast<int64_t>(x.dims.size());
  const int64_t axis = axisOf(attrInt(n, "axis", 0), rank), dim = x.dims[static_cast<size_t>(axis)];
  T out;
  out.dims.assign(x.dims.begin(), x.dims.begin() + axis);
  out.dims.insert(out.dims.end(), indices.dims.begin(), indices.dims.end());
  out.dims.insert(out.dims.end(), x.dims.begin() + axis + 1, x.dims.end());
  const auto q = static_cast<int64_t>(indices.dims.size());
  forEachIndex(out.dims, [&](const std::vector<int64_t>& idx) {
    int64_t flat = 0;  // the index tensor's element at idx[axis .. axis + q)
    for (int64_t a = 0; a < q; ++a) flat = flat * indices.dims[static_cast<size_t>(a)] + idx[static_cast<size_t>(axis + a)];
    int64_t k = static_cast<int64_t>(indices.v[static_cast<size_t>(flat)]);
    if (k < 0) k += dim;
    if (k < 0 || k >= dim) throw Bad("Gather index out of range");
    std::vector<int64_t> src(idx.begin(), idx.begin() + axis);
    src.push_back(k);
    src.insert(src.end(), idx.begin() + axis + q, idx.end());
    out.v.push_back(at(x, src));
  });
  return out;
}

/// Split along `axis` into the sizes given (input 1 from opset 13, else the attribute) or equal parts.
std::vector<T> split(const onnx::NodeProto& n, const std::vector<const T*>& in, int64_t opset) {
  if (in.empty() || !in[0]) throw Bad("Split needs an input");
  const T& x = *in[0];
  const auto rank = static_cast<int64_t>(x.dims.size());
  const int64_t axis = axisOf(attrInt(n, "axis", 0), rank), dim = x.dims[static_cast<size_t>(axis)];
  std::vector<int64_t> sizes;
  if (opset >= 13 && in.size() > 1 && in[1]) sizes = ints(*in[1]);
  else if (const auto* a = attr(n, "split")) sizes.assign(a->ints().begin(), a->ints().end());
  const auto outputs = static_cast<int64_t>(n.output_size());
  if (sizes.empty())
    for (int64_t k = 0; k < outputs; ++k) sizes.push_back(std::min((dim + outputs - 1) / outputs, dim - k * ((dim + outputs - 1) / outputs)));
  if (static_cast<int64_t>(sizes.size()) != outputs) throw Bad("Split sizes");
  std::vector<T> out;
  int64_t offset = 0;
  for (int64_t len : sizes) {
    T part;
    part.dims = x.dims;
    part.dims[static_cast<size_t>(axis)] = len;
    forEachIndex(part.dims, [&](const std::vector<int64_t>& idx) {
      std::vector<int64_t> src = idx;
      src[static_cast<size_t>(axis)] += offset;
      part.v.push_back(at(x, src));
    });
    offset += len;
    out.push_back(std::move(part));
  }
  if (offset != dim) throw Bad("Split sizes do not add up");
  return out;
}

T unary(const T& x, const std::function<double(double)>& f) {
  T out{x.dims, {}};
  for (double e : x.v) out.v.push_back(f(e));
  return out;
}

T evalNode(const onnx::NodeProto& n, const std::vector<const T*>& in, int64_t opset) {
  const std::string& op = n.op_type();
  auto need = [&](size_t i) -> const T& {
    if (i >= in.size() || !in[i]) throw Bad(op + " is missing input " + std::to_string(i));
    return *in[i];
  };
  if (op == "Constant") {
    if (const auto* a = attr(n, "value")) return tensorOf(a->t());
    if (const auto* a = attr(n, "value_float")) return T{{}, {static_cast<double>(a->f())}};
    if (const auto* a = attr(n, "value_floats")) return T{{a->floats_size()}, {a->floats().begin(), a->floats().end()}};
    if (const auto* a = attr(n, "value_int")) return T{{}, {static_cast<double>(a->i())}};
    if (const auto* a = attr(n, "value_ints")) return T{{a->ints_size()}, {a->ints().begin(), a->ints().end()}};
    throw Bad("Constant without a value");
  }
  if (op == "Identity") return need(0);
  // Dropout in inference (no training_mode input, or a false one) passes its input through.
  if (op == "Dropout") {
    if (in.size() > 2 && in[2] && !in[2]->v.empty() && in[2]->v[0] != 0) throw Bad("Dropout in training mode");
    return need(0);
  }
  // A Cast to float or double keeps the values (the reference computes in double throughout).
  if (op == "Cast") {
    const int64_t to = attrInt(n, "to", 0);
    if (to != 1 && to != 11) throw Bad("Cast to a type other than float or double");
    return need(0);
  }
  if (op == "Relu") return unary(need(0), [](double x) { return x > 0 ? x : 0.0; });
  if (op == "Sigmoid") return unary(need(0), [](double x) { return 1.0 / (1.0 + std::exp(-x)); });
  if (op == "Tanh") return unary(need(0), [](double x) { return std::tanh(x); });
  if (op == "Abs") return unary(need(0), [](double x) { return std::abs(x); });
  if (op == "LeakyRelu") {
    const double alpha = attrFloat(n, "alpha", 0.01);
    return unary(need(0), [alpha](double x) { return x >= 0 ? x : alpha * x; });
  }
  if (op == "Clip") {
    double lo = -std::numeric_limits<double>::infinity(), hi = -lo;
    if (opset < 11) {
      lo = attrFloat(n, "min", std::numeric_limits<float>::lowest());
      hi = attrFloat(n, "max", std::numeric_limits<float>::max());
    } else {
      if (in.size() > 1 && in[1]) lo = in[1]->v.at(0);
      if (in.size() > 2 && in[2]) hi = in[2]->v.at(0);
    }
    return unary(need(0), [lo, hi](double x) { return std::min(std::max(x, lo), hi); });
  }
  if (op == "Add") return broadcast(need(0), need(1), [](double a, double b) { return a + b; });
  if (op == "Sub") return broadcast(need(0), need(1), [](double a, double b) { return a - b; });
  if (op == "Mul") return broadcast(need(0), need(1), [](double a, double b) { return a * b; });
  if (op == "Div") return broadcast(need(0), need(1), [](double a, double b) { return a / b; });
  if (op == "Gemm") return gemm(n, need(0), need(1), in.size() > 2 ? in[2] : nullptr);
  if (op == "MatMul") return matmul(need(0), need(1));
  if (op == "Flatten") {
    const T& x = need(0);
    const auto r = static_cast<int64_t>(x.dims.size());
    int64_t axis = attrInt(n, "axis", 1);
    if (axis < -r || axis > r) throw Bad("Flatten axis");
    if (axis < 0) axis += r;
    return T{{count({x.dims.begin(), x.dims.begin() + axis}), count({x.dims.begin() + axis, x.dims.end()})}, x.v};
  }
  if (op == "Reshape") return reshape(need(0), ints(need(1)), opset >= 14 && attrInt(n, "allowzero", 0) != 0);
  if (op == "Squeeze" || op == "Unsqueeze") return squeeze(need(0), axesOf(n, in, opset), op == "Unsqueeze");
  if (op == "Transpose") {
    const auto* p = attr(n, "perm");
    return transpose(need(0), p ? std::vector<int64_t>(p->ints().begin(), p->ints().end()) : std::vector<int64_t>{});
  }
  if (op == "Concat") return concat(n, in);
  if (op == "Max" || op == "Min") {  // variadic, with broadcasting
    const bool isMax = op == "Max";
    const std::function<double(double, double)> f = [isMax](double a, double b) { return isMax ? std::max(a, b) : std::min(a, b); };
    T acc = need(0);
    for (size_t i = 1; i < in.size(); ++i) {
      T next = broadcast(acc, need(i), f);
      acc = std::move(next);
    }
    return acc;
  }
  if (op == "HardSigmoid" || op == "HardSwish") {  // max(0, min(1, alpha x + beta)) (times x for HardSwish)
    const double alpha = op == "HardSwish" ? 1.0 / 6.0 : attrFloat(n, "alpha", 0.2);
    const double beta = op == "HardSwish" ? 0.5 : attrFloat(n, "beta", 0.5);
    const bool swish = op == "HardSwish";
    return unary(need(0), [=](double x) {
      const double h = std::max(0.0, std::min(1.0, alpha * x + beta));
      return swish ? x * h : h;
    });
  }
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
    const T& x = need(0);
    if (x.dims.size() != 4 || x.dims[0] != 1) throw Bad("global pool dims");
    const int64_t c = x.dims[1], plane = x.dims[2] * x.dims[3];
    T out{{1, c, 1, 1}, {}};
    for (int64_t k = 0; k < c; ++k) {
      double best = -std::numeric_limits<double>::infinity(), sum = 0;
      for (int64_t i = 0; i < plane; ++i) {
        best = std::max(best, x.v[static_cast<size_t>(k * plane + i)]);
        sum += x.v[static_cast<size_t>(k * plane + i)];
      }
      out.v.push_back(op == "GlobalMaxPool" ? best : sum / static_cast<double>(plane));
    }
    return out;
  }
  if (op == "Slice") return slice(need(0), in);
  if (op == "Gather") return gather(n, need(0), need(1));
  if (op == "Conv") return conv(n, need(0), need(1), in.size() > 2 ? in[2] : nullptr);
  if (op == "MaxPool" || op == "AveragePool") return pool(n, need(0), op == "MaxPool");
  if (op == "BatchNormalization") return batchNorm(n, need(0), need(1), need(2), need(3), need(4));
  throw Bad("the reference evaluator does not know " + op);
}

}  // namespace

std::optional<std::vector<double>> evalOnnxReference(const onnx::ModelProto& model,
                                                     const std::vector<double>& input, std::string* why) {
  try {
    int64_t opset = -1;
    for (const auto& o : model.opset_import())
      if (o.domain().empty() || o.domain() == "ai.onnx") opset = o.version();
    if (opset < 1) throw Bad("no default-domain opset");
    const onnx::GraphProto& g = model.graph();
    std::map<std::string, T> values;
    for (const auto& init : g.initializer()) values[init.name()] = tensorOf(init);
    for (const auto& in : g.input()) {
      if (values.count(in.name())) continue;
      T x;
      for (const auto& d : in.type().tensor_type().shape().dim()) x.dims.push_back(d.has_dim_value() ? d.dim_value() : 1);
      if (count(x.dims) != static_cast<int64_t>(input.size())) throw Bad("input size");
      x.v = input;
      values[in.name()] = std::move(x);
    }
    for (const auto& n : g.node()) {
      if (!(n.domain().empty() || n.domain() == "ai.onnx")) throw Bad("custom domain");
      std::vector<const T*> in;
      for (const auto& name : n.input()) {
        if (name.empty()) {
          in.push_back(nullptr);
          continue;
        }
        auto it = values.find(name);
        if (it == values.end()) throw Bad("undefined value '" + name + "'");
        in.push_back(&it->second);
      }
      if (n.output_size() < 1) throw Bad("node without outputs");
      if (n.op_type() == "Split") {  // several outputs
        std::vector<T> parts = split(n, in, opset);
        for (size_t k = 0; k < parts.size(); ++k)
          if (!n.output(static_cast<int>(k)).empty()) values[n.output(static_cast<int>(k))] = std::move(parts[k]);
        continue;
      }
      T out = evalNode(n, in, opset);
      if (count(out.dims) != static_cast<int64_t>(out.v.size())) throw Bad("internal: dims and values differ");
      values[n.output(0)] = std::move(out);
    }
    if (g.output_size() < 1) throw Bad("no graph output");
    auto it = values.find(g.output(0).name());
    if (it == values.end()) throw Bad("the graph output is never computed");
    return it->second.v;
  } catch (const std::exception& e) {
    if (why) *why = e.what();
    return std::nullopt;
  }
}

}  // namespace cert::test
