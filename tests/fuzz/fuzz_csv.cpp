// libFuzzer target: the dataset CSV reader on arbitrary text. Crashes, sanitizer reports, hangs,
// diagnostics outside the text and accepted rows with out-of-range values are findings.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/property/dataset_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto rows = cert::parseDatasetCsv(text, "fuzz.csv");
  for (const auto& d : rows.diagnostics) {
    const auto& r = d.range;
    if (r.valid() && (r.begin.offset < 0 || r.end.offset < r.begin.offset ||
                      r.end.offset > static_cast<int>(size)))
      std::abort();
  }
  if (rows.ok())
    for (const auto& row : *rows) {
      if (row.label < 0 || row.pixels.size() != rows->front().pixels.size()) std::abort();
      for (double v : row.pixels)
        if (!(v >= 0 && v <= 255)) std::abort();
    }
  return 0;
}
