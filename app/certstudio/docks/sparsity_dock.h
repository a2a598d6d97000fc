// The Sparsity dock: how the selected layer's shape member is stored (g-BCSR blocks), with zoom,
// hover details, a legend and memory used vs dense.
#pragma once

#include <QColor>
#include <QDockWidget>
#include <QWidget>

#include "runtime/gbcsr/block_info.h"

class QComboBox;
class QLabel;
class QScrollArea;
class QStackedWidget;

namespace cert::studio {

class SparsityModel;

/// Paints the blocks of the model's selection over rows x all columns; zoom by wheel or zoomBy().
class SparsityView : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kLeft = 44, kTop = 30, kRight = 8, kBottom = 8;
  explicit SparsityView(SparsityModel& model, QWidget* parent = nullptr);

  /// The scale that fits `available` (columns across the width; rows at least as tall as a column
  /// is wide, at most 14 px, so that a [50 x 994] matrix stays readable).
  void fitTo(const QSize& available);
  void zoomBy(double factor);
  /// Zooms keeping the matrix point under `pos` (widget coordinates) where it is on screen: the
  /// enclosing scroll area scrolls by how far that point moved (the mouse wheel uses this).
  void zoomAt(double factor, const QPointF& pos);
  double zoom() const { return zoom_; }
  /// The matrix point (column, row; fractional) at a widget position, and back.
  QPointF matrixAt(const QPointF& pos) const;
  QPointF posOf(const QPointF& matrix) const;
  static QColor kindColor(cert::gbcsr::Kind kind);
  /// The block under a widget position, or -1.
  int blockAtPos(const QPoint& pos) const;

 signals:
  void zoomChanged(double zoom);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  bool event(QEvent* event) override;

 private:
  void relayout();
  double xScale() const { return fitX_ * zoom_; }
  double yScale() const { return fitY_ * zoom_; }

  SparsityModel& model_;
  double fitX_ = 1, fitY_ = 4, zoom_ = 1;
};

class SparsityDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit SparsityDock(SparsityModel& model, QWidget* parent = nullptr);

  /// Shows layer `layer` (the Network dock's selection).
  void setLayer(int layer);
  SparsityView* view() const { return view_; }
  QString footerText() const;
  QString headerText() const;

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void refresh();
  void fit();

  SparsityModel& model_;
  QComboBox* member_ = nullptr;
  QLabel* header_ = nullptr;
  QLabel* legend_ = nullptr;
  QLabel* footer_ = nullptr;
  QLabel* empty_ = nullptr;
  QStackedWidget* stack_ = nullptr;
  QScrollArea* scroll_ = nullptr;
  SparsityView* view_ = nullptr;
};

}  // namespace cert::studio
