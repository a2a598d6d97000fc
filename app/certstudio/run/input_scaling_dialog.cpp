// InputScalingDialog: the pixel scale and the per-channel mean / std of dataset rows.
#include "app/certstudio/run/input_scaling_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStringList>
#include <QVBoxLayout>

#include <cmath>

namespace cert::studio {

namespace {

std::optional<double> finiteNumber(const QString& text) {
  bool ok = false;
  const double v = text.trimmed().toDouble(&ok);
  if (!ok || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

std::optional<double> parsePixelScale(const QString& text) {
  const QStringList parts = text.split('/');
  if (parts.size() > 2) return std::nullopt;
  const std::optional<double> num = finiteNumber(parts[0]);
  const std::optional<double> den = parts.size() == 2 ? finiteNumber(parts[1]) : std::optional<double>(1.0);
  if (!num || !den || *den == 0) return std::nullopt;
  const double v = *num / *den;
  if (!(v > 0 && v <= cert::kMaxPixelScale)) return std::nullopt;
  return v;
}

std::optional<std::vector<double>> parseChannelValues(const QString& text) {
  return cert::parseChannelValues(text.toStdString());
}

QString pixelScaleText(double scale) {
  if (scale == cert::kDefaultPixelScale) return QStringLiteral("1/255");
  return QString::number(scale, 'g', 17);
}

QString channelValuesText(const std::vector<double>& values) {
  QStringList parts;
  for (double v : values) parts << QString::number(v, 'g', 17);
  return parts.join(QStringLiteral(", "));
}

InputScalingDialog::InputScalingDialog(double pixelScale, const cert::ChannelStandardization& standardization,
                                       QWidget* parent)
    : QDialog(parent),
      scale_(new QLineEdit(pixelScaleText(pixelScale), this)),
      mean_(new QLineEdit(channelValuesText(standardization.mean), this)),
      std_(new QLineEdit(channelValuesText(standardization.std), this)),
      problem_(new QLabel(this)),
      buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
  setWindowTitle(tr("Dataset Input Scaling"));
  auto* intro = new QLabel(tr("Each raw value of a row (0-255) is multiplied by the pixel scale; eps applies "
                              "there, the box is clipped to the pixel range, and then each input channel is "
                              "standardized: (x - mean) / std, for a network trained on standardized inputs "
                              "whose graph does not standardize. One value applies to every channel."),
                           this);
  intro->setWordWrap(true);
  scale_->setToolTip(tr("1/255 maps 0-255 to [0, 1]; 1 keeps raw pixel values"));
  mean_->setPlaceholderText(tr("0   (e.g. 0.4914, 0.4822, 0.4465)"));
  std_->setPlaceholderText(tr("1   (e.g. 0.2471, 0.2435, 0.2616)"));
  auto* form = new QFormLayout;
  form->addRow(tr("Pixel scale:"), scale_);
  form->addRow(tr("Mean per channel:"), mean_);
  form->addRow(tr("Std per channel:"), std_);
  problem_->setStyleSheet(QStringLiteral("color: #b00020"));
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(intro);
  layout->addLayout(form);
  layout->addWidget(problem_);
  layout->addWidget(buttons_);
  connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
  for (QLineEdit* e : {scale_, mean_, std_}) connect(e, &QLineEdit::textChanged, this, &InputScalingDialog::validate);
  resize(520, sizeHint().height());
  validate();
}

double InputScalingDialog::pixelScale() const { return parsePixelScale(scale_->text()).value_or(cert::kDefaultPixelScale); }

cert::ChannelStandardization InputScalingDialog::standardization() const {
  return {parseChannelValues(mean_->text()).value_or(std::vector<double>{}),
          parseChannelValues(std_->text()).value_or(std::vector<double>{})};
}

void InputScalingDialog::validate() {
  QString problem;
  if (!parsePixelScale(scale_->text()))
    problem = tr("The pixel scale must be a number (or a fraction like 1/255) in (0, 1000].");
  else if (!parseChannelValues(mean_->text()))
    problem = tr("The mean must be numbers separated by commas.");
  else if (!parseChannelValues(std_->text()))
    problem = tr("The std must be numbers separated by commas.");
  else if (const auto why = cert::standardizationValuesProblem(standardization()))
    problem = QString::fromStdString(*why);
  problem_->setText(problem);
  problem_->setVisible(!problem.isEmpty());
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

}  // namespace cert::studio
