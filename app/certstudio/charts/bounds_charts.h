// QPainter charts of the Bounds dock: per-neuron intervals, width histogram, mean width per layer.
#pragma once

#include <QFontMetrics>
#include <QWidget>

#include <Eigen/Dense>

#include <map>
#include <vector>

namespace cert::studio {

/// `title` as a chart draws it in `width` pixels: whole when it fits, else elided with "…".
QString fittedTitle(const QString& title, const QFontMetrics& metrics, int width);

/// One series of intervals: the run's, or the pinned comparison's.
struct IntervalSeries {
  QString label;
  Eigen::VectorXd lower, upper;
};

/// Per-neuron [l, u] bars; the comparison is drawn behind in another colour so the tighter run's
/// bars sit inside the looser one's. Sorted: by the main run's width, widest first.
class IntervalChart : public QWidget {
  Q_OBJECT
 public:
  explicit IntervalChart(QWidget* parent = nullptr);
  void setData(const QString& title, IntervalSeries main, IntervalSeries comparison, bool sortByWidth);
  /// Neurons drawn in red with their concrete value (a soundness violation), until the next
  /// setMarks. Neurons whose lower bound is above the upper one are always red.
  void setMarks(std::map<int64_t, double> marks);
  QSize minimumSizeHint() const override { return {300, 160}; }
  /// The hover text at `pos`: "neuron 17: [l, u], width w" (and the comparison's); empty off the bars.
  QString valueAt(const QPointF& pos) const;

 protected:
  void paintEvent(QPaintEvent*) override;
  bool event(QEvent* event) override;  ///< tooltips: valueAt()

 private:
  QString title_;
  IntervalSeries main_, comparison_;
  std::map<int64_t, double> marks_;
  std::vector<Eigen::Index> order_;
};

/// Histogram of u - l (20 bins from 0 to the widest); the comparison as an outline.
class WidthHistogram : public QWidget {
  Q_OBJECT
 public:
  explicit WidthHistogram(QWidget* parent = nullptr);
  void setData(Eigen::VectorXd widths, Eigen::VectorXd comparison);
  QSize minimumSizeHint() const override { return {200, 120}; }

 protected:
  void paintEvent(QPaintEvent*) override;

 private:
  Eigen::VectorXd widths_, comparison_;
};

/// Mean width per layer (log scale); the selected layer highlighted; a click selects a layer.
class LayerWidthChart : public QWidget {
  Q_OBJECT
 public:
  explicit LayerWidthChart(QWidget* parent = nullptr);
  void setData(std::vector<double> means, std::vector<double> comparison, QStringList names, int selected);
  QSize minimumSizeHint() const override { return {200, 120}; }
  /// The hover text at `pos`: "layer 3 'relu_1': mean width m" (and the comparison's); empty off the plot.
  QString valueAt(const QPointF& pos) const;

 signals:
  void layerClicked(int layer);

 protected:
  void paintEvent(QPaintEvent*) override;
  bool event(QEvent* event) override;  ///< tooltips: valueAt()
  void mousePressEvent(QMouseEvent* event) override;

 private:
  QRectF plotRect() const;
  std::vector<double> means_, comparison_;
  QStringList names_;
  int selected_ = -1;
};

}  // namespace cert::studio
