// --memory-limit SIZE (memory_limit_option.h).
#include "app/certc/memory_limit_option.h"

#include "runtime/memory_plan.h"

namespace cert::cli {

std::optional<int64_t> memoryLimitOption(const Args& args, int64_t fallback) {
  if (!args.has("memory-limit")) return fallback;
  return runtime::parseBytes(args.getOr("memory-limit", ""));
}

}  // namespace cert::cli
