// The Batch… dialog: dataset rows (a range or all), a VNN-LIB folder, or an instances CSV.
#pragma once

#include <QDialog>

#include "app/certstudio/batch/batch_source.h"

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;

namespace cert::studio {

/// Asks for a BatchSource; starts from `initial` (the Run bar's dataset).
class BatchDialog : public QDialog {
  Q_OBJECT

 public:
  explicit BatchDialog(const BatchSource& initial, QWidget* parent = nullptr);
  BatchSource source() const;

 private:
  void browse();
  void updateWidgets();

  QComboBox* kind_ = nullptr;
  QLineEdit* path_ = nullptr;
  QSpinBox* first_ = nullptr;
  QSpinBox* count_ = nullptr;
  QCheckBox* all_ = nullptr;
};

}  // namespace cert::studio
