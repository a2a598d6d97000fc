// Shape arithmetic of the ONNX layout ops, with every axis and size checked.
#include "core/network/onnx_shape_ops.h"

#include <algorithm>

#include "core/network/network_printer.h"
#include "core/network/onnx_tensor.h"

namespace cert {

bool normalizeAxis(int64_t axis, int64_t rank, int64_t* out) {
  if (axis < -rank || axis >= rank) return false;
  *out = axis < 0 ? axis + rank : axis;
  return true;
}

bool reshapeShape(const std::vector<int64_t>& in, const std::vector<int64_t>& target,
                  bool allowZero, std::vector<int64_t>* out, std::string* error) {
  const int64_t total = elementCount(in);
  std::vector<int64_t> r = target;
  int inferred = -1;
  for (size_t i = 0; i < r.size(); ++i) {
    if (r[i] == -1) {
      if (inferred >= 0) {
        *error = "Reshape target " + formatShape(target) + " has more than one -1";
        return false;
      }
      inferred = static_cast<int>(i);
    } else if (r[i] == 0 && !allowZero) {
      if (i >= in.size()) {
        *error = "Reshape target " + formatShape(target) + " copies a dim the input " +
                 formatShape(in) + " does not have";
        return false;
      }
      r[i] = in[i];
    } else if (r[i] < 0) {
      *error = "Reshape target " + formatShape(target) + " has a negative dim";
      return false;
    }
  }
  if (inferred >= 0) {
    r[static_cast<size_t>(inferred)] = 1;
    const int64_t known = elementCount(r);
    if (known <= 0 || total % known != 0) {
      *error = "cannot reshape " + formatShape(in) + " to " + formatShape(target);
      return false;
    }
    r[static_cast<size_t>(inferred)] = total / known;
  }
  if (elementCount(r) != total) {
    *error = "cannot reshape " + formatShape(in) + " to " + formatShape(target);
    return false;
  }
  *out = std::move(r);
  return true;
}

bool flattenShape(const std::vector<int64_t>& in, int64_t axis, std::vector<int64_t>* out,
                  std::string* error) {
  const auto rank = static_cast<int64_t>(in.size());
  if (axis < -rank || axis > rank) {
    *error = "Flatten axis " + std::to_string(axis) + " out of range for " + formatShape(in);
    return false;
  }
  if (axis < 0) axis += rank;
  const auto mid = in.begin() + axis;
  *out = {elementCount({in.begin(), mid}), elementCount({mid, in.end()})};
  return true;
}

bool squeezeShape(const std::vector<int64_t>& in, const std::vector<int64_t>& axes,
                  std::vector<int64_t>* out, std::string* error) {
  const auto rank = static_cast<int64_t>(in.size());
  std::vector<bool> drop(in.size(), false);
  if (axes.empty()) {
    for (size_t i = 0; i < in.size(); ++i) drop[i] = in[i] == 1;
  }
  for (int64_t a : axes) {
    int64_t n = 0;
    if (!normalizeAxis(a, rank, &n) || in[static_cast<size_t>(n)] != 1) {
      *error = "cannot squeeze axis " + std::to_string(a) + " of " + formatShape(in);
      return false;
    }
    drop[static_cast<size_t>(n)] = true;
  }
  out->clear();
  for (size_t i = 0; i < in.size(); ++i)
    if (!drop[i]) out->push_back(in[i]);
  return true;
}

bool unsqueezeShape(const std::vector<int64_t>& in, const std::vector<int64_t>& axes,
                    std::vector<int64_t>* out, std::string* error) {
  const auto rank = static_cast<int64_t>(in.size() + axes.size());
  std::vector<bool> inserted(static_cast<size_t>(rank), false);
  for (int64_t a : axes) {
    int64_t n = 0;
    if (!normalizeAxis(a, rank, &n) || inserted[static_cast<size_t>(n)]) {
      *error = "invalid Unsqueeze axes " + formatShape(axes) + " for " + formatShape(in);
      return false;
    }
    inserted[static_cast<size_t>(n)] = true;
  }
  out->clear();
  size_t next = 0;
  for (int64_t i = 0; i < rank; ++i)
    out->push_back(inserted[static_cast<size_t>(i)] ? 1 : in[next++]);
  return true;
}

bool transposeIndex(const std::vector<int64_t>& in, std::vector<int64_t> perm,
                    std::vector<int64_t>* outDims, std::vector<int64_t>* source,
                    std::string* error) {
  const size_t rank = in.size();
  if (perm.empty())
    for (size_t i = rank; i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  bool valid = perm.size() == rank;
  for (size_t i = 0; valid && i < rank; ++i) valid = sorted[i] == static_cast<int64_t>(i);
  if (!valid) {
    *error = "Transpose perm " + formatShape(perm) + " is not a permutation of the axes of " +
             formatShape(in);
    return false;
  }
  std::vector<int64_t> inStride(rank, 1);
  for (size_t i = rank; i-- > 1;) inStride[i - 1] = inStride[i] * in[i];
  outDims->assign(rank, 0);
  for (size_t j = 0; j < rank; ++j) (*outDims)[j] = in[static_cast<size_t>(perm[j])];
  const int64_t count = elementCount(in);
  source->assign(static_cast<size_t>(std::max<int64_t>(count, 0)), 0);
  std::vector<int64_t> idx(rank, 0);  // output multi-index
  for (int64_t flat = 0; flat < count; ++flat) {
    int64_t src = 0;
    for (size_t j = 0; j < rank; ++j) src += idx[j] * inStride[static_cast<size_t>(perm[j])];
    (*source)[static_cast<size_t>(flat)] = src;
    for (size_t j = rank; j-- > 0;) {
      if (++idx[j] < (*outDims)[j]) break;
      idx[j] = 0;
    }
  }
  return true;
}

}  // namespace cert
