// NetworkDock: widgets, and how a load result (network or errors) is shown.
#include "app/certstudio/docks/network_dock.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include "app/certstudio/models/layer_table_model.h"
#include "app/certstudio/models/severity_icon.h"
#include "app/certstudio/network/network_loader.h"
#include "app/certstudio/resources_init.h"
#include "app/certstudio/settings/dialog_folders.h"

namespace cert::studio {
namespace {

constexpr int kOpenedFileRole = Qt::UserRole + 1;

QString summaryOf(const cert::Network& net) {
  int64_t params = 0;
  for (const cert::Layer& l : net.layers) params += l.parameterCount();
  const QLocale locale;
  QString text = QObject::tr("%1: %2 layers, %3 neurons; input %4, output %5; %6 parameters")
                     .arg(QString::fromStdString(net.name))
                     .arg(net.layers.size())
                     .arg(locale.toString(static_cast<qlonglong>(net.neuronCount())))
                     .arg(LayerTableModel::formatShape(net.inputShape))
                     .arg(net.outputSize())
                     .arg(locale.toString(static_cast<qlonglong>(params)));
  if (!net.normalization.isIdentity()) {
    QStringList origin;
    for (const std::string& o : net.normalization.origin) origin << QString::fromStdString(o);
    text += QObject::tr("\nInput normalization: %1")
                .arg(origin.isEmpty() ? QObject::tr("yes") : origin.join(QStringLiteral(", ")));
  }
  return text;
}

}  // namespace

NetworkDock::NetworkDock(QWidget* parent) : QDockWidget(tr("Network"), parent) {
  ensureResources();
  loader_ = new NetworkLoader(this);
  model_ = new LayerTableModel(this);

  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(6, 6, 6, 6);

  auto* row = new QHBoxLayout;
  bundled_ = new QComboBox(body);
  bundled_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  bundled_->setPlaceholderText(tr("Choose a bundled network…"));
  bundled_->setToolTip(tr("Networks shipped with CertStudio"));
  open_ = new QToolButton(body);
  open_->setText(tr("Open ONNX…"));
  open_->setIcon(QIcon(QStringLiteral(":/icons/network.svg")));
  open_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  row->addWidget(new QLabel(tr("Bundled:"), body));
  row->addWidget(bundled_, 1);
  row->addWidget(open_);
  layout->addLayout(row);

  summary_ = new QLabel(tr("No network loaded. Pick a bundled network or open an ONNX file."), body);
  summary_->setWordWrap(true);
  summary_->setTextFormat(Qt::PlainText);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(summary_);

  auto* split = new QSplitter(Qt::Vertical, body);
  stack_ = new QStackedWidget(split);
  table_ = new QTableView(stack_);
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setAlternatingRowColors(true);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setStretchLastSection(false);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(LayerTableModel::Name, QHeaderView::Stretch);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 8);
  table_->setWordWrap(false);
  emptyPage_ = new QLabel(stack_);
  emptyPage_->setAlignment(Qt::AlignCenter);
  emptyPage_->setWordWrap(true);
  emptyPage_->setMargin(24);
  emptyPage_->setTextFormat(Qt::PlainText);
  emptyPage_->setForegroundRole(QPalette::PlaceholderText);
  stack_->addWidget(table_);
  stack_->addWidget(emptyPage_);

  auto* messagesBox = new QWidget(split);
  auto* messagesLayout = new QVBoxLayout(messagesBox);
  messagesLayout->setContentsMargins(0, 0, 0, 0);
  messagesTitle_ = new QLabel(tr("Import messages"), messagesBox);
  messages_ = new QListWidget(messagesBox);
  messages_->setWordWrap(true);
  messages_->setAlternatingRowColors(true);
  messages_->setIconSize(QSize(16, 16));
  messagesLayout->addWidget(messagesTitle_);
  messagesLayout->addWidget(messages_);
  split->setStretchFactor(0, 4);
  split->setStretchFactor(1, 1);
  split->setSizes({600, 130});
  layout->addWidget(split, 1);
  setWidget(body);

  connect(open_, &QToolButton::clicked, this, &NetworkDock::openNetworkDialog);
  connect(bundled_, &QComboBox::activated, this, [this](int index) {
    const QString path = bundled_->itemData(index).toString();
    if (!path.isEmpty()) loadNetwork(path);
  });
  connect(loader_, &NetworkLoader::finished, this, &NetworkDock::showResult);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) { emit layerSelected(current.isValid() ? current.row() : -1); });
  showMessages({});
  showEmptyPage(summary_->text());
}

void NetworkDock::selectLayer(int index) {
  if (index < 0 || index >= model_->rowCount() || index == selectedLayer()) return;
  const QModelIndex at = model_->index(index, 0);
  table_->selectionModel()->setCurrentIndex(at, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  table_->scrollTo(at);
}

int NetworkDock::selectedLayer() const {
  const QModelIndex current = table_->selectionModel()->currentIndex();
  return current.isValid() ? current.row() : -1;
}

void NetworkDock::showEmptyPage(const QString& why) {
  emptyPage_->setText(why + tr("\n\nPick a bundled network above, or open an ONNX file with Open ONNX…"));
  stack_->setCurrentWidget(emptyPage_);
}

void NetworkDock::setBundledNetworks(const QStringList& paths) {
  bundled_->clear();
  for (const QString& p : paths) bundled_->addItem(QFileInfo(p).completeBaseName(), p);
  bundled_->setEnabled(!paths.isEmpty());
  if (paths.isEmpty()) bundled_->addItem(tr("(none installed)"));
  bundled_->setCurrentIndex(paths.isEmpty() ? 0 : -1);
}

void NetworkDock::showSource(const QString& path) {
  // Drop the "(opened file)" entry of an earlier load, then pick the bundled entry of the same
  // file (compared canonically: a bundled network opened by another path is still that one), else
  // say that the network came from elsewhere instead of leaving a bundled name on show.
  for (int i = bundled_->count() - 1; i >= 0; --i)
    if (bundled_->itemData(i, kOpenedFileRole).toBool()) bundled_->removeItem(i);
  const QString canonical = QFileInfo(path).canonicalFilePath();
  int index = -1;
  for (int i = 0; i < bundled_->count() && index < 0; ++i) {
    const QString p = bundled_->itemData(i).toString();
    if (!p.isEmpty() && (p == path || (!canonical.isEmpty() && QFileInfo(p).canonicalFilePath() == canonical))) index = i;
  }
  if (index < 0 && !path.isEmpty()) {
    bundled_->addItem(tr("(opened file)"));
    index = bundled_->count() - 1;
    bundled_->setItemData(index, true, kOpenedFileRole);
    bundled_->setItemData(index, path, Qt::ToolTipRole);
    if (auto* m = qobject_cast<QStandardItemModel*>(bundled_->model())) m->item(index)->setEnabled(false);
  }
  bundled_->setCurrentIndex(index);
}

QString NetworkDock::bundledChoice() const { return bundled_->currentText(); }

void NetworkDock::loadNetwork(const QString& path) {
  attemptedPath_ = path;
  summary_->setStyleSheet({});
  summary_->setText(tr("Loading %1…").arg(QFileInfo(path).fileName()));
  loader_->load(path);
}

void NetworkDock::openNetworkDialog() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open ONNX network"), dialogStartFolder(),
                                                    tr("ONNX models (*.onnx);;All files (*)"));
  if (path.isEmpty()) return;
  DialogFolders::remember(this, QStringLiteral("network"), path);
  loadNetwork(path);
}

QString NetworkDock::dialogStartFolder() const {
  return DialogFolders::startFolder(this, QStringLiteral("network"), path_.isEmpty() ? QString() : QFileInfo(path_).absolutePath());
}

void NetworkDock::showPlaceholder(const QString& text) {
  summary_->setStyleSheet({});
  summary_->setText(text);
  showEmptyPage(text);
}

bool NetworkDock::isLoading() const { return loader_->busy(); }

QString NetworkDock::summaryText() const { return summary_->text(); }

QStringList NetworkDock::messages() const {
  QStringList out;
  for (int i = 0; i < messages_->count(); ++i)
    if (messages_->item(i)->data(Qt::UserRole).toBool()) out << messages_->item(i)->text();
  return out;
}

void NetworkDock::showMessages(const cert::Diagnostics& diags) {
  messages_->clear();
  for (const cert::Diagnostic& d : diags) {
    QString text = QString::fromStdString(d.message);
    if (!d.node.empty()) text = tr("node '%1': %2").arg(QString::fromStdString(d.node), text);
    auto* item = new QListWidgetItem(severityIcon(d.severity), text, messages_);
    item->setData(Qt::UserRole, true);  // a real message, not the placeholder
  }
  messagesTitle_->setText(tr("Import messages (%1)").arg(diags.size()));
  if (diags.empty()) {
    auto* item = new QListWidgetItem(tr("No import warnings."), messages_);
    item->setForeground(palette().color(QPalette::PlaceholderText));
    item->setFlags(Qt::NoItemFlags);
  }
}

void NetworkDock::showResult(const NetworkLoad& load) {
  const QString file = QFileInfo(load.path).fileName();
  if (!load.ok() && network_) {
    // A failed open keeps the working network (and every view built on it): say so and stop.
    diagnostics_ = load.diagnostics;
    showMessages(load.diagnostics);
    showSource(path_);
    QString first = tr("unknown error");
    for (const cert::Diagnostic& d : load.diagnostics)
      if (d.severity == cert::Severity::Error) { first = QString::fromStdString(d.message); break; }
    summary_->setStyleSheet(QStringLiteral("color: #b31d28;"));
    summary_->setText(tr("Could not load %1: %2. Still using %3.").arg(file, first, QFileInfo(path_).fileName()));
    emit statusMessage(summary_->text());
    emit loadFinished(false);
    return;
  }
  path_ = load.path;
  network_ = load.network;
  diagnostics_ = load.diagnostics;
  model_->setNetwork(load.network);
  showMessages(load.diagnostics);
  showSource(load.path);
  if (load.ok()) {
    summary_->setStyleSheet({});
    summary_->setText(summaryOf(*load.network));
    stack_->setCurrentWidget(table_);
    const auto warnings = static_cast<int>(load.diagnostics.size());
    emit statusMessage(warnings == 0 ? tr("Loaded %1 (%2 layers)").arg(file).arg(load.network->layers.size())
                                     : tr("Loaded %1 (%2 layers, %3 import messages)")
                                           .arg(file).arg(load.network->layers.size()).arg(warnings));
  } else {
    QString first = tr("unknown error");
    for (const cert::Diagnostic& d : load.diagnostics)
      if (d.severity == cert::Severity::Error) { first = QString::fromStdString(d.message); break; }
    summary_->setStyleSheet(QStringLiteral("color: #b31d28;"));
    summary_->setText(tr("Could not load %1: %2").arg(file, first));
    showEmptyPage(tr("No layers to show: %1 could not be imported (see the messages below).").arg(file));
    emit statusMessage(summary_->text());
  }
  emit networkChanged(network_);
  emit loadFinished(load.ok());
}

}  // namespace cert::studio
