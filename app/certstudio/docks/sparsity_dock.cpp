// SparsityDock and SparsityView: the g-BCSR layout of one layer's shape member.
#include "app/certstudio/docks/sparsity_dock.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QPainter>
#include <QScrollArea>
#include <QScrollBar>
#include <QStackedWidget>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

#include "app/certstudio/models/sparsity_model.h"

namespace cert::studio {
namespace {

constexpr double kMaxRowPx = 14.0;
constexpr double kMinZoom = 0.25, kMaxZoom = 64.0;
const cert::gbcsr::Kind kKinds[] = {cert::gbcsr::Kind::Dense,     cert::gbcsr::Kind::Diagonal,
                                    cert::gbcsr::Kind::Constant,  cert::gbcsr::Kind::Kernel,
                                    cert::gbcsr::Kind::Broadcast, cert::gbcsr::Kind::Csr};

QColor mix(const QColor& a, const QColor& b, double t) {
  t = std::clamp(t, 0.0, 1.0);
  return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * t),
                          static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * t),
                          static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * t));
}

}  // namespace

SparsityView::SparsityView(SparsityModel& model, QWidget* parent) : QWidget(parent), model_(model) {
  setMouseTracking(true);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

QColor SparsityView::kindColor(cert::gbcsr::Kind kind) {
  switch (kind) {
    case cert::gbcsr::Kind::Dense: return QColor(0x1f, 0x77, 0xb4);
    case cert::gbcsr::Kind::Diagonal: return QColor(0xd6, 0x27, 0x28);
    case cert::gbcsr::Kind::Constant: return QColor(0x2c, 0xa0, 0x2c);
    case cert::gbcsr::Kind::Kernel: return QColor(0x94, 0x67, 0xbd);
    case cert::gbcsr::Kind::Broadcast: return QColor(0xff, 0x7f, 0x0e);
    case cert::gbcsr::Kind::Csr: return QColor(0x8c, 0x56, 0x4b);
  }
  return Qt::gray;
}

void SparsityView::fitTo(const QSize& available) {
  const double cols = static_cast<double>(std::max<qint64>(1, model_.cols()));
  const double rows = static_cast<double>(std::max<qint64>(1, model_.rows()));
  const double w = std::max(50, available.width() - kLeft - kRight);
  const double h = std::max(20, available.height() - kTop - kBottom);
  fitX_ = w / cols;
  fitY_ = std::max(std::min(h / rows, kMaxRowPx), fitX_);
  relayout();
}

void SparsityView::zoomBy(double factor) {
  const double z = std::clamp(zoom_ * factor, kMinZoom, kMaxZoom);
  if (z == zoom_) return;
  zoom_ = z;
  relayout();
  emit zoomChanged(zoom_);
}

QPointF SparsityView::matrixAt(const QPointF& pos) const {
  return {(pos.x() - kLeft) / xScale(), (pos.y() - kTop) / yScale()};
}

QPointF SparsityView::posOf(const QPointF& matrix) const {
  return {kLeft + matrix.x() * xScale(), kTop + matrix.y() * yScale()};
}

void SparsityView::zoomAt(double factor, const QPointF& pos) {
  const QPointF anchor = matrixAt(pos);
  zoomBy(factor);
  const QPointF moved = posOf(anchor) - pos;
  for (QWidget* w = parentWidget(); w; w = w->parentWidget())
    if (auto* area = qobject_cast<QScrollArea*>(w)) {
      area->horizontalScrollBar()->setValue(area->horizontalScrollBar()->value() + qRound(moved.x()));
      area->verticalScrollBar()->setValue(area->verticalScrollBar()->value() + qRound(moved.y()));
      return;
    }
}

void SparsityView::relayout() {
  const double w = static_cast<double>(model_.cols()) * xScale();
  const double h = static_cast<double>(model_.rows()) * yScale();
  setFixedSize(kLeft + kRight + static_cast<int>(std::ceil(w)), kTop + kBottom + static_cast<int>(std::ceil(h)));
  update();
}

int SparsityView::blockAtPos(const QPoint& pos) const {
  const double col = (pos.x() - kLeft) / xScale();
  const double row = (pos.y() - kTop) / yScale();
  if (col < 0 || row < 0) return -1;
  const auto c = static_cast<qint64>(col), r = static_cast<qint64>(row);
  if (c >= model_.cols() || r >= model_.rows()) return -1;
  int hit = model_.blockAt(r, c);
  if (hit >= 0) return hit;
  // A block narrower than a pixel: take one within a pixel of the cursor.
  const qint64 c0 = static_cast<qint64>((pos.x() - 1 - kLeft) / xScale());
  const qint64 c1 = static_cast<qint64>((pos.x() + 1 - kLeft) / xScale());
  for (qint64 cc = std::max<qint64>(0, c0); cc <= c1 && hit < 0; ++cc) hit = model_.blockAt(r, cc);
  return hit;
}

void SparsityView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().base());
  if (!model_.hasSelection()) return;
  const double xs = xScale(), ys = yScale();
  const QRectF matrix(kLeft, kTop, static_cast<double>(model_.cols()) * xs, static_cast<double>(model_.rows()) * ys);
  p.fillRect(matrix, QColor(0xf3, 0xf3, 0xf3));

  // Blocks, filled by density.
  for (const cert::gbcsr::BlockInfo& b : model_.blocks()) {
    const double x = kLeft + static_cast<double>(b.box.off[2]) * xs;
    const double y = kTop + static_cast<double>(b.box.off[1] - model_.rowStart()) * ys;
    const QRectF r(x, y, std::max(1.0, static_cast<double>(b.box.ext[2]) * xs),
                   std::max(1.0, static_cast<double>(b.box.ext[1]) * ys));
    const QColor c = kindColor(b.kind);
    p.fillRect(r, mix(Qt::white, c, 0.15 + 0.85 * b.density));
    if (b.kind == cert::gbcsr::Kind::Diagonal && r.width() > 3 && r.height() > 3) {
      p.setPen(QPen(c.darker(140), 1));
      p.drawLine(r.topLeft(), r.bottomRight());
    }
    p.setPen(QPen(c.darker(130), 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(r.adjusted(0, 0, -0.5, -0.5));
  }

  // Layer column boundaries, with their indices where there is room.
  const QFontMetrics fm(font());
  double lastLabelEnd = -1e9;
  for (const SparsityModel::LayerSpan& s : model_.layerSpans()) {
    const double x0 = kLeft + static_cast<double>(s.start) * xs;
    const double x1 = kLeft + static_cast<double>(s.end) * xs;
    const bool selected = s.index == model_.layer();
    if (selected) p.fillRect(QRectF(x0, kTop - 6, std::max(1.0, x1 - x0), 4), QColor(0xff, 0xb0, 0x00));
    p.setPen(QPen(QColor(0x90, 0x90, 0x90), 0));
    if (s.start > 0) p.drawLine(QPointF(x0, kTop - 12), QPointF(x0, matrix.bottom()));
    const QString label = QString::number(s.index);
    const double lw = fm.horizontalAdvance(label);
    const double mid = (x0 + x1) / 2;
    if (mid - lw / 2 > lastLabelEnd + 3 && (x1 - x0 >= lw + 2 || selected)) {
      p.setPen(selected ? palette().color(QPalette::Highlight) : palette().color(QPalette::Text));
      p.drawText(QPointF(mid - lw / 2, kTop - 14), label);
      lastLabelEnd = mid + lw / 2;
    }
  }
  p.setPen(QPen(QColor(0x60, 0x60, 0x60), 0));
  p.setBrush(Qt::NoBrush);
  p.drawRect(matrix);

  // Row axis.
  p.setPen(palette().color(QPalette::Text));
  const QString first = QStringLiteral("0"), last = QString::number(model_.rows() - 1);
  p.drawText(QPointF(kLeft - 4 - fm.horizontalAdvance(first), kTop + fm.ascent()), first);
  p.drawText(QPointF(kLeft - 4 - fm.horizontalAdvance(last), matrix.bottom()), last);
  p.drawText(QPointF(2, kTop - 14), tr("layer"));
}

void SparsityView::wheelEvent(QWheelEvent* event) {
  const int dy = event->angleDelta().y();
  if (dy == 0) {
    QWidget::wheelEvent(event);
    return;
  }
  zoomAt(dy > 0 ? 1.25 : 0.8, event->position());  // anchored at the mouse
  event->accept();
}

bool SparsityView::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const int hit = blockAtPos(help->pos());
    if (hit >= 0) {
      QToolTip::showText(help->globalPos(), model_.blockText(hit), this);
    } else {
      QToolTip::hideText();
      event->ignore();
    }
    return true;
  }
  return QWidget::event(event);
}

SparsityDock::SparsityDock(SparsityModel& model, QWidget* parent)
    : QDockWidget(tr("Sparsity"), parent), model_(model) {
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* bar = new QHBoxLayout;
  header_ = new QLabel(body);
  header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  header_->setWordWrap(true);  // long layer names must not widen the window past the screen
  member_ = new QComboBox(body);
  member_->setToolTip(tr("The shape member whose storage is drawn"));
  member_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  auto button = [body](const QString& text, const QString& tip) {
    auto* b = new QToolButton(body);
    b->setText(text);
    b->setToolTip(tip);
    return b;
  };
  QToolButton* out = button(QStringLiteral("−"), tr("Zoom out (mouse wheel)"));
  QToolButton* in = button(QStringLiteral("+"), tr("Zoom in (mouse wheel)"));
  QToolButton* fitButton = button(tr("Fit"), tr("Fit the matrix to the dock"));
  bar->addWidget(new QLabel(tr("Member:"), body));
  bar->addWidget(member_);
  bar->addWidget(out);
  bar->addWidget(in);
  bar->addWidget(fitButton);
  bar->addStretch();
  layout->addWidget(header_);  // a row of its own: it names the layer and its size, and wraps
  layout->addLayout(bar);

  stack_ = new QStackedWidget(body);
  empty_ = new QLabel(body);
  empty_->setAlignment(Qt::AlignCenter);
  empty_->setWordWrap(true);
  empty_->setEnabled(false);
  scroll_ = new QScrollArea(body);
  scroll_->setWidgetResizable(false);
  scroll_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  view_ = new SparsityView(model_, scroll_);
  scroll_->setWidget(view_);
  stack_->addWidget(empty_);
  stack_->addWidget(scroll_);
  layout->addWidget(stack_, 1);

  QString legend;
  for (cert::gbcsr::Kind k : kKinds)
    legend += QStringLiteral("<span style='color:%1'>&#9632;</span>&nbsp;%2&nbsp;&nbsp; ")
                  .arg(SparsityView::kindColor(k).name(), QString::fromLatin1(cert::gbcsr::kindName(k)));
  legend += tr("<br>fill strength = density inside the block; <span style='color:#ffb000'>&#9644;</span> = the "
               "selected layer's own columns; hover a block for details");
  legend_ = new QLabel(legend, body);
  legend_->setWordWrap(true);
  footer_ = new QLabel(body);
  footer_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  footer_->setWordWrap(true);
  layout->addWidget(legend_);
  layout->addWidget(footer_);
  setWidget(body);

  connect(member_, &QComboBox::currentTextChanged, this, [this](const QString& m) {
    if (!m.isEmpty()) model_.setMember(m);
  });
  connect(out, &QToolButton::clicked, this, [this] { view_->zoomBy(0.8); });
  connect(in, &QToolButton::clicked, this, [this] { view_->zoomBy(1.25); });
  connect(fitButton, &QToolButton::clicked, this, [this] { fit(); });
  connect(&model_, &SparsityModel::changed, this, &SparsityDock::refresh);
  refresh();
}

void SparsityDock::setLayer(int layer) { model_.setLayer(layer); }

QString SparsityDock::footerText() const { return footer_->text(); }
QString SparsityDock::headerText() const { return header_->text(); }

void SparsityDock::refresh() {
  {
    const QSignalBlocker block(member_);
    member_->clear();
    member_->addItems(model_.members());
    member_->setCurrentText(model_.member());
    member_->setEnabled(member_->count() > 0);
  }
  if (model_.hasSelection()) {
    header_->setText(tr("Layer %1 '%2' — %3: %4 rows x %5 cols")
                         .arg(model_.layer())
                         .arg(model_.layerName(model_.layer()), model_.member())
                         .arg(model_.rows())
                         .arg(model_.cols()));
    footer_->setText(model_.footerText());
    stack_->setCurrentWidget(scroll_);
    fit();
  } else {
    header_->setText(model_.hasRun() && model_.layer() >= 0
                         ? tr("Layer %1 '%2'").arg(model_.layer()).arg(model_.layerName(model_.layer()))
                         : QString());
    footer_->clear();
    empty_->setText(model_.emptyText());
    stack_->setCurrentWidget(empty_);
  }
  legend_->setVisible(model_.hasSelection());
  view_->update();
}

void SparsityDock::fit() {
  view_->zoomBy(1.0 / view_->zoom());
  view_->fitTo(scroll_->viewport()->size());
}

void SparsityDock::resizeEvent(QResizeEvent* event) {
  QDockWidget::resizeEvent(event);
  if (model_.hasSelection()) {
    const double z = view_->zoom();
    view_->fitTo(scroll_->viewport()->size());
    if (z != view_->zoom()) view_->zoomBy(z / view_->zoom());
  }
}

}  // namespace cert::studio
