// The Bounds dock: the selected layer's per-neuron intervals, width histogram, ReLU stability,
// mean width per layer, a pinned comparison run, and export.
#pragma once

#include <QDockWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QToolButton;

namespace cert::studio {

class BoundsModel;
class IntervalChart;
class LayerWidthChart;
class WidthHistogram;

/// Draws what `model` holds for the selected layer; the layer follows setLayer() (the Network
/// dock's selection) or a click on the per-layer chart.
class BoundsDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit BoundsDock(BoundsModel& model, QWidget* parent = nullptr);

  /// Shows layer `layer` (-1: the output layer).
  void setLayer(int layer);
  int layer() const { return layer_; }
  /// The text under the charts: layer, sizes, stability counts.
  QString summaryText() const;
  /// The chart panel as PNG or SVG (by the file suffix) at its on-screen size, 96 DPI. False when
  /// it cannot be written.
  bool exportChart(const QString& path);
  /// The same at `pixels` and `dpi`: the charts are laid out at pixels * 96 / dpi logical pixels
  /// and drawn scaled by dpi / 96, so text and lines keep their physical size.
  bool exportChart(const QString& path, const QSize& pixels, double dpi);
  /// The bounds as CSV or JSON (by the file suffix).
  bool exportBounds(const QString& path) const;

 signals:
  /// The person picked a layer here (the per-layer chart).
  void layerPicked(int layer);
  void statusMessage(const QString& message);

 private:
  void refresh();
  void exportWithDialog(bool chart);

  BoundsModel& model_;
  int layer_ = -1;
  QComboBox* order_ = nullptr;
  QPushButton* pin_ = nullptr;
  QPushButton* clear_ = nullptr;
  QToolButton* export_ = nullptr;
  QLabel* summary_ = nullptr;
  QWidget* charts_ = nullptr;
  IntervalChart* intervals_ = nullptr;
  WidthHistogram* histogram_ = nullptr;
  LayerWidthChart* perLayer_ = nullptr;
};

}  // namespace cert::studio
