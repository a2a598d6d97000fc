// The batch results table: one row per item (name, label/property, verdict, deciding margin, time, progress).
#pragma once

#include <QAbstractTableModel>

#include <vector>

#include "app/certstudio/batch/batch_source.h"
#include "app/certstudio/run/run_job.h"

namespace cert::studio {

/// Rows follow the entries of the running batch; items fill in as they finish.
class BatchTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Item, Property, Verdict, Margin, Time, Progress, ColumnCount };
  /// Progress column: the running item's layer progress in percent (0..100) under this role.
  static constexpr int kProgressRole = Qt::UserRole + 1;

  enum class State { Pending, Running, Verified, NotVerified, Invalid, Failed, Timeout, Cancelled };
  struct Row {
    QString name, property;
    State state = State::Pending;
    RunOutcome outcome;
    double deciding = 0;  ///< the bound that decides the verdict (verdictText)
    bool hasDeciding = false;
    QString verdictText;  ///< verdictText(...).text, or the failure
    int layer = 0, layers = 0;
  };

  explicit BatchTableModel(QObject* parent = nullptr);

  /// A new batch: one pending row per entry; the first is running.
  void reset(const std::vector<BatchEntry>& entries);
  /// The running item's layer progress.
  void setProgress(int layer, int layers);
  /// Item `index` finished; the next one is running.
  void setItem(int index, const RunOutcome& outcome);
  /// The batch ended: rows not finished become Cancelled.
  void finish();

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  const Row& row(int i) const { return rows_[static_cast<size_t>(i)]; }
  int verifiedCount() const;
  int finishedCount() const;
  /// The item running now, -1 when none.
  int runningItem() const { return running_; }
  /// "verified 7/10 (10 done)".
  QString summary() const;
  /// `item,property,verdict,deciding_margin,time_ms,detail`, one line per row (quoted fields).
  QByteArray csv() const;

 signals:
  void countsChanged();

 private:
  std::vector<Row> rows_;
  int running_ = -1;
};

/// "verified", "not verified", "timeout", ...
QString batchStateName(BatchTableModel::State state);

}  // namespace cert::studio
