// Constant evaluation of the ONNX ops that build shapes and small constants.
#include "core/network/onnx_constant_folding.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/network/network_printer.h"
#include "core/network/onnx_attributes.h"
#include "core/network/onnx_shape_ops.h"

namespace cert {

namespace {

using R = Result<ConstTensor>;

R fail(const std::string& msg) { return R::failure(Diagnostic::error(msg)); }
R ok(ConstTensor t) {
  R r;
  r.value = std::move(t);
  return r;
}

/// An output of `count` values (-1: beyond kMaxTensorElements) may be allocated.
bool fits(int64_t count, int64_t maxElements) { return count >= 0 && count <= maxElements; }

std::string tooLarge(const std::string& op, const std::vector<int64_t>& dims, int64_t maxElements) {
  return op + " output " + formatShape(dims) + " is larger than the constant folding budget (" +
         std::to_string(maxElements) + " values left)";
}

const ConstTensor* arg(const std::vector<const ConstTensor*>& in, size_t i) {
  return i < in.size() ? in[i] : nullptr;
}

/// Axes from an attribute (older opsets) or the second input (newer ones).
std::vector<int64_t> axesOf(const NodeAttributes& attrs,
                            const std::vector<const ConstTensor*>& in) {
  if (const ConstTensor* a = arg(in, 1)) return toIndices(*a);
  return attrs.getInts("axes", {});
}

R withDims(const ConstTensor& x, std::vector<int64_t> dims) {
  ConstTensor t = x;
  t.dims = std::move(dims);
  return ok(std::move(t));
}

R foldConstant(const NodeAttributes& attrs) {
  if (const onnx::TensorProto* t = attrs.getTensor("value")) return readTensor(*t);
  ConstTensor c;
  if (attrs.has("value_float")) {
    c.values = {attrs.getFloat("value_float", 0.0)};
  } else if (attrs.has("value_floats")) {
    c.values = attrs.getFloats("value_floats");
    c.dims = {c.size()};
  } else if (attrs.has("value_int")) {
    c.values = {static_cast<double>(attrs.getInt("value_int", 0))};
    c.isInteger = true;
  } else if (attrs.has("value_ints")) {
    for (int64_t v : attrs.getInts("value_ints", {})) c.values.push_back(static_cast<double>(v));
    c.dims = {c.size()};
    c.isInteger = true;
  } else {
    return fail("Constant without a supported value attribute (value, value_float(s), value_int(s))");
  }
  return ok(std::move(c));
}

R foldConstantOfShape(const ConstTensor& shape, const NodeAttributes& attrs, int64_t maxElements) {
  ConstTensor t;
  t.dims = toIndices(shape);
  for (int64_t d : t.dims)
    if (d < 0) return fail("ConstantOfShape with invalid shape " + formatShape(t.dims));
  const int64_t count = elementCount(t.dims);
  if (!fits(count, maxElements)) return fail(tooLarge("ConstantOfShape", t.dims, maxElements));
  double fill = 0.0;
  if (const onnx::TensorProto* v = attrs.getTensor("value")) {
    R value = readTensor(*v);
    if (!value) return value;
    if (value->size() != 1) return fail("ConstantOfShape value must have one element");
    fill = value->values[0];
    t.isInteger = value->isInteger;
  }
  t.values.assign(static_cast<size_t>(count), fill);
  return ok(std::move(t));
}

R foldCast(const ConstTensor& x, const NodeAttributes& attrs) {
  const int64_t to = attrs.getInt("to", onnx::TensorProto_DataType_FLOAT);
  ConstTensor t = x;
  switch (to) {
    case onnx::TensorProto_DataType_FLOAT:
    case onnx::TensorProto_DataType_FLOAT16:
      for (double& v : t.values) v = static_cast<double>(static_cast<float>(v));
      t.isInteger = false;
      return ok(std::move(t));
    case onnx::TensorProto_DataType_DOUBLE: t.isInteger = false; return ok(std::move(t));
    case onnx::TensorProto_DataType_BOOL:
      for (double& v : t.values) v = v != 0.0 ? 1.0 : 0.0;
      t.isInteger = true;
      return ok(std::move(t));
    case onnx::TensorProto_DataType_INT8:
    case onnx::TensorProto_DataType_INT16:
    case onnx::TensorProto_DataType_INT32:
    case onnx::TensorProto_DataType_INT64:
    case onnx::TensorProto_DataType_UINT8:
    case onnx::TensorProto_DataType_UINT16:
    case onnx::TensorProto_DataType_UINT32:
    case onnx::TensorProto_DataType_UINT64:
      for (double& v : t.values) v = std::trunc(v);
      t.isInteger = true;
      return ok(std::move(t));
    default: return fail("Cast to unsupported type " + std::to_string(to));
  }
}

/// Picks elements of `x` by flat index into a tensor of `dims`.
ConstTensor gatherFlat(const ConstTensor& x, std::vector<int64_t> dims,
                       const std::vector<int64_t>& source) {
  ConstTensor t;
  t.dims = std::move(dims);
  t.isInteger = x.isInteger;
  t.values.reserve(source.size());
  for (int64_t s : source) t.values.push_back(x.values[static_cast<size_t>(s)]);
  return t;
}

R foldGather(const ConstTensor& data, const ConstTensor& indices, const NodeAttributes& attrs,
             int64_t maxElements) {
  const auto rank = static_cast<int64_t>(data.dims.size());
  int64_t axis = 0;
  if (!normalizeAxis(attrs.getInt("axis", 0), rank, &axis)) return fail("Gather axis out of range");
  const int64_t n = data.dims[static_cast<size_t>(axis)];
  const int64_t outer = elementCount({data.dims.begin(), data.dims.begin() + axis});
  const int64_t inner = elementCount({data.dims.begin() + axis + 1, data.dims.end()});
  std::vector<int64_t> dims(data.dims.begin(), data.dims.begin() + axis);
  dims.insert(dims.end(), indices.dims.begin(), indices.dims.end());
  dims.insert(dims.end(), data.dims.begin() + axis + 1, data.dims.end());
  if (!fits(elementCount(dims), maxElements)) return fail(tooLarge("Gather", dims, maxElements));
  std::vector<int64_t> source;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t raw : toIndices(indices)) {
      const int64_t i = raw < 0 ? raw + n : raw;
      if (i < 0 || i >= n) return fail("Gather index " + std::to_string(raw) + " out of range");
      for (int64_t k = 0; k < inner; ++k) source.push_back((o * n + i) * inner + k);
    }
  return ok(gatherFlat(data, std::move(dims), source));
}

R foldConcat(const std::vector<const ConstTensor*>& in, const NodeAttributes& attrs,
             int64_t maxElements) {
  if (in.empty() || !in[0]) return fail("Concat without inputs");
  const std::vector<int64_t>& first = in[0]->dims;
  int64_t axis = 0;
  if (!normalizeAxis(attrs.getInt("axis", 0), static_cast<int64_t>(first.size()), &axis))
    return fail("Concat axis out of range");
  const int64_t outer = elementCount({first.begin(), first.begin() + axis});
  ConstTensor t;
  t.dims = first;
  t.dims[static_cast<size_t>(axis)] = 0;
  t.isInteger = true;
  for (const ConstTensor* x : in) {
    if (!x || x->dims.size() != first.size()) return fail("Concat inputs differ in rank");
    for (size_t d = 0; d < first.size(); ++d)
      if (d != static_cast<size_t>(axis) && x->dims[d] != first[d])
        return fail("Concat inputs differ in shape");
    t.dims[static_cast<size_t>(axis)] += x->dims[static_cast<size_t>(axis)];
    t.isInteger = t.isInteger && x->isInteger;
  }
  if (!fits(elementCount(t.dims), maxElements)) return fail(tooLarge("Concat", t.dims, maxElements));
  for (int64_t o = 0; o < outer; ++o)
    for (const ConstTensor* x : in) {
      const int64_t chunk = outer > 0 ? x->size() / outer : 0;
      t.values.insert(t.values.end(), x->values.begin() + o * chunk,
                      x->values.begin() + (o + 1) * chunk);
    }
  return ok(std::move(t));
}

R foldSlice(const ConstTensor& x, const std::vector<const ConstTensor*>& in,
            const NodeAttributes& attrs, int64_t opset) {
  std::vector<int64_t> starts, ends, axes, steps;
  if (opset < 10) {
    starts = attrs.getInts("starts", {});
    ends = attrs.getInts("ends", {});
    axes = attrs.getInts("axes", {});
  } else {
    if (!arg(in, 1) || !arg(in, 2)) return fail("Slice needs starts and ends");
    starts = toIndices(*in[1]);
    ends = toIndices(*in[2]);
    if (arg(in, 3)) axes = toIndices(*in[3]);
    if (arg(in, 4)) steps = toIndices(*in[4]);
  }
  const auto rank = static_cast<int64_t>(x.dims.size());
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    return fail("Slice starts, ends, axes and steps differ in length");
  std::vector<int64_t> begin(x.dims.size(), 0), axisStep(x.dims.size(), 1), dims = x.dims;
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t a = 0;
    if (!normalizeAxis(axes[i], rank, &a) || steps[i] == 0) return fail("invalid Slice axes or steps");
    const int64_t n = x.dims[static_cast<size_t>(a)];
    const int64_t step = std::clamp(steps[i], -(n + 1), n + 1);  // same slice, no overflow
    auto clampIndex = [n](int64_t v, int64_t lo, int64_t hi) {
      if (v < 0) v = v < -n ? -1 : v + n;  // -1 marks "before the start"
      return std::clamp(v, lo, hi);
    };
    const int64_t s = step > 0 ? clampIndex(starts[i], 0, n) : clampIndex(starts[i], -1, n - 1);
    const int64_t e = step > 0 ? clampIndex(ends[i], 0, n) : clampIndex(ends[i], -1, n - 1);
    const int64_t len = step > 0 ? (e > s ? (e - s + step - 1) / step : 0)
                                 : (s > e ? (s - e - step - 1) / -step : 0);
    begin[static_cast<size_t>(a)] = s;
    axisStep[static_cast<size_t>(a)] = step;
    dims[static_cast<size_t>(a)] = len;
  }
  std::vector<int64_t> stride(x.dims.size(), 1);
  for (size_t d = x.dims.size(); d-- > 1;) stride[d - 1] = stride[d] * x.dims[d];
  const int64_t count = elementCount(dims);
  std::vector<int64_t> source, idx(dims.size(), 0);
  for (int64_t flat = 0; flat < count; ++flat) {
    int64_t src = 0;
    for (size_t d = 0; d < dims.size(); ++d) src += (begin[d] + idx[d] * axisStep[d]) * stride[d];
    source.push_back(src);
    for (size_t d = dims.size(); d-- > 0;) {
      if (++idx[d] < dims[d]) break;
      idx[d] = 0;
    }
  }
  return ok(gatherFlat(x, std::move(dims), source));
}

R foldBinary(const std::string& op, const ConstTensor& a, const ConstTensor& b, int64_t maxElements) {
  std::vector<int64_t> dims;
  if (!broadcastShapes(a.dims, b.dims, &dims))
    return fail(op + " of constants with incompatible shapes " + formatShape(a.dims) + " and " +
                formatShape(b.dims));
  if (!fits(elementCount(dims), maxElements)) return fail(tooLarge(op, dims, maxElements));
  const std::vector<double> x = broadcastTo(a, dims), y = broadcastTo(b, dims);
  ConstTensor t;
  t.dims = dims;
  t.isInteger = a.isInteger && b.isInteger;
  t.values.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    double v = 0.0;
    if (op == "Add") v = x[i] + y[i];
    else if (op == "Sub") v = x[i] - y[i];
    else if (op == "Mul") v = x[i] * y[i];
    else if (t.isInteger && y[i] == 0.0) return fail("integer division by zero");
    else v = t.isInteger ? std::trunc(x[i] / y[i]) : x[i] / y[i];
    t.values[i] = v;
  }
  return ok(std::move(t));
}

}  // namespace

bool isFoldableOp(const std::string& opType) {
  static const std::set<std::string> kOps = {
      "Constant", "ConstantOfShape", "Cast",   "Identity", "Unsqueeze", "Squeeze", "Reshape",
      "Flatten",  "Transpose",       "Gather", "Concat",   "Slice",     "Shape",   "Add",
      "Sub",      "Mul",             "Div",    "Neg",      "Sqrt"};
  return kOps.count(opType) > 0;
}

Result<ConstTensor> foldConstantNode(const onnx::NodeProto& node,
                                     const std::vector<const ConstTensor*>& in, int64_t opset,
                                     int64_t maxElements) {
  const std::string& op = node.op_type();
  const NodeAttributes attrs(node);
  if (op == "Constant") return foldConstant(attrs);
  const ConstTensor* x = arg(in, 0);
  if (!x) return fail(op + " is missing its first input");
  std::string error;
  std::vector<int64_t> dims;
  R r;
  if (op == "ConstantOfShape") r = foldConstantOfShape(*x, attrs, maxElements);
  else if (op == "Cast") r = foldCast(*x, attrs);
  else if (op == "Identity") r = ok(*x);
  else if (op == "Shape") {
    ConstTensor t;
    t.isInteger = true;
    const auto rank = static_cast<int64_t>(x->dims.size());
    int64_t start = std::clamp<int64_t>(attrs.getInt("start", 0), -rank, rank);
    int64_t end = std::clamp<int64_t>(attrs.getInt("end", rank), -rank, rank);
    if (start < 0) start += rank;
    if (end < 0) end += rank;
    for (int64_t i = start; i < end; ++i) t.values.push_back(static_cast<double>(x->dims[static_cast<size_t>(i)]));
    t.dims = {t.size()};
    r = ok(std::move(t));
  } else if (op == "Unsqueeze") {
    r = unsqueezeShape(x->dims, axesOf(attrs, in), &dims, &error) ? withDims(*x, dims) : fail(error);
  } else if (op == "Squeeze") {
    r = squeezeShape(x->dims, axesOf(attrs, in), &dims, &error) ? withDims(*x, dims) : fail(error);
  } else if (op == "Flatten") {
    r = flattenShape(x->dims, attrs.getInt("axis", 1), &dims, &error) ? withDims(*x, dims) : fail(error);
  } else if (op == "Reshape") {
    const ConstTensor* shape = arg(in, 1);
    if (!shape) return fail("Reshape needs a constant shape input");
    r = reshapeShape(x->dims, toIndices(*shape), attrs.getInt("allowzero", 0) != 0, &dims, &error)
            ? withDims(*x, dims)
            : fail(error);
  } else if (op == "Transpose") {
    std::vector<int64_t> source;
    r = transposeIndex(x->dims, attrs.getInts("perm", {}), &dims, &source, &error)
            ? ok(gatherFlat(*x, dims, source))
            : fail(error);
  } else if (op == "Gather") {
    if (!arg(in, 1)) return fail("Gather needs indices");
    r = foldGather(*x, *in[1], attrs, maxElements);
  } else if (op == "Concat") {
    r = foldConcat(in, attrs, maxElements);
  } else if (op == "Slice") {
    r = foldSlice(*x, in, attrs, opset);
  } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    if (!arg(in, 1)) return fail(op + " needs two inputs");
    r = foldBinary(op, *x, *in[1], maxElements);
  } else if (op == "Neg" || op == "Sqrt") {
    ConstTensor t = *x;
    for (double& v : t.values) v = op == "Neg" ? -v : std::sqrt(v);
    r = ok(std::move(t));
  } else {
    return fail("cannot evaluate " + op + " on constants");
  }
  if (!attrs.error().empty()) return fail(attrs.error());
  return r;
}

}  // namespace cert
