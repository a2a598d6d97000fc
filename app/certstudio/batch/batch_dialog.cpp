// BatchDialog: a form of kind, path and row range.
#include "app/certstudio/batch/batch_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QPushButton>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QSpinBox>
#include <QToolButton>

namespace cert::studio {

BatchDialog::BatchDialog(const BatchSource& initial, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Batch Run"));
  auto* form = new QFormLayout(this);
  kind_ = new QComboBox(this);
  kind_->addItems({tr("Dataset rows (CSV)"), tr("VNN-LIB folder"), tr("Instances CSV (VNN-COMP: onnx, vnnlib, timeout)")});
  kind_->setCurrentIndex(static_cast<int>(initial.kind));
  form->addRow(tr("Items"), kind_);
  auto* pathRow = new QHBoxLayout;
  path_ = new QLineEdit(initial.path, this);
  auto* browse = new QToolButton(this);
  browse->setText(tr("…"));
  pathRow->addWidget(path_, 1);
  pathRow->addWidget(browse);
  form->addRow(tr("File / folder"), pathRow);
  first_ = new QSpinBox(this);
  first_->setRange(0, 10000000);
  first_->setValue(initial.first);
  form->addRow(tr("First row"), first_);
  auto* countRow = new QHBoxLayout;
  count_ = new QSpinBox(this);
  count_->setRange(1, 10000000);
  count_->setValue(initial.count > 0 ? initial.count : 10);
  all_ = new QCheckBox(tr("to the last row"), this);
  all_->setChecked(initial.count < 0);
  countRow->addWidget(count_, 1);
  countRow->addWidget(all_);
  form->addRow(tr("Rows"), countRow);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Run Batch"));
  form->addRow(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(browse, &QToolButton::clicked, this, &BatchDialog::browse);
  connect(kind_, &QComboBox::currentIndexChanged, this, &BatchDialog::updateWidgets);
  connect(all_, &QCheckBox::toggled, this, &BatchDialog::updateWidgets);
  updateWidgets();
}

BatchSource BatchDialog::source() const {
  BatchSource s;
  s.kind = static_cast<BatchSource::Kind>(kind_->currentIndex());
  s.path = path_->text().trimmed();
  s.first = first_->value();
  s.count = all_->isChecked() ? -1 : count_->value();
  return s;
}

void BatchDialog::browse() {
  const QString start = path_->text().isEmpty() ? QString() : QFileInfo(path_->text()).absolutePath();
  QString p;
  switch (kind_->currentIndex()) {
    case 0: p = QFileDialog::getOpenFileName(this, tr("Dataset CSV"), start, tr("CSV (*.csv);;All files (*)")); break;
    case 1: p = QFileDialog::getExistingDirectory(this, tr("VNN-LIB Folder"), start); break;
    default: p = QFileDialog::getOpenFileName(this, tr("Instances CSV"), start, tr("CSV (*.csv);;All files (*)")); break;
  }
  if (!p.isEmpty()) path_->setText(p);
}

void BatchDialog::updateWidgets() {
  const bool rows = kind_->currentIndex() == 0;
  first_->setEnabled(rows);
  all_->setEnabled(rows);
  count_->setEnabled(rows && !all_->isChecked());
}

}  // namespace cert::studio
