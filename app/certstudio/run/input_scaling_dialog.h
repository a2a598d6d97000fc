// InputScalingDialog: how a dataset row's raw pixels become the network's input (certc's
// --pixel-scale, --mean, --std): the scale, then a per-channel standardization for networks
// trained on standardized inputs whose graph does not standardize.
#pragma once

#include <QDialog>
#include <QString>

#include <optional>
#include <vector>

#include "core/property/dataset_csv.h"

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace cert::studio {

/// "1/255", "0.5" or "1": a pixel scale in (0, kMaxPixelScale]; nothing otherwise.
std::optional<double> parsePixelScale(const QString& text);
/// "" (none), "0.5" or "0.49, 0.48, 0.45": finite numbers separated by commas; nothing otherwise.
std::optional<std::vector<double>> parseChannelValues(const QString& text);
/// The pixel scale as a user reads it: "1/255" for the default, else the number.
QString pixelScaleText(double scale);
/// "0.4914, 0.4822, 0.4465" (empty for none).
QString channelValuesText(const std::vector<double>& values);

class InputScalingDialog : public QDialog {
  Q_OBJECT

 public:
  InputScalingDialog(double pixelScale, const cert::ChannelStandardization& standardization, QWidget* parent = nullptr);

  /// The values as entered (valid whenever OK can be pressed).
  double pixelScale() const;
  cert::ChannelStandardization standardization() const;

  QLineEdit* scaleEdit() const { return scale_; }
  QLineEdit* meanEdit() const { return mean_; }
  QLineEdit* stdEdit() const { return std_; }
  QDialogButtonBox* buttons() const { return buttons_; }

 private:
  /// OK enabled only for valid values; the first problem shown.
  void validate();

  QLineEdit* scale_;
  QLineEdit* mean_;
  QLineEdit* std_;
  QLabel* problem_;
  QDialogButtonBox* buttons_;
};

}  // namespace cert::studio
