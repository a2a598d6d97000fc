// ComparisonChart: QPainter line chart over layers, a legend, hover tooltips, export at any DPI.
#include "app/certstudio/compare/comparison_chart.h"

#include <QFileInfo>
#include <QFontMetricsF>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QSvgGenerator>
#include <QToolTip>

#include <algorithm>
#include <cmath>

#include "app/certstudio/compare/comparison_set.h"

namespace cert::studio {
namespace {

constexpr double kHoverRadius = 12;

}  // namespace

QColor comparisonColor(int run) {
  static const QColor kColors[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
                                   QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                                   QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f)};
  return kColors[run % 8];
}

ComparisonChart::ComparisonChart(const ComparisonSet& set, QWidget* parent) : QWidget(parent), set_(set) {
  setMouseTracking(true);
  connect(&set_, &ComparisonSet::changed, this, [this] {
    hoverText_.clear();
    update();
  });
}

QStringList ComparisonChart::seriesLabels() const {
  QStringList out;
  for (int i = 0; i < set_.size(); ++i) out << set_.run(i).shortLabel;
  return out;
}

bool ComparisonChart::range(double* lo, double* hi) const {
  *lo = INFINITY;
  *hi = -INFINITY;
  for (int r = 0; r < set_.size(); ++r)
    for (int l = 0; l < set_.layerCount(); ++l) {
      const double v = set_.meanWidth(r, l);
      if (std::isnan(v) || v <= 0 || !std::isfinite(v)) continue;
      *lo = std::min(*lo, v);
      *hi = std::max(*hi, v);
    }
  if (!std::isfinite(*lo)) return false;
  *lo = std::pow(10.0, std::floor(std::log10(*lo)));
  *hi = std::pow(10.0, std::ceil(std::log10(*hi)));
  if (*hi <= *lo) *hi = *lo * 10;
  return true;
}

QRectF ComparisonChart::plotRect(const QRectF& area) const {
  const double legendRows = std::max(1, (set_.size() + 2) / 3);
  return area.adjusted(56, 10 + 16 * legendRows, -12, -34);
}

QPointF ComparisonChart::pointIn(const QRectF& plot, int run, int layer, double lo, double hi) const {
  const double v = set_.meanWidth(run, layer);
  if (std::isnan(v) || v <= 0 || !std::isfinite(v)) return {};
  const int n = std::max(1, set_.layerCount() - 1);
  const double x = plot.left() + plot.width() * layer / n;
  const double t = (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  return {x, plot.bottom() - t * plot.height()};
}

QPointF ComparisonChart::pointPos(int run, int layer) const {
  double lo, hi;
  if (!range(&lo, &hi)) return {};
  return pointIn(plotRect(rect()), run, layer, lo, hi);
}

void ComparisonChart::paintChart(QPainter& p, const QRectF& area) const {
  p.fillRect(area, Qt::white);
  p.setRenderHint(QPainter::Antialiasing);
  const QFontMetricsF fm(p.font());
  if (set_.size() == 0) {
    p.setPen(Qt::darkGray);
    p.drawText(area, Qt::AlignCenter, tr("Pin runs to compare them (Pin current run)"));
    return;
  }
  // Legend: three entries per row.
  const double colW = (area.width() - 20) / 3;
  for (int r = 0; r < set_.size(); ++r) {
    const QPointF at(area.left() + 10 + colW * (r % 3), area.top() + 6 + 16 * (r / 3));
    p.fillRect(QRectF(at.x(), at.y() + 3, 14, 8), comparisonColor(r));
    p.setPen(Qt::black);
    p.drawText(QRectF(at.x() + 18, at.y() - 2, colW - 22, 16), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(set_.run(r).shortLabel, Qt::ElideRight, colW - 22));
  }
  double lo, hi;
  const QRectF plot = plotRect(area);
  p.setPen(QColor(0x99, 0x99, 0x99));
  p.drawRect(plot);
  if (!range(&lo, &hi)) return;
  // Decades on the y axis.
  p.setPen(Qt::darkGray);
  for (double d = lo; d <= hi * 1.0001; d *= 10) {
    const double t = (std::log10(d) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    const double y = plot.bottom() - t * plot.height();
    p.setPen(QColor(0xe0, 0xe0, 0xe0));
    p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
    p.setPen(Qt::darkGray);
    p.drawText(QRectF(area.left(), y - 8, 52, 16), Qt::AlignRight | Qt::AlignVCenter, QString::number(d, 'g', 2));
  }
  const int layers = set_.layerCount();
  const int step = std::max(1, static_cast<int>(std::ceil(layers * 24.0 / std::max(1.0, plot.width()))));
  for (int l = 0; l < layers; l += step) {
    const double x = plot.left() + plot.width() * l / std::max(1, layers - 1);
    p.drawText(QRectF(x - 20, plot.bottom() + 2, 40, 14), Qt::AlignHCenter | Qt::AlignTop, QString::number(l));
  }
  p.drawText(QRectF(plot.left(), plot.bottom() + 16, plot.width(), 16), Qt::AlignHCenter,
             tr("layer — mean width u - l (log scale)"));
  for (int r = 0; r < set_.size(); ++r) {
    QPainterPath path;
    bool started = false;
    for (int l = 0; l < layers; ++l) {
      const QPointF pt = pointIn(plot, r, l, lo, hi);
      if (pt.isNull()) continue;
      if (!started) path.moveTo(pt);
      else path.lineTo(pt);
      started = true;
    }
    // Earlier runs are drawn wider, so a run hidden under a later, equal one still shows as a rim.
    const double rim = 2.0 * (set_.size() - 1 - r);
    p.setPen(QPen(comparisonColor(r), 2 + rim));
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
    p.setPen(Qt::NoPen);
    p.setBrush(comparisonColor(r));
    for (int l = 0; l < layers; ++l) {
      const QPointF pt = pointIn(plot, r, l, lo, hi);
      const double radius = (r == hoverRun_ && l == hoverLayer_ ? 5.0 : 3.0) + rim / 2;
      if (!pt.isNull()) p.drawEllipse(pt, radius, radius);
    }
  }
}

void ComparisonChart::paintEvent(QPaintEvent*) {
  QPainter p(this);
  paintChart(p, rect());
}

QString ComparisonChart::hoverAt(const QPointF& pos) {
  double lo, hi;
  int bestRun = -1, bestLayer = -1;
  double best = kHoverRadius;
  if (range(&lo, &hi)) {
    const QRectF plot = plotRect(rect());
    for (int r = 0; r < set_.size(); ++r)
      for (int l = 0; l < set_.layerCount(); ++l) {
        const QPointF pt = pointIn(plot, r, l, lo, hi);
        if (pt.isNull()) continue;
        const double d = std::hypot(pt.x() - pos.x(), pt.y() - pos.y());
        if (d <= best) {
          best = d;
          bestRun = r;
          bestLayer = l;
        }
      }
  }
  const bool changed = bestRun != hoverRun_ || bestLayer != hoverLayer_;
  hoverRun_ = bestRun;
  hoverLayer_ = bestLayer;
  if (bestRun < 0) {
    hoverText_.clear();
  } else {
    const double v = set_.meanWidth(bestRun, bestLayer);
    hoverText_ = tr("%1\nlayer %2 '%3': mean width %4, max width %5, ×%6 of the baseline")
                     .arg(set_.run(bestRun).label)
                     .arg(bestLayer)
                     .arg(set_.layerName(bestLayer))
                     .arg(v, 0, 'g', 6)
                     .arg(set_.maxWidth(bestRun, bestLayer), 0, 'g', 6)
                     .arg(set_.ratio(bestRun, bestLayer), 0, 'f', 3);
    if (changed) emit hovered(bestRun, bestLayer, v);
  }
  if (changed) update();
  return hoverText_;
}

void ComparisonChart::mouseMoveEvent(QMouseEvent* event) {
  const QString text = hoverAt(event->position());
  if (text.isEmpty()) QToolTip::hideText();
  else QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void ComparisonChart::leaveEvent(QEvent*) {
  hoverRun_ = hoverLayer_ = -1;
  hoverText_.clear();
  update();
}

QImage ComparisonChart::renderImage(const QSize& pixels, double dpi) const {
  QImage image(pixels, QImage::Format_ARGB32);
  image.fill(Qt::white);
  const double scale = dpi / 96.0;
  image.setDotsPerMeterX(static_cast<int>(std::lround(dpi / 0.0254)));
  image.setDotsPerMeterY(static_cast<int>(std::lround(dpi / 0.0254)));
  QPainter p(&image);
  p.setFont(font());
  p.scale(scale, scale);
  paintChart(p, QRectF(0, 0, pixels.width() / scale, pixels.height() / scale));
  return image;
}

bool ComparisonChart::exportTo(const QString& path, const QSize& pixels, double dpi) const {
  if (QFileInfo(path).suffix().compare(QStringLiteral("svg"), Qt::CaseInsensitive) == 0) {
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(pixels);
    svg.setViewBox(QRect(QPoint(0, 0), pixels));
    svg.setResolution(static_cast<int>(dpi));
    svg.setTitle(tr("CertStudio comparison"));
    QPainter p;
    if (!p.begin(&svg)) return false;
    const double scale = dpi / 96.0;
    p.scale(scale, scale);
    paintChart(p, QRectF(0, 0, pixels.width() / scale, pixels.height() / scale));
    return p.end();
  }
  return renderImage(pixels, dpi).save(path);
}

}  // namespace cert::studio
