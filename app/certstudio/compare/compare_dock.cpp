// CompareDock: controls over a splitter of the chart and the table.
#include "app/certstudio/compare/compare_dock.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include "app/certstudio/compare/chart_export_dialog.h"
#include "app/certstudio/compare/comparison_chart.h"
#include "app/certstudio/compare/comparison_set.h"
#include "app/certstudio/compare/comparison_table_model.h"

namespace cert::studio {

CompareDock::CompareDock(ComparisonSet& set, QWidget* parent) : QDockWidget(tr("Compare"), parent), set_(set) {
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  // Two short rows, so the dock stays narrow enough to share the bottom area.
  auto* controls = new QHBoxLayout;
  auto* runs = new QHBoxLayout;
  pin_ = new QPushButton(tr("Pin current run"), body);
  pin_->setToolTip(tr("Add the last run (spec, network, input, eps) to the comparison; pin as many as you like"));
  baseline_ = new QComboBox(body);
  baseline_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  baseline_->setMinimumContentsLength(10);
  baseline_->setToolTip(tr("The run the ratios divide by"));
  remove_ = new QComboBox(body);
  remove_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  remove_->setMinimumContentsLength(8);
  remove_->setToolTip(tr("Remove a pinned run"));
  clear_ = new QPushButton(tr("Clear"), body);
  export_ = new QToolButton(body);
  export_->setText(tr("Export"));
  export_->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(export_);
  menu->addAction(tr("Table as CSV…"), this, &CompareDock::exportCsvWithDialog);
  menu->addAction(tr("Chart as PNG / SVG (size, DPI)…"), this, &CompareDock::exportChartWithDialog);
  export_->setMenu(menu);
  controls->addWidget(pin_);
  controls->addWidget(clear_);
  controls->addWidget(export_);
  controls->addStretch();
  runs->addWidget(new QLabel(tr("Baseline:"), body));
  runs->addWidget(baseline_, 1);
  runs->addWidget(remove_, 1);
  layout->addLayout(controls);
  layout->addLayout(runs);

  auto* split = new QSplitter(Qt::Vertical, body);
  chart_ = new ComparisonChart(set_, split);
  model_ = new ComparisonTableModel(set_, this);
  table_ = new QTableView(split);
  table_->setModel(model_);
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  split->addWidget(chart_);
  split->addWidget(table_);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  layout->addWidget(split, 1);
  setWidget(body);

  connect(pin_, &QPushButton::clicked, this, &CompareDock::pinRequested);
  connect(clear_, &QPushButton::clicked, &set_, &ComparisonSet::clear);
  connect(baseline_, &QComboBox::activated, &set_, &ComparisonSet::setBaseline);
  connect(remove_, &QComboBox::activated, this, [this](int i) {
    if (i > 0) set_.remove(i - 1);
  });
  connect(&set_, &ComparisonSet::changed, this, &CompareDock::refresh);
  connect(chart_, &ComparisonChart::hovered, this, [this](int run, int layer, double) {
    table_->setCurrentIndex(model_->index(layer, ComparisonTableModel::columnOf(run, 0)));
  });
  refresh();
}

void CompareDock::refresh() {
  baseline_->clear();
  remove_->clear();
  remove_->addItem(tr("Remove…"));
  for (int i = 0; i < set_.size(); ++i) {
    baseline_->addItem(set_.run(i).shortLabel);
    baseline_->setItemData(i, set_.run(i).label, Qt::ToolTipRole);
    remove_->addItem(set_.run(i).shortLabel);
  }
  if (set_.baseline() >= 0) baseline_->setCurrentIndex(set_.baseline());
  const bool any = set_.size() > 0;
  baseline_->setEnabled(any);
  remove_->setEnabled(any);
  clear_->setEnabled(any);
  export_->setEnabled(any);
  table_->resizeColumnsToContents();
}

bool CompareDock::exportCsv(const QString& path) const {
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
  const QByteArray bytes = set_.csv();
  return f.write(bytes) == bytes.size();
}

bool CompareDock::exportChart(const QString& path, const QSize& pixels, double dpi) const {
  return chart_->exportTo(path, pixels, dpi);
}

void CompareDock::exportCsvWithDialog() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Export Comparison"), QStringLiteral("comparison.csv"), tr("CSV (*.csv)"));
  if (path.isEmpty()) return;
  emit statusMessage(exportCsv(path) ? tr("Exported %1").arg(path) : tr("Cannot write %1").arg(path));
}

void CompareDock::exportChartWithDialog() {
  ChartExportDialog size(chart_->size(), this);
  if (size.exec() != QDialog::Accepted) return;
  const QString path = QFileDialog::getSaveFileName(this, tr("Export Comparison Chart"), QStringLiteral("comparison.png"),
                                                    tr("PNG image (*.png);;SVG drawing (*.svg)"));
  if (path.isEmpty()) return;
  const bool ok = exportChart(path, size.pixels(), size.dpi());
  emit statusMessage(ok ? tr("Exported %1 (%2x%3 px, %4 dpi)").arg(path).arg(size.pixels().width()).arg(size.pixels().height()).arg(size.dpi())
                        : tr("Cannot write %1").arg(path));
}

}  // namespace cert::studio
