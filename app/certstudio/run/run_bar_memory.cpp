// RunBarMemory: restore once, save on each RunBar::inputChanged / choicesChanged.
#include "app/certstudio/run/run_bar_memory.h"

#include <QFileInfo>

#include <algorithm>

#include "app/certstudio/run/input_scaling_dialog.h"
#include "app/certstudio/run/run_bar.h"
#include "app/certstudio/settings/app_settings.h"

namespace cert::studio {

RunBarMemory::RunBarMemory(RunBar& bar, AppSettings& settings, QObject* parent)
    : QObject(parent), bar_(bar), settings_(settings) {
  restore();
  connect(&bar_, &RunBar::networkSet, this, &RunBarMemory::restoreScaling);
  connect(&bar_, &RunBar::inputChanged, this, &RunBarMemory::saveInput);
  connect(&bar_, &RunBar::choicesChanged, this, &RunBarMemory::saveChoices);
}

void RunBarMemory::restore() {
  restoreInput();
  restoreScaling();
  if (const std::optional<double> eps = settings_.lastEps(); eps && bar_.epsAllowed(*eps)) bar_.setEps(*eps);
  if (const std::optional<cert::IntermediateBounds> b = cert::intermediateBoundsNamed(settings_.lastBounds().toStdString()))
    bar_.setIntermediate(*b);
}

void RunBarMemory::restoreScaling() {
  if (const QStringList s = settings_.scalingFor(bar_.networkPath()); s.size() == 3) {
    const auto scale = parsePixelScale(s[0]);
    const auto mean = parseChannelValues(s[1]), std = parseChannelValues(s[2]);
    const cert::ChannelStandardization st{mean.value_or(std::vector<double>{}), std.value_or(std::vector<double>{})};
    if (scale && mean && std && !cert::standardizationValuesProblem(st)) {
      bar_.setScaling(*scale, st);
      return;
    }
  }
  bar_.setScaling(cert::kDefaultPixelScale, {});
}

void RunBarMemory::restoreInput() {
  const QString dataset = settings_.lastDataset(), vnnlib = settings_.lastVnnlib();
  const bool datasetOk = QFileInfo::exists(dataset), vnnlibOk = QFileInfo::exists(vnnlib);
  if (!datasetOk && !vnnlibOk) return;  // nothing remembered (or moved away): keep the defaults
  const RunInput defaults = bar_.input();  // the bundled dataset, row 0
  const int row = datasetOk ? std::max(0, settings_.lastRow()) : 0;
  if (vnnlibOk) bar_.setInput({RunInput::Kind::Vnnlib, vnnlib, row, nullptr, cert::kDefaultPixelScale, {}});
  bar_.setInput({RunInput::Kind::Dataset, datasetOk ? dataset : defaults.path, row, nullptr, cert::kDefaultPixelScale, {}});
  if (settings_.lastInputKind() == 1 && vnnlibOk) bar_.setInput({RunInput::Kind::Vnnlib, vnnlib, row, nullptr, cert::kDefaultPixelScale, {}});
}

void RunBarMemory::saveInput() {
  const RunInput in = bar_.input();
  // input() only reports the file of the kind shown; keep the other one as remembered.
  const QString dataset = in.kind == RunInput::Kind::Dataset ? in.path : settings_.lastDataset();
  const QString vnnlib = in.kind == RunInput::Kind::Vnnlib ? in.path : settings_.lastVnnlib();
  settings_.setLastInput(in.kind == RunInput::Kind::Vnnlib ? 1 : 0, dataset, vnnlib, in.row);
  if (in.pixelScale == cert::kDefaultPixelScale && in.standardization.empty()) settings_.forgetScalingFor(bar_.networkPath());
  else
    settings_.setScalingFor(bar_.networkPath(), pixelScaleText(in.pixelScale), channelValuesText(in.standardization.mean),
                            channelValuesText(in.standardization.std));
}

void RunBarMemory::saveChoices() {
  settings_.setLastEps(bar_.eps());
  settings_.setLastBounds(QString::fromLatin1(cert::intermediateBoundsName(bar_.intermediate())));
}

}  // namespace cert::studio
