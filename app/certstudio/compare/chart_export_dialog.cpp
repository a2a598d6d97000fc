// ChartExportDialog: three spin boxes and OK / Cancel.
#include "app/certstudio/compare/chart_export_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QSpinBox>

#include <algorithm>

namespace cert::studio {

ChartExportDialog::ChartExportDialog(const QSize& initial, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Export Chart"));
  auto* form = new QFormLayout(this);
  auto spin = [this](int lo, int hi, int value, const QString& suffix) {
    auto* s = new QSpinBox(this);
    s->setRange(lo, hi);
    s->setValue(value);
    s->setSuffix(suffix);
    return s;
  };
  width_ = spin(100, 20000, std::max(100, initial.width()), tr(" px"));
  height_ = spin(100, 20000, std::max(100, initial.height()), tr(" px"));
  dpi_ = spin(48, 1200, 96, tr(" dpi"));
  form->addRow(tr("Width"), width_);
  form->addRow(tr("Height"), height_);
  form->addRow(tr("Resolution"), dpi_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  form->addRow(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QSize ChartExportDialog::pixels() const { return {width_->value(), height_->value()}; }
int ChartExportDialog::dpi() const { return dpi_->value(); }

}  // namespace cert::studio
