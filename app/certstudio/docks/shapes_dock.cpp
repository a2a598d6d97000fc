// ShapesDock: lowers the rule under the cursor and lists its values with shapes and sizes.
#include "app/certstudio/docks/shapes_dock.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "app/certstudio/ir/ir_listing.h"
#include "runtime/layer_rule.h"
#include "compiler/ir/ir_printer.h"

namespace cert::studio {
namespace {

constexpr int kRangeRole = Qt::UserRole + 1;

/// The extent of frame `k` for `layer` of `net`; 0 when it has no fixed size.
qint64 frameSize(cert::ir::FrameKind k, const cert::Network& net, const cert::Layer& layer) {
  using cert::ir::FrameKind;
  const cert::Layer* in = layer.inputs.empty() ? nullptr : &net.layers[static_cast<size_t>(layer.inputs.front())];
  switch (k) {
    case FrameKind::Batch: return 1;
    case FrameKind::Curr: return layer.size();
    case FrameKind::Prev:
    case FrameKind::Other:
      if (layer.op == cert::LayerOp::MaxPool || layer.op == cert::LayerOp::AvgPool)
        return static_cast<qint64>(layer.pool.kernelH) * layer.pool.kernelW;
      return in ? in->size() : 0;
    case FrameKind::Poly: return layer.start;  // terms over every earlier neuron, at most
    case FrameKind::Sym: return 0;
  }
  return 0;
}

QString concrete(const cert::ir::Shape& s, const cert::Network& net, const cert::Layer& layer) {
  QStringList dims;
  qint64 elements = 1;
  for (const cert::ir::Frame& f : s.frames) {
    const qint64 n = frameSize(f.kind, net, layer);
    if (!f.materialized) {
      dims << QStringLiteral("1");
      continue;
    }
    if (f.kind == cert::ir::FrameKind::Poly) dims << QStringLiteral("≤%1").arg(n);
    else if (n == 0) dims << QStringLiteral("?");
    else dims << QString::number(n);
    elements *= std::max<qint64>(n, 1);
  }
  return dims.isEmpty() ? QStringLiteral("1") : dims.join(QStringLiteral(" × ")) + QStringLiteral("  (%1)").arg(elements);
}

}  // namespace

ShapesDock::ShapesDock(QWidget* parent) : QDockWidget(tr("Shapes"), parent) {
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  header_ = new QLabel(tr("Put the editor cursor inside a transformer rule."), body);
  header_->setWordWrap(true);
  layout->addWidget(header_);
  tree_ = new QTreeWidget(body);
  tree_->setColumnCount(5);
  tree_->setHeaderLabels({tr("Value"), tr("Op"), tr("Shape"), tr("Sizes"), tr("Source")});
  tree_->setRootIsDecorated(false);
  tree_->setUniformRowHeights(true);
  tree_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  tree_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  tree_->header()->setStretchLastSection(true);
  layout->addWidget(tree_, 1);
  setWidget(body);
  connect(tree_, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
    const QVariantList r = item->data(0, kRangeRole).toList();
    if (r.size() != 4) return;
    cert::SourceRange range;
    range.begin = {r[0].toInt(), r[1].toInt(), 0};
    range.end = {r[2].toInt(), r[3].toInt(), 0};
    emit sourceRangeActivated(range);
  });
}

void ShapesDock::setSource(const std::string& text, int offset) {
  text_ = text;
  offset_ = offset;
  rebuild();
}

void ShapesDock::setNetwork(std::shared_ptr<const cert::Network> network) {
  network_ = std::move(network);
  rebuild();
}

void ShapesDock::setLayer(int layer) {
  layer_ = layer;
  rebuild();
}

int ShapesDock::rowCount() const { return tree_->topLevelItemCount(); }

QString ShapesDock::headerText() const { return header_->text(); }

QString ShapesDock::cell(int row, int column) const {
  const QTreeWidgetItem* item = tree_->topLevelItem(row);
  return item ? item->text(column) : QString();
}

void ShapesDock::rebuild() {
  QString where;
  if (std::optional<cert::ir::Program> lowered = loweredRuleAt(text_, offset_, &where)) {
    program_ = std::move(lowered);
    programText_ = text_;
    rule_ = where;
  }
  if (!program_) {
    header_->setText(tr("Put the editor cursor inside a transformer rule (that compiles)."));
    return;
  }
  // Outside every rule the last rule stays on screen, still sized for the selected layer.
  const std::optional<cert::ir::Program>& p = program_;
  const std::string& text = programText_;
  const cert::Layer* layer = network_ && layer_ >= 0 && layer_ < static_cast<int>(network_->layers.size())
                                 ? &network_->layers[static_cast<size_t>(layer_)]
                                 : nullptr;
  // The sizes only mean something for a layer this rule runs on: say which rule the layer needs
  // otherwise, and leave the Sizes column empty.
  const QString ruleOp = rule_.section(QLatin1Char('.'), -1);
  const QString layerOp = layer ? QString::fromStdString(cert::ruleOperatorFor(*layer)) : QString();
  matches_ = layer && layerOp == ruleOp;
  QString heading;
  if (!layer) {
    heading = tr("<b>%1</b> rule — select a layer in the Network dock for concrete sizes; `*` = broadcast frame").arg(rule_);
  } else {
    const QString at = tr("layer %1 '%2' (%3)")
                              .arg(layer_)
                              .arg(QString::fromStdString(layer->name).toHtmlEscaped(), QString::fromLatin1(cert::layerOpName(layer->op)));
    if (matches_)
      heading = tr("<b>%1</b> rule — sizes for %2: %3 neurons, input %4; `*` = broadcast frame")
                    .arg(rule_, at)
                    .arg(layer->size())
                    .arg(layer->inputs.empty() ? 0 : network_->layers[static_cast<size_t>(layer->inputs.front())].size());
    else if (layerOp.isEmpty())
      heading = tr("<b>%1</b> rule — no sizes: %2 runs no rule of a spec").arg(rule_, at);
    else
      heading = tr("<b>%1</b> rule — no sizes: %2 needs the %3 rule, not %4").arg(rule_, at, layerOp, ruleOp);
  }
  header_->setText(heading);
  tree_->clear();
  std::function<void(const cert::ir::Region&, int)> add = [&](const cert::ir::Region& r, int depth) {
    for (const cert::ir::Instr& i : r.body) {
      if (i.op == cert::ir::Opcode::Yield) continue;
      auto* item = new QTreeWidgetItem(tree_);
      item->setText(0, QString(depth * 2, QLatin1Char(' ')) + QStringLiteral("%%1").arg(i.id));
      QString op = QString::fromLatin1(cert::ir::opcodeName(i.op));
      if (!i.name.empty()) op += QLatin1Char(' ') + QString::fromStdString(i.name);
      item->setText(1, op);
      item->setText(2, QString::fromLatin1(cert::ir::elemTypeName(i.type)) + QString::fromStdString(cert::ir::printShape(i.shape)));
      if (matches_) item->setText(3, concrete(i.shape, *network_, *layer));
      if (i.origin.valid() && i.origin.end.offset <= static_cast<int>(text.size()) && i.origin.end.offset > i.origin.begin.offset) {
        QString src = QString::fromStdString(text.substr(static_cast<size_t>(i.origin.begin.offset),
                                                          static_cast<size_t>(i.origin.end.offset - i.origin.begin.offset)));
        src = src.simplified();
        if (src.size() > 80) src = src.left(77) + QStringLiteral("…");
        item->setText(4, src);
        item->setToolTip(4, QStringLiteral("%1:%2").arg(i.origin.begin.line).arg(i.origin.begin.col));
        item->setData(0, kRangeRole, QVariantList{i.origin.begin.line, i.origin.begin.col, i.origin.end.line, i.origin.end.col});
      }
      for (const auto& region : i.regions) add(*region, depth + 1);
    }
  };
  add(p->body, 0);
}

}  // namespace cert::studio
