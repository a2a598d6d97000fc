// BatchDock: a table with a progress bar per item (a delegate), and the batch's counters.
#include "app/certstudio/batch/batch_dock.h"

#include <QApplication>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

#include "app/certstudio/batch/batch_table_model.h"

namespace cert::studio {
namespace {

/// Draws the Progress column as a progress bar (value: kProgressRole) with the cell's text.
class ProgressDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;
  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    QStyleOptionProgressBar bar;
    bar.rect = option.rect.adjusted(2, 2, -2, -2);
    bar.minimum = 0;
    bar.maximum = 100;
    bar.progress = index.data(BatchTableModel::kProgressRole).toInt();
    bar.text = index.data().toString();
    bar.textVisible = true;
    bar.state = option.state | QStyle::State_Horizontal;
    const QWidget* w = option.widget;
    (w ? w->style() : QApplication::style())->drawControl(QStyle::CE_ProgressBar, &bar, painter, w);
  }
};

}  // namespace

BatchDock::BatchDock(BatchTableModel& model, QWidget* parent) : QDockWidget(tr("Batch"), parent), model_(model) {
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  // Two short rows, so the dock stays narrow enough to share the bottom area.
  auto* counts = new QHBoxLayout;
  auto* controls = new QHBoxLayout;
  summary_ = new QLabel(body);
  progress_ = new QProgressBar(body);
  progress_->setMinimumWidth(60);
  progress_->setFormat(tr("%v/%m items"));
  progress_->setRange(0, 1);
  progress_->setValue(0);
  cancel_ = new QPushButton(tr("Cancel"), body);
  cancel_->setEnabled(false);
  export_ = new QPushButton(tr("Export CSV…"), body);
  counts->addWidget(summary_);
  counts->addWidget(progress_, 1);
  controls->addWidget(cancel_);
  controls->addWidget(export_);
  controls->addStretch();
  layout->addLayout(counts);
  layout->addLayout(controls);
  table_ = new QTableView(body);
  table_->setModel(&model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setItemDelegateForColumn(BatchTableModel::Progress, new ProgressDelegate(table_));
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 8);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setToolTip(tr("Click an item to show its bounds in the Bounds dock"));
  layout->addWidget(table_, 1);
  setWidget(body);

  connect(&model_, &BatchTableModel::countsChanged, this, &BatchDock::refreshCounts);
  connect(&model_, &QAbstractItemModel::modelReset, this, &BatchDock::refreshCounts);
  connect(table_, &QTableView::clicked, this, [this](const QModelIndex& i) { emit itemActivated(i.row()); });
  connect(cancel_, &QPushButton::clicked, this, &BatchDock::cancelRequested);
  connect(export_, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Batch Results"), QStringLiteral("batch.csv"), tr("CSV (*.csv)"));
    if (path.isEmpty()) return;
    emit statusMessage(exportCsv(path) ? tr("Exported %1").arg(path) : tr("Cannot write %1").arg(path));
  });
  refreshCounts();
}

void BatchDock::setRunning(bool running) {
  cancel_->setEnabled(running);
  if (!running) table_->resizeColumnsToContents();
}

bool BatchDock::exportCsv(const QString& path) const {
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
  const QByteArray bytes = model_.csv();
  return f.write(bytes) == bytes.size();
}

void BatchDock::refreshCounts() {
  const int rows = model_.rowCount();
  summary_->setText(rows ? model_.summary() : tr("No batch yet: Run bar ▸ Batch…"));
  progress_->setRange(0, std::max(rows, 1));
  progress_->setValue(model_.finishedCount());
  export_->setEnabled(rows > 0);
}

}  // namespace cert::studio
