// The backends this build has, by name.
#include "runtime/backend/backend.h"
#include "runtime/backend/cpu/cpu_backend.h"
#include "runtime/backend_info.h"

namespace cert::runtime {

const char* dtypeName(DType t) {
  switch (t) {
    case DType::Float64: return "float64";
  }
  return "?";
}

std::vector<double> downloadColumn(const Backend& backend, const Tensor& t, int64_t n) {
  std::vector<double> v = backend.download(t);
  if (static_cast<int64_t>(v.size()) == n) return v;
  return std::vector<double>(static_cast<size_t>(n), v.empty() ? 0.0 : v[0]);
}

const Backend& cpuBackend() {
  static const cpu::CpuBackend backend;
  return backend;
}

Result<const Backend*> backendNamed(const std::string& name) {
  if (name.empty() || name == "cpu") {
    Result<const Backend*> r;
    r.value = &cpuBackend();
    return r;
  }
  if (name == "cuda") {
    const std::string why = cudaUnavailableReason();
    return Result<const Backend*>::failure(
        Diagnostic::error("backend cuda: " + (why.empty() ? std::string("the CUDA backend is not implemented yet") : why) +
                          "; use --backend cpu"));
  }
  return Result<const Backend*>::failure(Diagnostic::error("unknown backend '" + name + "' (cpu or cuda)"));
}

}  // namespace cert::runtime
