// SoundnessDock: the violations table and the concrete input of the selected violation.
#include "app/certstudio/soundness/soundness_dock.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cert::studio {
namespace {

QString num(double v) { return QString::number(v, 'g', 10); }

QTableWidgetItem* cell(const QString& text, bool red = false) {
  auto* item = new QTableWidgetItem(text);
  item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
  if (red) item->setForeground(QColor(192, 48, 48));
  return item;
}

}  // namespace

SoundnessDock::SoundnessDock(QWidget* parent) : QDockWidget(tr("Soundness"), parent) {
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Samples per input box:"), body));
  samples_ = new QSpinBox(body);
  samples_->setRange(1, 100000);
  samples_->setValue(100);
  check_ = new QPushButton(tr("Check Soundness"), body);
  check_->setToolTip(tr("Run concrete inputs of the box through the network and check every bound and shape "
                        "constraint the last run's spec proves (in the background)"));
  cancel_ = new QPushButton(tr("Cancel"), body);
  cancel_->setEnabled(false);
  controls->addWidget(samples_);
  controls->addWidget(check_);
  controls->addWidget(cancel_);
  controls->addStretch();
  layout->addLayout(controls);
  status_ = new QLabel(tr("Run a spec, then Check Soundness: sampled inputs must stay inside every proven bound."), body);
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(status_);

  auto* split = new QSplitter(Qt::Vertical, body);
  table_ = new QTableWidget(0, 7, split);
  table_->setHorizontalHeaderLabels(
      {tr("Item"), tr("Sample"), tr("Layer"), tr("Neuron"), tr("Member"), tr("Value"), tr("Must be in")});
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->verticalHeader()->setVisible(false);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  input_ = new QPlainTextEdit(split);
  input_->setReadOnly(true);
  input_->setPlaceholderText(tr("Select a violation to see the concrete (normalized) input that shows it."));
  split->addWidget(table_);
  split->addWidget(input_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  layout->addWidget(split, 1);
  setWidget(body);

  connect(check_, &QPushButton::clicked, this, &SoundnessDock::checkRequested);
  connect(cancel_, &QPushButton::clicked, this, &SoundnessDock::cancelRequested);
  connect(table_, &QTableWidget::currentCellChanged, this, [this](int row) { showInput(row); });
}

int SoundnessDock::samples() const { return samples_->value(); }
void SoundnessDock::setSamples(int samples) { samples_->setValue(samples); }
QString SoundnessDock::statusText() const { return status_->text(); }
QString SoundnessDock::inputText() const { return input_->toPlainText(); }

void SoundnessDock::setRunning(bool running) {
  check_->setEnabled(!running);
  cancel_->setEnabled(running);
  if (running) status_->setText(tr("Checking soundness…"));
}

void SoundnessDock::setOutcome(const SoundnessOutcome& outcome) {
  outcome_ = outcome;
  setRunning(false);
  table_->setRowCount(0);
  input_->clear();
  const auto& v = outcome.summary.violations;
  const bool bad = outcome.state == SoundnessOutcome::State::Done && !v.empty();
  QString text = outcome.text().toHtmlEscaped();
  if (bad) text = QStringLiteral("<span style='color:#c03030'><b>%1</b></span>").arg(text);
  if (outcome.state == SoundnessOutcome::State::Done) {
    QStringList checks{QStringLiteral("[l, u]")};
    for (const std::string& c : outcome.summary.checkedConstraints) checks << QString::fromStdString(c);
    text += tr("<br>Checked at every neuron and margin row: %1").arg(checks.join(QStringLiteral(", ")).toHtmlEscaped());
    if (v.size() > static_cast<size_t>(kMaxRows)) text += tr(" — the first %1 violations are listed").arg(kMaxRows);
  }
  status_->setText(text);
  if (!bad) return;
  const int rows = static_cast<int>(std::min<size_t>(v.size(), kMaxRows));
  table_->setRowCount(rows);
  for (int r = 0; r < rows; ++r) {
    const cert::SoundnessViolation& x = v[static_cast<size_t>(r)];
    table_->setItem(r, 0, cell(QString::number(x.item)));
    table_->setItem(r, 1, cell(QString::number(x.sample)));
    table_->setItem(r, 2, cell(QStringLiteral("%1 '%2'").arg(x.layer).arg(QString::fromStdString(x.layerName))));
    table_->setItem(r, 3, cell(QString::number(x.neuron)));
    table_->setItem(r, 4, cell(x.member.empty() ? QStringLiteral("l, u") : QStringLiteral("%1  (%2)").arg(
                                   QString::fromStdString(x.member), QString::fromStdString(x.constraint))));
    table_->setItem(r, 5, cell(num(x.value), true));
    table_->setItem(r, 6, cell(QStringLiteral("[%1, %2]").arg(num(x.lower), num(x.upper))));
  }
  table_->resizeColumnsToContents();
  table_->selectRow(0);
}

void SoundnessDock::showInput(int row) {
  const auto& v = outcome_.summary.violations;
  if (row < 0 || static_cast<size_t>(row) >= v.size()) return input_->clear();
  const cert::SoundnessViolation& x = v[static_cast<size_t>(row)];
  if (x.input < 0 || static_cast<size_t>(x.input) >= outcome_.summary.inputs.size()) return input_->clear();
  const Eigen::VectorXd& in = outcome_.summary.inputs[static_cast<size_t>(x.input)];
  QStringList values;
  for (Eigen::Index j = 0; j < in.size(); ++j) values << QString::number(in[j], 'g', 17);
  input_->setPlainText(tr("Item %1 sample %2: layer %3 '%4' neuron %5 is %6, outside [%7, %8] at this input (%9 values):\n%10")
                           .arg(x.item)
                           .arg(x.sample)
                           .arg(x.layer)
                           .arg(QString::fromStdString(x.layerName))
                           .arg(x.neuron)
                           .arg(num(x.value), num(x.lower), num(x.upper))
                           .arg(in.size())
                           .arg(values.join(QLatin1Char(' '))));
  if (outcome_.network && x.layer < static_cast<int>(outcome_.network->layers.size())) emit layerPicked(x.layer);
}

}  // namespace cert::studio
