// InputMemory: restore once, save on each RunBar::inputChanged.
#include "app/certstudio/run/input_memory.h"

#include <QFileInfo>

#include <algorithm>

#include "app/certstudio/run/run_bar.h"
#include "app/certstudio/settings/app_settings.h"

namespace cert::studio {

InputMemory::InputMemory(RunBar& bar, AppSettings& settings, QObject* parent)
    : QObject(parent), bar_(bar), settings_(settings) {
  restore();
  connect(&bar_, &RunBar::inputChanged, this, &InputMemory::save);
}

void InputMemory::restore() {
  const QString dataset = settings_.lastDataset(), vnnlib = settings_.lastVnnlib();
  const bool datasetOk = QFileInfo::exists(dataset), vnnlibOk = QFileInfo::exists(vnnlib);
  if (!datasetOk && !vnnlibOk) return;  // nothing remembered (or moved away): keep the defaults
  const RunInput defaults = bar_.input();  // the bundled dataset, row 0
  const int row = datasetOk ? std::max(0, settings_.lastRow()) : 0;
  if (vnnlibOk) bar_.setInput({RunInput::Kind::Vnnlib, vnnlib, row, nullptr});
  bar_.setInput({RunInput::Kind::Dataset, datasetOk ? dataset : defaults.path, row, nullptr});
  if (settings_.lastInputKind() == 1 && vnnlibOk) bar_.setInput({RunInput::Kind::Vnnlib, vnnlib, row, nullptr});
}

void InputMemory::save() {
  const RunInput in = bar_.input();
  // input() only reports the file of the kind shown; keep the other one as remembered.
  const QString dataset = in.kind == RunInput::Kind::Dataset ? in.path : settings_.lastDataset();
  const QString vnnlib = in.kind == RunInput::Kind::Vnnlib ? in.path : settings_.lastVnnlib();
  settings_.setLastInput(in.kind == RunInput::Kind::Vnnlib ? 1 : 0, dataset, vnnlib, in.row);
}

}  // namespace cert::studio
