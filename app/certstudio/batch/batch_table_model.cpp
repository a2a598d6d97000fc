// BatchTableModel: rows per batch item, the live verified count and the CSV export.
#include "app/certstudio/batch/batch_table_model.h"

#include <QBrush>
#include <QColor>

#include "app/certstudio/run/verdict_text.h"

namespace cert::studio {
namespace {

QByteArray quoted(const QString& s) {
  QString q = s;
  q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
  return (QLatin1Char('"') + q + QLatin1Char('"')).toUtf8();
}

}  // namespace

QString batchStateName(BatchTableModel::State state) {
  using S = BatchTableModel::State;
  switch (state) {
    case S::Pending: return QStringLiteral("pending");
    case S::Running: return QStringLiteral("running");
    case S::Verified: return QStringLiteral("verified");
    case S::NotVerified: return QStringLiteral("not verified");
    case S::Invalid: return QStringLiteral("invalid");
    case S::Failed: return QStringLiteral("failed");
    case S::Timeout: return QStringLiteral("timeout");
    case S::Cancelled: return QStringLiteral("cancelled");
  }
  return {};
}

BatchTableModel::BatchTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void BatchTableModel::reset(const std::vector<BatchEntry>& entries) {
  beginResetModel();
  rows_.clear();
  for (const BatchEntry& e : entries) {
    Row r;
    r.name = e.name;
    r.property = e.property;
    rows_.push_back(std::move(r));
  }
  running_ = rows_.empty() ? -1 : 0;
  if (running_ == 0) rows_[0].state = State::Running;
  endResetModel();
  emit countsChanged();
}

void BatchTableModel::setProgress(int layer, int layers) {
  if (running_ < 0) return;
  Row& r = rows_[static_cast<size_t>(running_)];
  r.layer = layer;
  r.layers = layers;
  emit dataChanged(index(running_, Progress), index(running_, Progress));
}

void BatchTableModel::setItem(int i, const RunOutcome& outcome) {
  if (i < 0 || i >= rowCount()) return;
  Row& r = rows_[static_cast<size_t>(i)];
  r.outcome = outcome;
  r.hasDeciding = false;
  switch (outcome.state) {
    case RunOutcome::State::Done: {
      r.state = outcome.verdict == cert::Verdict::Verified ? State::Verified
                : outcome.verdict == cert::Verdict::Invalid ? State::Invalid
                                                            : State::NotVerified;
      const VerdictText v = verdictText(outcome.property, outcome.item);
      r.verdictText = v.text;
      r.deciding = v.deciding;
      r.hasDeciding = v.hasDeciding;
      if (r.layers > 0) r.layer = r.layers;
      break;
    }
    case RunOutcome::State::Cancelled:
      r.state = State::Cancelled;
      r.verdictText = QStringLiteral("cancelled");
      break;
    case RunOutcome::State::Failed:
      r.state = outcome.stage == QLatin1String("timeout") ? State::Timeout : State::Failed;
      r.verdictText = outcome.summary();
      break;
  }
  running_ = i + 1 < rowCount() && outcome.state != RunOutcome::State::Cancelled ? i + 1 : -1;
  if (running_ >= 0) rows_[static_cast<size_t>(running_)].state = State::Running;
  emit dataChanged(index(i, 0), index(running_ >= 0 ? running_ : i, ColumnCount - 1));
  emit countsChanged();
}

void BatchTableModel::finish() {
  for (Row& r : rows_)
    if (r.state == State::Pending || r.state == State::Running) r.state = State::Cancelled;
  running_ = -1;
  if (!rows_.empty()) emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
  emit countsChanged();
}

int BatchTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }
int BatchTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant BatchTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Row& r = rows_[static_cast<size_t>(index.row())];
  if (role == kProgressRole && index.column() == Progress) {
    if (r.state == State::Pending) return 0;
    if (r.state != State::Running) return 100;
    return r.layers > 0 ? 100 * r.layer / r.layers : 0;
  }
  if (role == Qt::ToolTipRole) return r.verdictText.isEmpty() ? QVariant() : QVariant(r.verdictText);
  if (role == Qt::ForegroundRole && index.column() == Verdict) {
    switch (r.state) {
      case State::Verified: return QBrush(QColor(0x2a, 0x7d, 0x2a));
      case State::Invalid:
      case State::Failed:
      case State::Timeout: return QBrush(QColor(0xc0, 0x30, 0x30));
      default: return {};
    }
  }
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case Item: return r.name;
    case Property: return r.property;
    case Verdict: return batchStateName(r.state);
    case Margin: return r.hasDeciding ? QVariant(QString::number(r.deciding, 'g', 5)) : QVariant();
    case Time:
      return r.state == State::Pending || r.state == State::Running ? QVariant() : QVariant(QString::number(r.outcome.runMs, 'f', 1));
    case Progress:
      if (r.state == State::Running) return r.layers > 0 ? QStringLiteral("layer %1/%2").arg(r.layer).arg(r.layers) : QStringLiteral("starting");
      return r.state == State::Pending ? QString() : batchStateName(r.state);
    default: return {};
  }
}

QVariant BatchTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
  switch (section) {
    case Item: return tr("Item");
    case Property: return tr("Label / property");
    case Verdict: return tr("Verdict");
    case Margin: return tr("Deciding bound");
    case Time: return tr("Time (ms)");
    case Progress: return tr("Progress");
    default: return {};
  }
}

int BatchTableModel::verifiedCount() const {
  int n = 0;
  for (const Row& r : rows_) n += r.state == State::Verified;
  return n;
}

int BatchTableModel::finishedCount() const {
  int n = 0;
  for (const Row& r : rows_) n += r.state != State::Pending && r.state != State::Running && r.state != State::Cancelled;
  return n;
}

QString BatchTableModel::summary() const {
  return tr("verified %1/%2 (%3 done)").arg(verifiedCount()).arg(rowCount()).arg(finishedCount());
}

QByteArray BatchTableModel::csv() const {
  QByteArray out = "item,property,verdict,deciding_bound,time_ms,detail\n";
  for (const Row& r : rows_) {
    out += quoted(r.name) + ',' + quoted(r.property) + ',' + quoted(batchStateName(r.state)) + ',';
    if (r.hasDeciding) out += QByteArray::number(r.deciding, 'g', 17);
    out += ',';
    if (r.state != State::Pending && r.state != State::Running) out += QByteArray::number(r.outcome.runMs, 'f', 3);
    out += ',' + quoted(r.verdictText) + '\n';
  }
  return out;
}

}  // namespace cert::studio
