// Reading TensorProtos (raw_data or typed fields, every length checked) and broadcasting.
#include "core/network/onnx_tensor.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/network/network_printer.h"

namespace cert {

int64_t elementCount(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) return -1;
    if (d != 0 && n > kMaxTensorElements / d) return -1;
    n *= d;
  }
  return n > kMaxTensorElements ? -1 : n;
}

int64_t toIndex(double v) {
  if (std::isnan(v)) return 0;
  if (v >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
  if (v <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

std::vector<int64_t> toIndices(const ConstTensor& t) {
  std::vector<int64_t> out;
  out.reserve(t.values.size());
  for (double v : t.values) out.push_back(toIndex(v));
  return out;
}

namespace {

template <class T>
std::vector<double> fromRaw(const std::string& raw, int64_t count) {
  std::vector<double> out(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    T v;
    std::memcpy(&v, raw.data() + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
    out[static_cast<size_t>(i)] = static_cast<double>(v);
  }
  return out;
}

template <class Field>
std::vector<double> fromField(const Field& field) {
  return std::vector<double>(field.begin(), field.end());
}

}  // namespace

Result<ConstTensor> readTensor(const onnx::TensorProto& proto) {
  const std::string what = "tensor '" + proto.name() + "'";
  ConstTensor t;
  t.dims.assign(proto.dims().begin(), proto.dims().end());
  const int64_t count = elementCount(t.dims);
  if (count < 0)
    return Result<ConstTensor>::failure(
        Diagnostic::error(what + " has invalid dims " + formatShape(t.dims)));
  if (proto.data_location() == onnx::TensorProto_DataLocation_EXTERNAL)
    return Result<ConstTensor>::failure(
        Diagnostic::error(what + " uses external data, which is not supported"));

  int64_t elemSize = 0;
  int64_t typedCount = 0;
  switch (proto.data_type()) {
    case onnx::TensorProto_DataType_FLOAT: elemSize = 4; typedCount = proto.float_data_size(); break;
    case onnx::TensorProto_DataType_DOUBLE: elemSize = 8; typedCount = proto.double_data_size(); break;
    case onnx::TensorProto_DataType_INT32: elemSize = 4; typedCount = proto.int32_data_size(); break;
    case onnx::TensorProto_DataType_INT64: elemSize = 8; typedCount = proto.int64_data_size(); break;
    default:
      return Result<ConstTensor>::failure(Diagnostic::error(
          what + " has unsupported data type " + std::to_string(proto.data_type()) +
          " (supported: float, double, int32, int64)"));
  }
  t.isInteger = proto.data_type() == onnx::TensorProto_DataType_INT32 ||
                proto.data_type() == onnx::TensorProto_DataType_INT64;

  if (proto.has_raw_data() && !proto.raw_data().empty()) {
    const auto have = static_cast<int64_t>(proto.raw_data().size());
    if (have != count * elemSize)
      return Result<ConstTensor>::failure(Diagnostic::error(
          what + " has " + std::to_string(have) + " bytes of data, expected " +
          std::to_string(count * elemSize) + " for dims " + formatShape(t.dims)));
    switch (proto.data_type()) {
      case onnx::TensorProto_DataType_FLOAT: t.values = fromRaw<float>(proto.raw_data(), count); break;
      case onnx::TensorProto_DataType_DOUBLE: t.values = fromRaw<double>(proto.raw_data(), count); break;
      case onnx::TensorProto_DataType_INT32: t.values = fromRaw<int32_t>(proto.raw_data(), count); break;
      default: t.values = fromRaw<int64_t>(proto.raw_data(), count); break;
    }
  } else {
    if (typedCount != count)
      return Result<ConstTensor>::failure(Diagnostic::error(
          what + " has " + std::to_string(typedCount) + " values, expected " +
          std::to_string(count) + " for dims " + formatShape(t.dims)));
    switch (proto.data_type()) {
      case onnx::TensorProto_DataType_FLOAT: t.values = fromField(proto.float_data()); break;
      case onnx::TensorProto_DataType_DOUBLE: t.values = fromField(proto.double_data()); break;
      case onnx::TensorProto_DataType_INT32: t.values = fromField(proto.int32_data()); break;
      default: t.values = fromField(proto.int64_data()); break;
    }
  }
  Result<ConstTensor> r;
  r.value = std::move(t);
  return r;
}

bool broadcastShapes(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                     std::vector<int64_t>* out) {
  const size_t rank = std::max(a.size(), b.size());
  std::vector<int64_t> r(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) return false;
    r[i] = da == 1 ? db : da;
  }
  *out = std::move(r);
  return true;
}

std::vector<double> broadcastTo(const ConstTensor& t, const std::vector<int64_t>& shape) {
  const int64_t count = elementCount(shape);
  std::vector<double> out(static_cast<size_t>(std::max<int64_t>(count, 0)));
  if (t.values.empty()) return out;
  const size_t rank = shape.size();
  const size_t offset = rank - t.dims.size();
  // Source strides over the target's axes (0 along broadcast axes).
  std::vector<int64_t> srcStride(rank, 0);
  int64_t s = 1;
  for (size_t i = t.dims.size(); i-- > 0;) {
    srcStride[i + offset] = t.dims[i] == 1 ? 0 : s;
    s *= t.dims[i];
  }
  std::vector<int64_t> idx(rank, 0);
  for (int64_t flat = 0; flat < count; ++flat) {
    int64_t src = 0;
    for (size_t i = 0; i < rank; ++i) src += idx[i] * srcStride[i];
    out[static_cast<size_t>(flat)] = t.values[static_cast<size_t>(src)];
    for (size_t i = rank; i-- > 0;) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

}  // namespace cert
