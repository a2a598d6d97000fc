// --memory-limit SIZE, as every certc command that imports a network reads it.
#pragma once

#include <cstdint>
#include <optional>

#include "app/certc/args.h"

namespace cert::cli {

/// --memory-limit SIZE in bytes (a run's memory plan and the importer's budget: importLimitsFor),
/// or `fallback` when the option is absent; nullopt when its value is not a size.
std::optional<int64_t> memoryLimitOption(const Args& args, int64_t fallback);

inline constexpr const char* kMemoryLimitError = "--memory-limit needs a size such as 8G, 512M or a number of bytes";

}  // namespace cert::cli
