// The dataset CSV (ERAN's form): one row per example, the label then raw pixel values 0-255;
// rows become eps-ball properties around the scaled, normalized pixels.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "core/property/property.h"

namespace cert {

/// One example as written in the file: the label and the raw values (0-255), in file order.
struct DatasetRow {
  int label = 0;
  std::vector<double> pixels;
  SourcePos start;  ///< where the row begins in the file (line, column 1, offset)
};

/// Parses CSV text. Blank lines are skipped; fields may have surrounding spaces. Errors (at the
/// offending field's line:col): a label that is not a non-negative integer, a value that is not a
/// number or lies outside 0..255, a row whose value count differs from the first row's, a file
/// without rows. `file` names the text in messages.
Result<std::vector<DatasetRow>> parseDatasetCsv(const std::string& text, const std::string& file);

/// Reads and parses a CSV file (an unreadable file is an error without a range).
Result<std::vector<DatasetRow>> readDatasetCsv(const std::string& path);

/// Pixels are multiplied by this before eps and normalization: 1/255 maps 0..255 to [0, 1] (the
/// common convention); 1 keeps raw pixel values, for networks trained on 0..255 inputs.
inline constexpr double kDefaultPixelScale = 1.0 / 255.0;
/// The largest pixel scale accepted: 255 * scale bounds the input box, and beyond this no
/// network's input range is meant (1 already keeps raw pixel values).
inline constexpr double kMaxPixelScale = 1000.0;

/// The raw input (x = pixels * pixelScale, by default in [0, 1]) of a row in the network's layout.
/// Layout: if the network input shape is {C, H, W} with C > 1, the row is taken as pixel-major
/// (H, W, C: all channels of one pixel together, as ERAN's CIFAR file writes R,G,B per pixel) and
/// is transposed to C, H, W. A shape {H, W, C} (last dimension 1 or 3, first dimension > 4) is the
/// network's own layout and is taken as is; so is every other shape.
/// Precondition: row.pixels.size() == net.inputSize().
Eigen::VectorXd datasetRawInput(const Network& net, const DatasetRow& row,
                                double pixelScale = kDefaultPixelScale);

/// A per-channel standardization of the scaled pixels, for networks trained on normalized inputs
/// whose graph does not normalize (VNN-COMP's CIFAR-10 ResNets and oval21 nets): input element
/// v of channel c becomes (v - mean[c]) / std[c]. One value applies to every channel; empty
/// means 0 (mean) or 1 (std).
struct ChannelStandardization {
  std::vector<double> mean;
  std::vector<double> std;
  bool empty() const { return mean.empty() && std.empty(); }
};

/// The channel count of the network's raw input and the channel of element i: a shape
/// {C, H, W} is channels-first, {H, W, C} (C of 1 or 3, H > 4) channels-last (as
/// datasetRawInput reads them); any other shape has one channel.
struct InputChannels {
  int64_t count = 1;
  int64_t planeSize = 1;  ///< channels-first: elements per channel plane
  bool last = false;      ///< channels-last: the channel is i % count
  int64_t of(int64_t i) const { return count == 1 ? 0 : last ? i % count : i / planeSize; }
};
InputChannels inputChannels(const Network& net);

/// "" (none), "0.5" or "0.49, 0.48, 0.45": finite numbers separated by commas (spaces around
/// them allowed); nothing otherwise. certc's --mean/--std and the IDE's Scaling dialog read this.
std::optional<std::vector<double>> parseChannelValues(std::string_view text);
/// Why `st`'s values cannot standardize any input (a value not finite, a std <= 0); nothing when
/// they can. datasetProperty also checks the counts against the network's channels.
std::optional<std::string> standardizationValuesProblem(const ChannelStandardization& st);

/// Items for rows [firstIndex, firstIndex + count) (0-based, blank lines not counted).
/// Per row: x = raw input; box = clip(x -+ eps, 0, 255 * pixelScale) (eps in the units of x), then
/// `standardization` per channel, then the network's normalization (per element, min/max of the
/// mapped ends); center = x through both; label = the row's label.
/// Errors: firstIndex < 0 or past the last row ("row 120 requested; FILE has 100 rows"),
/// count < 1, eps < 0 or not finite, a pixel scale not in (0, kMaxPixelScale], a standardization
/// whose value counts are neither 1 nor the input's channels or whose values are not finite (a
/// std <= 0), rows whose value
/// count differs from the network input size, a label that is not an output of the network.
/// A range running past the last row is clipped to it with a warning.
/// `source` names the rows in messages and becomes Property::source.
Result<Property> datasetProperty(const Network& net, const std::vector<DatasetRow>& rows,
                                 const std::string& source, int64_t firstIndex, int64_t count,
                                 double eps, double pixelScale = kDefaultPixelScale,
                                 const ChannelStandardization& standardization = {});

/// readDatasetCsv, then datasetProperty on the rows.
Result<Property> datasetProperty(const Network& net, const std::string& csvPath, int64_t firstIndex,
                                 int64_t count, double eps, double pixelScale = kDefaultPixelScale,
                                 const ChannelStandardization& standardization = {});

}  // namespace cert
