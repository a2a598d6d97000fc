// The Compare dock: pinned runs as a chart and a per-layer table, baseline, export.
#pragma once

#include <QDockWidget>

class QComboBox;
class QPushButton;
class QTableView;
class QToolButton;

namespace cert::studio {

class ComparisonChart;
class ComparisonSet;
class ComparisonTableModel;

/// Shows a ComparisonSet. Pin emits pinRequested() (the session pins the last run).
class CompareDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit CompareDock(ComparisonSet& set, QWidget* parent = nullptr);

  /// The per-layer table as CSV; its headers name each column's run.
  bool exportCsv(const QString& path) const;
  /// The chart at `pixels` and `dpi` (PNG, or SVG by the suffix).
  bool exportChart(const QString& path, const QSize& pixels, double dpi) const;

  ComparisonChart* chart() const { return chart_; }
  QTableView* table() const { return table_; }
  ComparisonTableModel* tableModel() const { return model_; }
  QComboBox* baselineBox() const { return baseline_; }
  QPushButton* pinButton() const { return pin_; }

 signals:
  void pinRequested();
  void statusMessage(const QString& message);

 private:
  void refresh();
  void exportCsvWithDialog();
  void exportChartWithDialog();

  ComparisonSet& set_;
  ComparisonTableModel* model_ = nullptr;
  ComparisonChart* chart_ = nullptr;
  QTableView* table_ = nullptr;
  QComboBox* baseline_ = nullptr;
  QComboBox* remove_ = nullptr;
  QPushButton* pin_ = nullptr;
  QPushButton* clear_ = nullptr;
  QToolButton* export_ = nullptr;
};

}  // namespace cert::studio
