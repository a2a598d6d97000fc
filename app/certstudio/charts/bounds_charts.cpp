// The three Bounds charts, painted with QPainter (so they export to SVG through QSvgGenerator).
#include "app/certstudio/charts/bounds_charts.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace cert::studio {
namespace {

const QColor kMain(31, 119, 180);
const QColor kComparison(255, 127, 14, 150);
const QColor kViolation(214, 39, 40);

QRectF inset(const QRect& r) { return QRectF(r).adjusted(52, 22, -10, -22); }

/// Draws the plot's box and, above it, the title across the whole chart width (not just the
/// plot's), elided when even that is too narrow.
void frame(QPainter& p, const QRectF& plot, const QString& title) {
  p.setPen(QColor(90, 90, 90));
  p.drawRect(plot);
  QFont f = p.font();
  f.setBold(true);
  p.setFont(f);
  const int width = static_cast<int>(plot.right()) - 4;
  p.drawText(QRectF(4, 2, width, 18), Qt::AlignLeft | Qt::AlignVCenter, fittedTitle(title, p.fontMetrics(), width));
  f.setBold(false);
  p.setFont(f);
}

QString num(double v) { return QString::number(v, 'g', 3); }

/// The tooltip of a chart's hover value at the mouse (hidden when there is none).
void showValueTip(QWidget& chart, const QHelpEvent* help, const QString& text) {
  if (text.isEmpty()) QToolTip::hideText();
  else QToolTip::showText(help->globalPos(), text, &chart);
}

}  // namespace

QString fittedTitle(const QString& title, const QFontMetrics& metrics, int width) {
  return metrics.horizontalAdvance(title) <= width ? title : metrics.elidedText(title, Qt::ElideRight, width);
}

IntervalChart::IntervalChart(QWidget* parent) : QWidget(parent) { setBackgroundRole(QPalette::Base); setAutoFillBackground(true); }

void IntervalChart::setData(const QString& title, IntervalSeries main, IntervalSeries comparison, bool sortByWidth) {
  title_ = title;
  main_ = std::move(main);
  comparison_ = std::move(comparison);
  if (comparison_.lower.size() != main_.lower.size()) comparison_ = {};
  order_.resize(static_cast<size_t>(main_.lower.size()));
  std::iota(order_.begin(), order_.end(), Eigen::Index{0});
  if (sortByWidth) {
    const Eigen::VectorXd w = main_.upper - main_.lower;
    std::stable_sort(order_.begin(), order_.end(), [&w](Eigen::Index a, Eigen::Index b) { return w[a] > w[b]; });
  }
  update();
}

void IntervalChart::setMarks(std::map<int64_t, double> marks) {
  marks_ = std::move(marks);
  update();
}

QString IntervalChart::valueAt(const QPointF& pos) const {
  const QRectF plot = inset(rect());
  const Eigen::Index n = main_.lower.size();
  if (n == 0 || !plot.contains(pos)) return {};
  const auto k = static_cast<size_t>(std::clamp((pos.x() - plot.left()) / plot.width() * static_cast<double>(n), 0.0,
                                                 static_cast<double>(n - 1)));
  const Eigen::Index i = order_[k];
  QString text = tr("neuron %1: [%2, %3], width %4")
                     .arg(i)
                     .arg(main_.lower[i], 0, 'g', 6)
                     .arg(main_.upper[i], 0, 'g', 6)
                     .arg(main_.upper[i] - main_.lower[i], 0, 'g', 6);
  if (comparison_.lower.size())
    text += tr("\n%1: [%2, %3], width %4")
                .arg(comparison_.label)
                .arg(comparison_.lower[i], 0, 'g', 6)
                .arg(comparison_.upper[i], 0, 'g', 6)
                .arg(comparison_.upper[i] - comparison_.lower[i], 0, 'g', 6);
  return text;
}

bool IntervalChart::event(QEvent* e) {
  if (e->type() != QEvent::ToolTip) return QWidget::event(e);
  showValueTip(*this, static_cast<QHelpEvent*>(e), valueAt(static_cast<QHelpEvent*>(e)->pos()));
  return true;
}

void IntervalChart::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing, false);
  const QRectF plot = inset(rect());
  frame(p, plot, title_);
  const Eigen::Index n = main_.lower.size();
  if (n == 0) {
    p.drawText(plot, Qt::AlignCenter, tr("No bounds yet: press Run"));
    return;
  }
  double lo = std::min(main_.lower.minCoeff(), main_.upper.minCoeff());
  double hi = std::max(main_.upper.maxCoeff(), main_.lower.maxCoeff());
  for (const auto& [i, v] : marks_)
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (comparison_.lower.size()) {
    lo = std::min(lo, comparison_.lower.minCoeff());
    hi = std::max(hi, comparison_.upper.maxCoeff());
  }
  if (!(hi > lo)) hi = lo + 1;
  const double pad = (hi - lo) * 0.04;
  lo -= pad;
  hi += pad;
  auto y = [&](double v) { return plot.bottom() - (v - lo) / (hi - lo) * plot.height(); };
  const double step = plot.width() / static_cast<double>(n);
  auto bars = [&](const IntervalSeries& s, const QColor& c, double widthFactor) {
    p.setPen(Qt::NoPen);
    p.setBrush(c);
    for (size_t k = 0; k < order_.size(); ++k) {
      const Eigen::Index i = order_[k];
      const double x = plot.left() + static_cast<double>(k) * step;
      const double w = std::max(1.0, step * widthFactor);
      const double top = y(s.upper[i]), bottom = y(s.lower[i]);
      p.drawRect(QRectF(x + (step - w) / 2, top, w, std::max(1.0, bottom - top)));
    }
  };
  if (comparison_.lower.size()) bars(comparison_, kComparison, 0.9);
  bars(main_, kMain, comparison_.lower.size() ? 0.5 : 0.8);
  // Red: inverted intervals (lower > upper) and soundness violations (a cross at the value).
  p.setPen(QPen(kViolation, 2));
  p.setBrush(Qt::NoBrush);
  for (size_t k = 0; k < order_.size(); ++k) {
    const Eigen::Index i = order_[k];
    const auto mark = marks_.find(static_cast<int64_t>(i));
    if (!(main_.lower[i] > main_.upper[i]) && mark == marks_.end()) continue;
    const double x = plot.left() + (static_cast<double>(k) + 0.5) * step;
    p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.top() + 8));
    if (main_.lower[i] > main_.upper[i]) p.drawLine(QPointF(x, y(main_.upper[i])), QPointF(x, y(main_.lower[i])));
    if (mark == marks_.end() || !std::isfinite(mark->second)) continue;
    const double v = std::clamp(y(mark->second), plot.top(), plot.bottom());
    p.drawLine(QPointF(x - 4, v - 4), QPointF(x + 4, v + 4));
    p.drawLine(QPointF(x - 4, v + 4), QPointF(x + 4, v - 4));
  }
  if (lo < 0 && hi > 0) {
    p.setPen(QPen(QColor(0, 0, 0, 120), 1, Qt::DashLine));
    p.drawLine(QPointF(plot.left(), y(0)), QPointF(plot.right(), y(0)));
  }
  p.setPen(palette().color(QPalette::Text));
  p.drawText(QRectF(0, plot.top() - 6, plot.left() - 4, 14), Qt::AlignRight, num(hi));
  p.drawText(QRectF(0, plot.bottom() - 8, plot.left() - 4, 14), Qt::AlignRight, num(lo));
  p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), 18), Qt::AlignLeft,
             tr("%1 neurons").arg(n));
  QString legend = main_.label;
  if (comparison_.lower.size()) legend = tr("■ %1 (blue)   ■ %2 (orange)").arg(main_.label, comparison_.label);
  p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), 18), Qt::AlignRight, legend);
}

WidthHistogram::WidthHistogram(QWidget* parent) : QWidget(parent) { setBackgroundRole(QPalette::Base); setAutoFillBackground(true); }

void WidthHistogram::setData(Eigen::VectorXd widths, Eigen::VectorXd comparison) {
  widths_ = std::move(widths);
  comparison_ = std::move(comparison);
  update();
}

void WidthHistogram::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const QRectF plot = inset(rect());
  frame(p, plot, tr("Width u - l"));
  if (widths_.size() == 0) return;
  constexpr int kBins = 20;
  double maxW = widths_.maxCoeff();
  if (comparison_.size()) maxW = std::max(maxW, comparison_.maxCoeff());
  if (!(maxW > 0)) maxW = 1;
  auto histogram = [&](const Eigen::VectorXd& w) {
    std::vector<int> bins(kBins, 0);
    for (Eigen::Index i = 0; i < w.size(); ++i)
      ++bins[static_cast<size_t>(std::clamp(static_cast<int>(w[i] / maxW * kBins), 0, kBins - 1))];
    return bins;
  };
  const std::vector<int> main = histogram(widths_);
  const std::vector<int> cmp = comparison_.size() ? histogram(comparison_) : std::vector<int>{};
  int top = *std::max_element(main.begin(), main.end());
  if (!cmp.empty()) top = std::max(top, *std::max_element(cmp.begin(), cmp.end()));
  const double bw = plot.width() / kBins;
  for (int b = 0; b < kBins; ++b) {
    const double h = plot.height() * main[static_cast<size_t>(b)] / std::max(1, top);
    p.fillRect(QRectF(plot.left() + b * bw + 1, plot.bottom() - h, bw - 2, h), kMain);
    if (!cmp.empty()) {
      const double hc = plot.height() * cmp[static_cast<size_t>(b)] / std::max(1, top);
      p.setPen(QPen(kComparison.darker(120), 2));
      p.setBrush(Qt::NoBrush);
      p.drawRect(QRectF(plot.left() + b * bw + 1, plot.bottom() - hc, bw - 2, hc));
    }
  }
  p.setPen(palette().color(QPalette::Text));
  p.drawText(QRectF(0, plot.top() - 6, plot.left() - 4, 14), Qt::AlignRight, QString::number(top));
  p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), 18), Qt::AlignLeft, QStringLiteral("0"));
  p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), 18), Qt::AlignRight, num(maxW));
}

LayerWidthChart::LayerWidthChart(QWidget* parent) : QWidget(parent) {
  setBackgroundRole(QPalette::Base);
  setAutoFillBackground(true);
  setCursor(Qt::PointingHandCursor);
}

void LayerWidthChart::setData(std::vector<double> means, std::vector<double> comparison, QStringList names, int selected) {
  means_ = std::move(means);
  comparison_ = comparison.size() == means_.size() ? std::move(comparison) : std::vector<double>{};
  names_ = std::move(names);
  selected_ = selected;
  update();
}

QRectF LayerWidthChart::plotRect() const { return inset(rect()); }

void LayerWidthChart::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const QRectF plot = plotRect();
  frame(p, plot, tr("Mean width by layer, log"));
  if (means_.empty()) return;
  double lo = INFINITY, hi = -INFINITY;
  for (const auto* v : {&means_, &comparison_})
    for (double m : *v)
      if (m > 0 && std::isfinite(m)) {
        lo = std::min(lo, std::log10(m));
        hi = std::max(hi, std::log10(m));
      }
  if (!std::isfinite(lo)) return;
  lo = std::floor(lo);
  hi = std::max(std::ceil(hi), lo + 1);
  auto y = [&](double m) { return m > 0 ? plot.bottom() - (std::log10(m) - lo) / (hi - lo) * plot.height() : plot.bottom(); };
  const double bw = plot.width() / static_cast<double>(means_.size());
  for (size_t i = 0; i < means_.size(); ++i) {
    const QRectF slot(plot.left() + static_cast<double>(i) * bw, plot.top(), bw, plot.height());
    if (static_cast<int>(i) == selected_) p.fillRect(slot, QColor(255, 235, 150));
    const double top = y(means_[i]);
    p.fillRect(QRectF(slot.left() + bw * 0.2, top, bw * (comparison_.empty() ? 0.6 : 0.3), plot.bottom() - top), kMain);
    if (!comparison_.empty()) {
      const double ct = y(comparison_[i]);
      p.fillRect(QRectF(slot.left() + bw * 0.5, ct, bw * 0.3, plot.bottom() - ct), kComparison);
    }
  }
  p.setPen(palette().color(QPalette::Text));
  p.drawText(QRectF(0, plot.top() - 6, plot.left() - 4, 14), Qt::AlignRight, QStringLiteral("1e%1").arg(hi));
  p.drawText(QRectF(0, plot.bottom() - 8, plot.left() - 4, 14), Qt::AlignRight, QStringLiteral("1e%1").arg(lo));
  p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), 18), Qt::AlignLeft, tr("layer 0"));
  p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), 18), Qt::AlignRight,
             tr("layer %1").arg(means_.size() - 1));
}

QString LayerWidthChart::valueAt(const QPointF& pos) const {
  const QRectF plot = plotRect();
  if (means_.empty() || !plot.contains(pos)) return {};
  const int i = std::clamp(static_cast<int>((pos.x() - plot.left()) / plot.width() * static_cast<double>(means_.size())), 0,
                           static_cast<int>(means_.size()) - 1);
  QString text = tr("layer %1 '%2': mean width %3").arg(i).arg(names_.value(i)).arg(means_[static_cast<size_t>(i)], 0, 'g', 6);
  if (!comparison_.empty()) text += tr(" (comparison %1)").arg(comparison_[static_cast<size_t>(i)], 0, 'g', 6);
  return text;
}

bool LayerWidthChart::event(QEvent* e) {
  if (e->type() != QEvent::ToolTip) return QWidget::event(e);
  showValueTip(*this, static_cast<QHelpEvent*>(e), valueAt(static_cast<QHelpEvent*>(e)->pos()));
  return true;
}

void LayerWidthChart::mousePressEvent(QMouseEvent* event) {
  const QRectF plot = plotRect();
  if (means_.empty() || !plot.contains(event->position())) return;
  const int i = static_cast<int>((event->position().x() - plot.left()) / plot.width() * static_cast<double>(means_.size()));
  emit layerClicked(std::clamp(i, 0, static_cast<int>(means_.size()) - 1));
}

}  // namespace cert::studio
