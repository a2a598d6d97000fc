// The comparison chart: mean width per layer of every pinned run (log scale), values on hover.
#pragma once

#include <QImage>
#include <QWidget>

namespace cert::studio {

class ComparisonSet;

/// One labelled series per pinned run. Hovering a point shows "run, layer, mean width" as a
/// tooltip and emits hovered(); renderImage() draws the chart at any pixel size and DPI.
class ComparisonChart : public QWidget {
  Q_OBJECT

 public:
  explicit ComparisonChart(const ComparisonSet& set, QWidget* parent = nullptr);

  /// The labels of the drawn series, in run order (the legend).
  QStringList seriesLabels() const;
  /// Where the point of (run, layer) is drawn in widget coordinates (invalid when not drawn).
  QPointF pointPos(int run, int layer) const;
  /// The text shown for the point nearest `pos` (within 12 px), empty when none: sets the hover.
  QString hoverAt(const QPointF& pos);
  QString hoverText() const { return hoverText_; }
  /// The chart as an image of `pixels` at `dpi` (text and lines scale with dpi / 96).
  QImage renderImage(const QSize& pixels, double dpi) const;
  /// PNG (any size, dpi) or SVG (by the suffix). False when it cannot be written.
  bool exportTo(const QString& path, const QSize& pixels, double dpi) const;
  QSize minimumSizeHint() const override { return {260, 140}; }

 signals:
  /// The mouse is over the point of (run, layer) whose mean width is `value`.
  void hovered(int run, int layer, double value);

 protected:
  void paintEvent(QPaintEvent*) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent*) override;

 private:
  void paintChart(QPainter& p, const QRectF& area) const;
  QRectF plotRect(const QRectF& area) const;
  QPointF pointIn(const QRectF& plot, int run, int layer, double lo, double hi) const;
  bool range(double* lo, double* hi) const;

  const ComparisonSet& set_;
  QString hoverText_;
  int hoverRun_ = -1, hoverLayer_ = -1;
};

/// The colour of series `run`.
QColor comparisonColor(int run);

}  // namespace cert::studio
