// The Batch dock: the results table, "verified N/M", overall progress, Cancel, CSV export.
#pragma once

#include <QDockWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;

namespace cert::studio {

class BatchTableModel;

/// Shows `model`; a click on a row emits itemActivated(row) (the session shows its bounds).
class BatchDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit BatchDock(BatchTableModel& model, QWidget* parent = nullptr);

  /// Running: Cancel enabled.
  void setRunning(bool running);
  /// Writes the table as CSV. False when the file cannot be written.
  bool exportCsv(const QString& path) const;

  QTableView* table() const { return table_; }
  QLabel* summaryLabel() const { return summary_; }
  QProgressBar* progressBar() const { return progress_; }
  QPushButton* cancelButton() const { return cancel_; }

 signals:
  void itemActivated(int row);
  void cancelRequested();
  void statusMessage(const QString& message);

 private:
  void refreshCounts();

  BatchTableModel& model_;
  QLabel* summary_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QPushButton* export_ = nullptr;
  QTableView* table_ = nullptr;
};

}  // namespace cert::studio
