// libFuzzer target: the VNN-LIB reader on arbitrary text, against a fixed network size and with
// sizes taken from the declarations. Crashes, sanitizer reports, hangs and diagnostics whose range
// lies outside the text are findings.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/property/vnnlib.h"

namespace {

void checkRanges(const cert::Diagnostics& diags, std::size_t size) {
  for (const auto& d : diags) {
    const auto& r = d.range;
    if (r.valid() && (r.begin.offset < 0 || r.end.offset < r.begin.offset ||
                      r.end.offset > static_cast<int>(size)))
      std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const auto& [inputs, outputs] : {std::pair<int64_t, int64_t>{5, 3}, {-1, -1}}) {
    const cert::Result<cert::Property> p = cert::parseVnnlib(text, inputs, outputs, "fuzz.vnnlib");
    checkRanges(p.diagnostics, size);
    if (p.ok())
      for (const auto& item : p->items)
        if (!item.box.lower.allFinite() || !item.box.upper.allFinite()) std::abort();
  }
  return 0;
}
