// TeachingDock: chooser, headline, members/traverses tree, terms table.
#include "app/certstudio/teaching/teaching_dock.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "app/certstudio/teaching/symbolic_text.h"
#include "app/certstudio/teaching/teaching_model.h"
#include "app/certstudio/teaching/terms_table_model.h"

namespace cert::studio {
namespace {

enum class RowKind { Member, Value, Traverse, Step };
constexpr int kKindRole = Qt::UserRole + 1;
constexpr int kTraversalRole = Qt::UserRole + 2;
constexpr int kIndexRole = Qt::UserRole + 3;  ///< member index, or form index of a step

}  // namespace

TeachingDock::TeachingDock(TeachingModel& model, QWidget* parent) : QDockWidget(tr("Teaching"), parent), model_(model) {
  terms_ = new TermsTableModel(this);
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);

  auto* row = new QHBoxLayout;
  layer_ = new QComboBox(body);
  layer_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  layer_->setMinimumContentsLength(8);
  layer_->setToolTip(tr("The layer to stop the flow at; follows the Network dock's selection"));
  neuron_ = new QSpinBox(body);
  neuron_->setPrefix(tr("neuron "));
  neuron_->setToolTip(tr("The neuron to follow, 0-based within the layer"));
  trace_ = new QPushButton(tr("Trace"), body);
  trace_->setToolTip(tr("Run the flow up to this layer and show the neuron's symbolic bounds"));
  back_ = new QPushButton(tr("◀"), body);
  back_->setToolTip(tr("Step back one layer and trace the same neuron index there"));
  next_ = new QPushButton(tr("Next layer ▶"), body);
  next_->setToolTip(tr("Step the flow one layer further and trace the same neuron index there"));
  row->addWidget(layer_, 1);
  row->addWidget(neuron_);
  layout->addLayout(row);
  auto* steps = new QHBoxLayout;  // a second row: the dock shares the crowded bottom area
  steps->addWidget(trace_);
  steps->addWidget(back_);
  steps->addWidget(next_);
  steps->addStretch();
  layout->addLayout(steps);

  headline_ = new QLabel(body);
  headline_->setWordWrap(true);
  headline_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(headline_);

  auto* split = new QSplitter(Qt::Vertical, body);
  tree_ = new QTreeWidget(split);
  tree_->setColumnCount(2);
  tree_->setHeaderLabels({tr("Member / step"), tr("Form")});
  tree_->setUniformRowHeights(true);
  tree_->setWordWrap(false);
  tree_->setTextElideMode(Qt::ElideMiddle);  // keep both ends of a long form: its start and "(+N terms)"
  tree_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  tree_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  tree_->header()->setStretchLastSection(true);
  auto* termsBox = new QWidget(split);
  auto* termsLayout = new QVBoxLayout(termsBox);
  termsLayout->setContentsMargins(0, 0, 0, 0);
  termsTitle_ = new QLabel(tr("Terms: pick a form above"), termsBox);
  termsTitle_->setWordWrap(true);
  table_ = new QTableView(termsBox);
  table_->setModel(terms_);
  table_->verticalHeader()->hide();
  table_->setAlternatingRowColors(true);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  termsLayout->addWidget(termsTitle_);
  termsLayout->addWidget(table_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  layout->addWidget(split, 1);
  setWidget(body);

  connect(trace_, &QPushButton::clicked, this, &TeachingDock::trace);
  connect(next_, &QPushButton::clicked, this, &TeachingDock::stepForward);
  connect(back_, &QPushButton::clicked, this, &TeachingDock::stepBack);
  connect(layer_, &QComboBox::currentIndexChanged, this, [this] { updateChooser(); });
  connect(tree_, &QTreeWidget::itemClicked, this, &TeachingDock::onItemActivated);
  connect(tree_, &QTreeWidget::itemActivated, this, &TeachingDock::onItemActivated);
  connect(&model_, &TeachingModel::changed, this, &TeachingDock::refresh);
  updateChooser();
  refresh();
}

void TeachingDock::setNetwork(std::shared_ptr<const cert::Network> network) {
  const QSignalBlocker block(layer_);
  layer_->clear();
  if (network)
    for (const cert::Layer& l : network->layers)
      layer_->addItem(QStringLiteral("%1 '%2' (%3, %4)")
                          .arg(l.index)
                          .arg(QString::fromStdString(l.name), QString::fromLatin1(cert::layerOpName(l.op)))
                          .arg(l.size()));
  // Start at the first layer after the input: the input layer has no rule to trace.
  layer_->setCurrentIndex(layer_->count() > 1 ? 1 : layer_->count() - 1);
  model_.setNetwork(std::move(network));
  updateChooser();
}

void TeachingDock::setLayer(int layer) {
  if (layer < 0 || layer >= layer_->count() || layer == layer_->currentIndex()) return;
  layer_->setCurrentIndex(layer);
  if (model_.trace() && isVisible()) trace();
}

int TeachingDock::layer() const { return layer_->currentIndex(); }

void TeachingDock::setNeuron(qint64 neuron) { neuron_->setValue(static_cast<int>(neuron)); }

qint64 TeachingDock::neuron() const { return neuron_->value(); }

void TeachingDock::trace() {
  if (layer() < 0) return;
  emit traceRequested(layer(), neuron());
}

void TeachingDock::stepForward() {
  if (layer() + 1 >= layer_->count()) return;
  layer_->setCurrentIndex(layer() + 1);
  trace();
}

void TeachingDock::stepBack() {
  if (layer() <= 0) return;
  layer_->setCurrentIndex(layer() - 1);
  trace();
}

QString TeachingDock::headlineText() const { return headline_->text(); }

void TeachingDock::updateChooser() {
  const auto net = model_.network();
  const int l = layer();
  const qint64 size = net && l >= 0 && l < static_cast<int>(net->layers.size()) ? net->layers[static_cast<size_t>(l)].size() : 0;
  neuron_->setRange(0, static_cast<int>(std::max<qint64>(size - 1, 0)));
  neuron_->setSuffix(size > 0 ? tr(" of %1").arg(size) : QString());
  trace_->setEnabled(size > 0 && !model_.isRunning());
  back_->setEnabled(l > 0 && !model_.isRunning());
  next_->setEnabled(l >= 0 && l + 1 < layer_->count() && !model_.isRunning());
}

void TeachingDock::refresh() {
  headline_->setText(model_.headline());
  updateChooser();
  tree_->clear();
  terms_->clear();
  termsTitle_->setText(tr("Terms: pick a form above"));
  const cert::NeuronTrace* t = model_.trace();
  if (!t) return;
  auto* members = new QTreeWidgetItem(tree_, {tr("members"), tr("neuron %1 of layer %2").arg(t->neuron).arg(t->layer)});
  for (size_t i = 0; i < t->values.size(); ++i) {
    auto* item = new QTreeWidgetItem(members, {QString::fromStdString(t->values[i].first),
                                               QString::fromStdString(formatNumber(t->values[i].second))});
    item->setData(0, kKindRole, static_cast<int>(RowKind::Value));
  }
  for (size_t i = 0; i < t->members.size(); ++i) {
    auto* item = new QTreeWidgetItem(members, {QString::fromStdString(t->members[i].first), model_.formText(t->members[i].second)});
    item->setData(0, kKindRole, static_cast<int>(RowKind::Member));
    item->setData(0, kIndexRole, static_cast<int>(i));
    item->setToolTip(1, model_.formText(t->members[i].second, 40));
  }
  for (size_t k = 0; k < t->traversals.size(); ++k) {
    const cert::TraversalTrace& tr_ = t->traversals[k];
    auto* top = new QTreeWidgetItem(tree_, {model_.traverseLabel(static_cast<int>(k)),
                                            tr_.forms.empty() ? QString() : tr("ends at %1").arg(model_.formText(tr_.forms.back()))});
    top->setData(0, kKindRole, static_cast<int>(RowKind::Traverse));
    top->setData(0, kTraversalRole, static_cast<int>(k));
    for (size_t f = 0; f < tr_.forms.size(); ++f) {
      auto* step = new QTreeWidgetItem(top, {model_.stepLabel(static_cast<int>(k), static_cast<int>(f)), model_.formText(tr_.forms[f])});
      step->setData(0, kKindRole, static_cast<int>(RowKind::Step));
      step->setData(0, kTraversalRole, static_cast<int>(k));
      step->setData(0, kIndexRole, static_cast<int>(f));
      step->setToolTip(1, model_.formText(tr_.forms[f], 40));
    }
  }
  tree_->expandAll();
  if (t->traversals.empty())
    new QTreeWidgetItem(tree_, {tr("no traverse"), tr("this layer's rule does not back-substitute")});
  // List the first linear member's terms at once (without moving the editor's cursor).
  for (int i = 0; i < members->childCount(); ++i)
    if (members->child(i)->data(0, kKindRole).toInt() == static_cast<int>(RowKind::Member)) {
      tree_->setCurrentItem(members->child(i));
      showTerms(members->child(i));
      break;
    }
}

void TeachingDock::activateRow(int top, int child) {
  QTreeWidgetItem* item = tree_->topLevelItem(top);
  if (item && child >= 0) item = item->child(child);
  if (!item) return;
  tree_->setCurrentItem(item);
  onItemActivated(item);
}

void TeachingDock::onItemActivated(QTreeWidgetItem* item) {
  const int line = showTerms(item);
  const cert::NeuronTrace* t = model_.trace();
  const int traversal = item ? item->data(0, kTraversalRole).toInt() : 0;
  if (line > 0 && t && traversal < static_cast<int>(t->traversals.size()))
    emit sourceActivated(line, t->traversals[static_cast<size_t>(traversal)].column);
}

int TeachingDock::showTerms(QTreeWidgetItem* item) {
  const cert::NeuronTrace* t = model_.trace();
  if (!t || !item || !item->data(0, kKindRole).isValid()) return 0;
  const auto kind = static_cast<RowKind>(item->data(0, kKindRole).toInt());
  const int index = item->data(0, kIndexRole).toInt();
  const int traversal = item->data(0, kTraversalRole).toInt();
  if (kind == RowKind::Member && index < static_cast<int>(t->members.size())) {
    terms_->setForm(t->members[static_cast<size_t>(index)].second, model_.network());
    termsTitle_->setText(tr("Terms of %1 (%2 terms)").arg(QString::fromStdString(t->members[static_cast<size_t>(index)].first))
                             .arg(terms_->form().terms.size()));
    return 0;
  }
  if (kind != RowKind::Traverse && kind != RowKind::Step) return 0;
  if (traversal >= static_cast<int>(t->traversals.size())) return 0;
  const cert::TraversalTrace& tr_ = t->traversals[static_cast<size_t>(traversal)];
  const int form = kind == RowKind::Step ? index : static_cast<int>(tr_.forms.size()) - 1;
  if (form >= 0 && form < static_cast<int>(tr_.forms.size())) {
    terms_->setForm(tr_.forms[static_cast<size_t>(form)], model_.network());
    termsTitle_->setText(tr("Terms of traverse %1, %2 (%3 terms)")
                             .arg(traversal + 1)
                             .arg(model_.stepLabel(traversal, form))
                             .arg(terms_->form().terms.size()));
  }
  return tr_.line;
}

}  // namespace cert::studio
