// BoundsDock: controls, the three charts, the summary line, export (CSV/JSON, PNG/SVG).
#include "app/certstudio/docks/bounds_dock.h"

#include <QComboBox>
#include <QFile>
#include <cmath>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QImage>
#include <QLayout>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QSvgGenerator>
#include <QToolButton>
#include <QVBoxLayout>

#include "app/certstudio/charts/bounds_charts.h"
#include "app/certstudio/docks/stale_banner.h"
#include "app/certstudio/compare/chart_export_dialog.h"
#include "app/certstudio/models/bounds_export.h"
#include "app/certstudio/models/bounds_model.h"
#include "app/certstudio/run/verdict_text.h"

namespace cert::studio {

BoundsDock::BoundsDock(BoundsModel& model, QWidget* parent) : QDockWidget(tr("Bounds"), parent), model_(model) {
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* controls = new QHBoxLayout;
  order_ = new QComboBox(body);
  order_->addItems({tr("By index"), tr("Sorted by width")});
  pin_ = new QPushButton(tr("Pin as comparison"), body);
  pin_->setToolTip(tr("Keep this run's bounds as an overlay; then switch spec (e.g. ibp.cf) and run again"));
  clear_ = new QPushButton(tr("Clear comparison"), body);
  export_ = new QToolButton(body);
  export_->setText(tr("Export"));
  export_->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(export_);
  menu->addAction(tr("Bounds as CSV / JSON…"), this, [this] { exportWithDialog(false); });
  menu->addAction(tr("Charts as PNG / SVG…"), this, [this] { exportWithDialog(true); });
  export_->setMenu(menu);
  controls->addWidget(order_);
  controls->addWidget(pin_);
  controls->addWidget(clear_);
  controls->addStretch();
  controls->addWidget(export_);
  layout->addLayout(controls);
  layout->addWidget(new StaleBanner(model_, body));  // shown while the bounds predate a failed run

  charts_ = new QWidget(body);
  auto* grid = new QVBoxLayout(charts_);
  grid->setContentsMargins(0, 0, 0, 0);
  intervals_ = new IntervalChart(charts_);
  histogram_ = new WidthHistogram(charts_);
  perLayer_ = new LayerWidthChart(charts_);
  auto* bottom = new QHBoxLayout;
  bottom->addWidget(histogram_);
  bottom->addWidget(perLayer_);
  grid->addWidget(intervals_, 3);
  grid->addLayout(bottom, 2);
  layout->addWidget(charts_, 1);
  summary_ = new QLabel(body);
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(summary_);
  setWidget(body);

  connect(&model_, &BoundsModel::changed, this, &BoundsDock::refresh);
  connect(order_, &QComboBox::currentIndexChanged, this, &BoundsDock::refresh);
  connect(pin_, &QPushButton::clicked, &model_, &BoundsModel::pinComparison);
  connect(clear_, &QPushButton::clicked, &model_, &BoundsModel::clearComparison);
  connect(perLayer_, &LayerWidthChart::layerClicked, this, [this](int l) {
    setLayer(l);
    emit layerPicked(l);
  });
  refresh();
}

void BoundsDock::setLayer(int layer) {
  layer_ = layer;
  refresh();
}

QString BoundsDock::summaryText() const { return summary_->text(); }

void BoundsDock::refresh() {
  const BoundsModel::Run* run = model_.run();
  const BoundsModel::Run* cmp = model_.comparison();
  pin_->setEnabled(run != nullptr);
  clear_->setEnabled(cmp != nullptr);
  export_->setEnabled(run != nullptr);
  if (!run) {
    intervals_->setData(tr("Bounds"), {}, {}, false);
    histogram_->setData({}, {});
    perLayer_->setData({}, {}, {}, -1);
    summary_->setText(tr("No bounds yet: press Run (F5) in the Run bar."));
    return;
  }
  const int shown = layer_ >= 0 && layer_ < model_.layerCount() ? layer_ : model_.layerCount() - 1;
  const cert::LayerBoundsResult* b = model_.bounds(shown);
  const cert::LayerBoundsResult* c = cmp ? model_.bounds(shown, cmp) : nullptr;
  const QString title = tr("Layer %1 '%2' (%3): [l, u] per neuron").arg(shown).arg(model_.layerName(shown), model_.layerOp(shown));
  intervals_->setData(title, {run->label, b->lower, b->upper},
                      c ? IntervalSeries{cmp->label, c->lower, c->upper} : IntervalSeries{}, order_->currentIndex() == 1);
  const auto marks = run->marks.find(shown);
  intervals_->setMarks(marks != run->marks.end() ? marks->second : std::map<int64_t, double>{});
  histogram_->setData(model_.widths(shown), cmp ? model_.widths(shown, cmp) : Eigen::VectorXd());
  QStringList names;
  for (int l = 0; l < model_.layerCount(); ++l) names << model_.layerName(l);
  perLayer_->setData(model_.meanWidths(), cmp ? model_.meanWidths(cmp) : std::vector<double>{}, names, shown);

  const Eigen::VectorXd w = model_.widths(shown);
  QString text = tr("<b>%1</b> layer %2: %3 neurons, mean width %4, max width %5")
                     .arg(run->label)
                     .arg(shown)
                     .arg(w.size())
                     .arg(w.size() ? w.mean() : 0.0, 0, 'g', 4)
                     .arg(w.size() ? w.maxCoeff() : 0.0, 0, 'g', 4);
  if (c && c->lower.size()) text += tr("; %1 mean width %2").arg(cmp->label).arg((c->upper - c->lower).mean(), 0, 'g', 4);
  if (const auto s = model_.reluStability(shown)) {
    text += tr("<br>ReLU input (layer %1): <span style='color:#2a7d2a'>%2 stable active</span>, "
               "<span style='color:#777'>%3 stable inactive</span>, <span style='color:#c03030'>%4 unstable</span>")
                .arg(model_.reluInputLayer(shown))
                .arg(s->active)
                .arg(s->inactive)
                .arg(s->unstable);
    if (cmp)
      if (const auto sc = model_.reluStability(shown, cmp)) text += tr(" (%1: %2 unstable)").arg(cmp->label).arg(sc->unstable);
  }
  if (run->verdict == cert::Verdict::Invalid)
    text += tr("<br><span style='color:#c03030'><b>Invalid run, no verdict:</b> %1</span>").arg(run->reason.toHtmlEscaped());
  else if (run->marginLower.size()) {  // the heading and number of what decides the verdict
    const VerdictText v = verdictText(run->property, run->item);
    text += tr("<br>%1: <b>%2</b>").arg(v.heading.toHtmlEscaped(), v.text.toHtmlEscaped());
  }
  if (marks != run->marks.end() && !marks->second.empty()) {
    QStringList which;
    for (const auto& [i, v] : marks->second) {
      if (which.size() == 12) {
        which << QStringLiteral("…");
        break;
      }
      which << QString::number(i);
    }
    text += tr("<br><span style='color:#c03030'><b>Soundness: %n neuron(s) of this layer left a bound</b> on a "
               "sampled input (red marks): %1</span>", nullptr, static_cast<int>(marks->second.size()))
                .arg(which.join(QStringLiteral(", ")));
  }
  summary_->setText(text);
}

bool BoundsDock::exportChart(const QString& path) { return exportChart(path, charts_->size(), 96); }

bool BoundsDock::exportChart(const QString& path, const QSize& pixels, double dpi) {
  if (pixels.isEmpty() || dpi <= 0) return false;
  const double scale = dpi / 96.0;
  const QSize logical(std::max(1, static_cast<int>(std::lround(pixels.width() / scale))),
                      std::max(1, static_cast<int>(std::lround(pixels.height() / scale))));
  // Lay the three charts out at the export size for the picture, then give the panel back.
  const QSize onScreen = charts_->size();
  charts_->resize(logical);
  if (QLayout* l = charts_->layout()) l->activate();
  bool ok = false;
  if (QFileInfo(path).suffix().compare(QStringLiteral("svg"), Qt::CaseInsensitive) == 0) {
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(pixels);
    svg.setViewBox(QRect(QPoint(0, 0), pixels));
    svg.setResolution(static_cast<int>(std::lround(dpi)));
    svg.setTitle(tr("CertStudio bounds"));
    QPainter p;
    if (p.begin(&svg)) {
      p.scale(scale, scale);
      charts_->render(&p);
      ok = p.end();
    }
  } else {
    QImage image(pixels, QImage::Format_ARGB32);
    image.fill(Qt::white);
    image.setDotsPerMeterX(static_cast<int>(std::lround(dpi / 0.0254)));
    image.setDotsPerMeterY(static_cast<int>(std::lround(dpi / 0.0254)));
    {
      QPainter p(&image);
      p.scale(scale, scale);
      charts_->render(&p);
    }
    ok = image.save(path);
  }
  charts_->resize(onScreen);
  if (QLayout* l = charts_->layout()) l->activate();
  return ok;
}

bool BoundsDock::exportBounds(const QString& path) const {
  const bool json = QFileInfo(path).suffix().compare(QStringLiteral("json"), Qt::CaseInsensitive) == 0;
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
  const QByteArray bytes = json ? boundsJson(model_) : boundsCsv(model_);
  return f.write(bytes) == bytes.size();
}

void BoundsDock::exportWithDialog(bool chart) {
  QSize pixels = charts_->size();
  int dpi = 96;
  if (chart) {  // size and resolution first, then the file
    ChartExportDialog size(charts_->size(), this);
    if (size.exec() != QDialog::Accepted) return;
    pixels = size.pixels();
    dpi = size.dpi();
  }
  const QString path = QFileDialog::getSaveFileName(
      this, chart ? tr("Export Charts") : tr("Export Bounds"), chart ? QStringLiteral("bounds.png") : QStringLiteral("bounds.csv"),
      chart ? tr("PNG image (*.png);;SVG drawing (*.svg)") : tr("CSV (*.csv);;JSON (*.json)"));
  if (path.isEmpty()) return;
  const bool ok = chart ? exportChart(path, pixels, dpi) : exportBounds(path);
  emit statusMessage(ok ? tr("Exported %1").arg(path) : tr("Cannot write %1").arg(path));
}

}  // namespace cert::studio
