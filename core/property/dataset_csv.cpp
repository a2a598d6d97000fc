// Dataset CSV rows (label, raw pixels 0-255) and the eps-ball properties around them.
#include "core/property/dataset_csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <utility>
#include <string_view>

#include "core/property/property_builder.h"

namespace cert {
namespace {

constexpr int kMaxErrors = 20;

SourceRange rangeAt(int line, int col, int offset, int length) {
  return {{line, col, offset}, {line, col + length, offset + length}};
}

std::string_view trim(std::string_view s, size_t* leading) {
  size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
  size_t e = s.size();
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  *leading = b;
  return s.substr(b, e - b);
}

template <class T>
bool parseWhole(std::string_view s, T& out) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && ptr == end;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string quoted(std::string_view s) {
  constexpr size_t kMax = 24;
  return "'" + std::string(s.substr(0, kMax)) + (s.size() > kMax ? "...'" : "'");
}

}  // namespace

Result<std::vector<DatasetRow>> parseDatasetCsv(const std::string& text, const std::string& file) {
  Result<std::vector<DatasetRow>> result;
  Diagnostics& diags = result.diagnostics;
  std::vector<DatasetRow> rows;
  int errors = 0;
  auto error = [&](std::string msg, SourceRange r) {
    if (++errors <= kMaxErrors) diags.push_back(Diagnostic::error(std::move(msg), r));
  };

  size_t pos = 0;
  int line = 0;
  while (pos < text.size() && errors <= kMaxErrors) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    const size_t lineStart = pos;
    std::string_view lineText(text.data() + pos, eol - pos);
    if (!lineText.empty() && lineText.back() == '\r') lineText.remove_suffix(1);
    pos = eol + 1;
    ++line;
    if (lineText.find_first_not_of(" \t") == std::string_view::npos) continue;

    DatasetRow row;
    row.start = {line, 1, static_cast<int>(lineStart)};
    bool ok = true;
    size_t fieldStart = 0;
    // The first bad field of a row is reported; the row's other fields are still counted.
    for (int field = 0;; ++field) {
      size_t comma = lineText.find(',', fieldStart);
      if (comma == std::string_view::npos) comma = lineText.size();
      size_t lead = 0;
      const std::string_view value = trim(lineText.substr(fieldStart, comma - fieldStart), &lead);
      const int col = static_cast<int>(fieldStart + lead) + 1;
      // An empty field is marked one character wide, unless it ends the text (fuzz_csv: a
      // trailing ',' at the end of the file gave a range past the end).
      const size_t at = lineStart + fieldStart + lead;
      const SourceRange r = rangeAt(line, col, static_cast<int>(at),
                                    static_cast<int>(std::min(std::max<size_t>(value.size(), 1), text.size() - at)));
      auto fail = [&](std::string msg) {
        if (ok) error(std::move(msg), r);
        ok = false;
      };
      double v = 0;
      if (value.empty()) {
        fail(field == 0 ? "empty label" : "empty value");
      } else if (field == 0) {
        if (!parseWhole(value, row.label) || row.label < 0)
          fail("the label " + quoted(value) + " is not a non-negative integer");
      } else if (!parseWhole(value, v) || !std::isfinite(v)) {
        fail(quoted(value) + " is not a number");
      } else if (v < 0 || v > 255) {
        fail("the value " + std::string(value) + " is outside the pixel range 0..255");
      }
      if (field > 0) row.pixels.push_back(v);
      if (comma == lineText.size()) break;
      fieldStart = comma + 1;
    }
    if (ok && !rows.empty() && row.pixels.size() != rows.front().pixels.size()) {
      error("this row has " + std::to_string(row.pixels.size()) + " values after the label; " +
                "the first row (line " + std::to_string(rows.front().start.line) + ") has " +
                std::to_string(rows.front().pixels.size()),
            rangeAt(line, 1, static_cast<int>(lineStart), static_cast<int>(lineText.size())));
      ok = false;
    }
    if (ok || rows.empty()) rows.push_back(std::move(row));
  }
  if (errors > kMaxErrors)
    diags.push_back(Diagnostic::error("too many errors in " + file + "; stopped at line " +
                                      std::to_string(line)));
  if (rows.empty() && errors == 0)
    diags.push_back(Diagnostic::error(file + " has no rows (empty file)", rangeAt(1, 1, 0, 0)));
  if (!hasErrors(diags)) result.value = std::move(rows);
  return result;
}

Result<std::vector<DatasetRow>> readDatasetCsv(const std::string& path) {
  const auto text = readTextFile(path);
  if (!text) return Result<std::vector<DatasetRow>>::failure(Diagnostic::error("cannot read " + path));
  return parseDatasetCsv(*text, path);
}

Eigen::VectorXd datasetRawInput(const Network& net, const DatasetRow& row, double pixelScale) {
  const auto n = static_cast<Eigen::Index>(row.pixels.size());
  Eigen::VectorXd x(n);
  for (Eigen::Index i = 0; i < n; ++i) x[i] = row.pixels[static_cast<size_t>(i)] * pixelScale;
  const std::vector<int64_t>& s = net.inputShape;
  const bool channelsFirst = s.size() == 3 && s[0] > 1 && !((s[2] == 1 || s[2] == 3) && s[0] > 4);
  if (!channelsFirst || s[0] * s[1] * s[2] != n) return x;
  // Pixel-major (h, w, c) in the file -> (c, h, w) in the network.
  const int64_t channels = s[0], plane = s[1] * s[2];
  Eigen::VectorXd chw(n);
  for (int64_t p = 0; p < plane; ++p)
    for (int64_t c = 0; c < channels; ++c) chw[c * plane + p] = x[p * channels + c];
  return chw;
}

InputChannels inputChannels(const Network& net) {
  const std::vector<int64_t>& s = net.inputShape;
  InputChannels c;
  if (s.size() != 3 || s[0] * s[1] * s[2] != net.inputSize()) return c;
  c.last = (s[2] == 1 || s[2] == 3) && s[0] > 4;
  c.count = c.last ? s[2] : s[0];
  c.planeSize = s[1] * s[2];
  return c;
}

std::optional<std::vector<double>> parseChannelValues(std::string_view text) {
  std::vector<double> out;
  size_t lead = 0;
  if (trim(text, &lead).empty()) return out;
  while (true) {
    const size_t comma = text.find(',');
    double v = 0;
    if (!parseWhole(trim(text.substr(0, comma), &lead), v) || !std::isfinite(v)) return std::nullopt;
    out.push_back(v);
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

std::optional<std::string> standardizationValuesProblem(const ChannelStandardization& st) {
  for (const auto& [name, values] : {std::pair{"mean", &st.mean}, std::pair{"std", &st.std}})
    for (double v : *values) {
      if (!std::isfinite(v)) return std::string("the ") + name + " must be finite, got " + number(v);
      if (values == &st.std && v <= 0) return "the std must be > 0, got " + number(v);
    }
  return std::nullopt;
}

namespace {

/// Why `st` does not fit `channels` (nothing when it does).
std::optional<std::string> standardizationProblem(const ChannelStandardization& st, int64_t channels) {
  for (const auto& [name, values] : {std::pair{"mean", &st.mean}, std::pair{"std", &st.std}}) {
    const auto n = static_cast<int64_t>(values->size());
    if (n > 1 && n != channels)
      return std::string("the ") + name + " has " + std::to_string(n) + " values; the network's input has " +
             std::to_string(channels) + (channels == 1 ? " channel (give one value)" : " channels (give 1 or " +
                                                                                           std::to_string(channels) + ")");
  }
  return standardizationValuesProblem(st);
}

/// v standardized in place per channel: (v - mean[c]) / std[c].
void standardize(const ChannelStandardization& st, const InputChannels& channels, Eigen::VectorXd& v) {
  auto pick = [](const std::vector<double>& values, int64_t c, double none) {
    return values.empty() ? none : values[values.size() == 1 ? 0 : static_cast<size_t>(c)];
  };
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    const int64_t c = channels.of(i);
    v[i] = (v[i] - pick(st.mean, c, 0.0)) / pick(st.std, c, 1.0);
  }
}

}  // namespace

Result<Property> datasetProperty(const Network& net, const std::vector<DatasetRow>& rows,
                                 const std::string& source, int64_t firstIndex, int64_t count,
                                 double eps, double pixelScale, const ChannelStandardization& standardization) {
  using R = Result<Property>;
  if (!std::isfinite(pixelScale) || pixelScale <= 0 || pixelScale > kMaxPixelScale)
    return R::failure(Diagnostic::error("the pixel scale must be a finite number in (0, " +
                                        number(kMaxPixelScale) + "], got " + number(pixelScale)));
  const InputChannels channels = inputChannels(net);
  if (const auto problem = standardizationProblem(standardization, channels.count))
    return R::failure(Diagnostic::error(*problem));
  if (auto d = checkPropertyNetwork(net)) return R::failure(*d);
  if (!std::isfinite(eps) || eps < 0)
    return R::failure(Diagnostic::error("eps must be a finite number >= 0, got " + number(eps)));
  if (count < 1)
    return R::failure(Diagnostic::error("the row count must be at least 1, got " + std::to_string(count)));
  const auto available = static_cast<int64_t>(rows.size());
  if (firstIndex < 0 || firstIndex >= available)
    return R::failure(Diagnostic::error("row " + std::to_string(firstIndex) + " requested; " + source +
                                        " has " + std::to_string(available) + " rows"));
  R result;
  // One past the last requested row (saturated: --count may be as large as int64 allows).
  int64_t last = count > std::numeric_limits<int64_t>::max() - firstIndex
                     ? std::numeric_limits<int64_t>::max()
                     : firstIndex + count;
  if (last > available) {
    result.diagnostics.push_back(Diagnostic::warning(
        "rows " + std::to_string(firstIndex) + ".." + std::to_string(last - 1) + " requested; " +
        source + " has " + std::to_string(available) + " rows: using rows " +
        std::to_string(firstIndex) + ".." + std::to_string(available - 1)));
    last = available;
  }

  Property prop;
  prop.source = source;
  prop.eps = eps;
  const int64_t inputs = net.inputSize();
  const int64_t outputs = net.outputSize();
  for (int64_t i = firstIndex; i < last; ++i) {
    const DatasetRow& row = rows[static_cast<size_t>(i)];
    if (static_cast<int64_t>(row.pixels.size()) != inputs) {
      const SourceRange r{row.start, row.start};
      result.diagnostics.push_back(Diagnostic::error(
          "row " + std::to_string(i) + " has " + std::to_string(row.pixels.size()) +
              " values after the label; the network '" + net.name + "' takes " +
              std::to_string(inputs) + " inputs",
          r));
      return result;
    }
    if (row.label >= outputs) {
      result.diagnostics.push_back(Diagnostic::error(
          "row " + std::to_string(i) + " has label " + std::to_string(row.label) + "; the network '" +
              net.name + "' has " + std::to_string(outputs) + " outputs (labels 0.." +
              std::to_string(outputs - 1) + ")",
          SourceRange{row.start, row.start}));
      return result;
    }
    PropertyItem item;
    item.name = "row " + std::to_string(i);
    item.index = static_cast<int>(i);
    item.label = row.label;
    item.center = datasetRawInput(net, row, pixelScale);
    item.box.lower = (item.center.array() - eps).cwiseMax(0.0).matrix();
    item.box.upper = (item.center.array() + eps).cwiseMin(255.0 * pixelScale).matrix();
    if (!standardization.empty()) {  // monotone per element (std > 0): the ends stay the ends
      standardize(standardization, channels, item.center);
      standardize(standardization, channels, item.box.lower);
      standardize(standardization, channels, item.box.upper);
    }
    prop.items.push_back(std::move(item));
  }
  normalizeItems(net, prop.items);
  result.value = std::move(prop);
  return result;
}

Result<Property> datasetProperty(const Network& net, const std::string& csvPath, int64_t firstIndex,
                                 int64_t count, double eps, double pixelScale,
                                 const ChannelStandardization& standardization) {
  auto rows = readDatasetCsv(csvPath);
  if (!rows) return Result<Property>::failure(std::move(rows.diagnostics));
  auto prop = datasetProperty(net, *rows, csvPath, firstIndex, count, eps, pixelScale, standardization);
  prop.diagnostics.insert(prop.diagnostics.begin(), rows.diagnostics.begin(), rows.diagnostics.end());
  return prop;
}

}  // namespace cert
