// RunBar: the toolbar widgets and their defaults (mnist_10.csv row 0, eps 0.01, CPU).
#include "app/certstudio/run/run_bar.h"

#include <algorithm>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QProgressBar>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolButton>

#include "app/certstudio/bundled_files.h"
#include "app/certstudio/run/input_scaling_dialog.h"
#include "app/certstudio/settings/dialog_folders.h"
#include "runtime/backend_info.h"

namespace cert::studio {
namespace {

QString defaultDataset() {
  for (const QString& dir : BundledFiles::searchDirs(QStringLiteral("inputs"))) {
    const QString p = dir + QStringLiteral("/mnist_10.csv");
    if (QFileInfo::exists(p)) return p;
  }
  return {};
}

}  // namespace

RunBar::RunBar(QWidget* parent) : QToolBar(tr("Run"), parent) {
  setObjectName(QStringLiteral("RunToolBar"));
  networkLabel_ = new QLabel(tr("no network"), this);
  networkLabel_->setToolTip(tr("The network of the Network dock"));
  addWidget(new QLabel(tr(" Network: "), this));
  addWidget(networkLabel_);
  addSeparator();

  inputKind_ = new QComboBox(this);
  inputKind_->addItem(tr("Dataset row"));
  inputKind_->addItem(tr("VNN-LIB"));
  addWidget(inputKind_);
  inputPath_ = new QLabel(this);
  addWidget(inputPath_);
  auto* browse = new QToolButton(this);
  browse->setText(tr("…"));
  browse->setToolTip(tr("Choose the input file"));
  addWidget(browse);
  row_ = new QSpinBox(this);
  row_->setRange(0, 1000000);
  row_->setPrefix(tr("row "));
  rowAction_ = addWidget(row_);
  scaling_ = new QToolButton(this);
  scalingAction_ = addWidget(scaling_);
  addSeparator();

  eps_ = new QDoubleSpinBox(this);
  eps_->setDecimals(4);
  eps_->setRange(0, 1);
  eps_->setSingleStep(0.001);
  eps_->setValue(0.01);
  eps_->setPrefix(tr("eps "));
  epsAction_ = addWidget(eps_);

  backend_ = new QComboBox(this);
  backend_->addItem(tr("CPU"));
  backend_->addItem(tr("GPU"));
  std::string why = cert::cudaUnavailableReason();
  if (why.empty()) why = "the CUDA executor is not implemented yet; runs use the CPU";
  if (auto* m = qobject_cast<QStandardItemModel*>(backend_->model())) {
    m->item(1)->setEnabled(false);
    m->item(1)->setToolTip(QString::fromStdString(why));
  }
  backend_->setToolTip(tr("GPU: %1").arg(QString::fromStdString(why)));
  addWidget(backend_);
  bounds_ = new QComboBox(this);
  bounds_->addItem(tr("All bounds"));
  bounds_->addItem(tr("Unstable only"));
  bounds_->setToolTip(
      tr("All bounds: every neuron's bounds as the spec computes them (for reading tightness per layer).\n"
         "Unstable only: back-substitution only for the Relu inputs their one-step interval leaves unstable "
         "(l < 0 < u) and for the margins; every other neuron keeps that interval, as sound but looser. "
         "As auto_LiRPA's default; usually the same verdict, about twice as fast on convolutional networks "
         "whose neurons are mostly stable, as fast as All bounds where many are unstable."));
  addWidget(bounds_);
  addSeparator();

  run_ = addAction(QIcon::fromTheme(QStringLiteral("media-playback-start")), tr("Run"), this, &RunBar::runRequested);
  run_->setShortcut(QKeySequence(Qt::Key_F5));
  run_->setToolTip(tr("Certify the current spec on the network (F5)"));
  cancel_ = addAction(QIcon::fromTheme(QStringLiteral("process-stop")), tr("Cancel"), this, &RunBar::cancelRequested);
  cancel_->setEnabled(false);
  live_ = new QCheckBox(tr("Live"), this);
  live_->setToolTip(tr("Re-run after each edit (once typing pauses)"));
  addWidget(live_);
  progress_ = new QProgressBar(this);
  progress_->setMaximumWidth(140);
  progress_->setFormat(tr("layer %v/%m"));
  progressAction_ = addWidget(progress_);  // a toolbar shows or hides its widgets through their actions
  progressAction_->setVisible(false);

  datasetPath_ = defaultDataset();
  connect(inputKind_, &QComboBox::currentIndexChanged, this, &RunBar::updateInputWidgets);
  connect(browse, &QToolButton::clicked, this, &RunBar::browseInput);
  connect(scaling_, &QToolButton::clicked, this, &RunBar::editScaling);
  showScaling();
  connect(live_, &QCheckBox::toggled, this, &RunBar::liveRerunToggled);
  connect(row_, &QSpinBox::valueChanged, this, &RunBar::inputChanged);
  connect(eps_, &QDoubleSpinBox::valueChanged, this, &RunBar::choicesChanged);
  connect(bounds_, &QComboBox::currentIndexChanged, this, &RunBar::choicesChanged);
  updateInputWidgets();
}

void RunBar::setNetwork(std::shared_ptr<const cert::Network> network, const QString& path) {
  network_ = std::move(network);
  networkPath_ = network_ ? path : QString();
  emit networkSet();
  networkLabel_->setText(network_ ? QFileInfo(path).fileName() : tr("no network"));
  networkLabel_->setToolTip(path);
  // A bundled dataset whose rows do not fit the network (MNIST rows for a CIFAR-10 network) is
  // swapped for the bundled one whose rows do; a dataset the user chose is left as it is.
  const QStringList bundled = BundledFiles::datasets();
  const QString current = QFileInfo(datasetPath_).canonicalFilePath();
  const bool isBundled = std::any_of(bundled.begin(), bundled.end(),
                                     [&](const QString& p) { return QFileInfo(p).canonicalFilePath() == current; });
  if (!network_ || current.isEmpty() || !isBundled) return;
  const qint64 inputs = network_->inputSize();
  if (BundledFiles::datasetRowWidth(datasetPath_) == inputs) return;
  for (const QString& p : bundled)
    if (BundledFiles::datasetRowWidth(p) == inputs) {
      datasetPath_ = p;
      updateInputWidgets();
      return;
    }
}

RunInput RunBar::input() const {
  RunInput in;
  in.kind = inputKind_->currentIndex() == 1 ? RunInput::Kind::Vnnlib : RunInput::Kind::Dataset;
  in.path = in.kind == RunInput::Kind::Vnnlib ? vnnlibPath_ : datasetPath_;
  in.row = row_->value();
  in.pixelScale = pixelScale_;
  in.standardization = standardization_;
  return in;
}

void RunBar::setScaling(double pixelScale, const cert::ChannelStandardization& standardization) {
  pixelScale_ = pixelScale;
  standardization_ = standardization;
  showScaling();
  emit inputChanged();
}

void RunBar::editScaling() {
  if (scalingDialog_) return;
  auto* dialog = new InputScalingDialog(pixelScale_, standardization_, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  scalingDialog_ = dialog;
  connect(dialog, &QDialog::accepted, this, [this, dialog] { setScaling(dialog->pixelScale(), dialog->standardization()); });
  connect(dialog, &QObject::destroyed, this, [this] { scalingDialog_ = nullptr; });
  dialog->open();
}

void RunBar::showScaling() {
  const bool standardized = !standardization_.empty();
  scaling_->setText(standardized ? tr("×%1, standardized").arg(pixelScaleText(pixelScale_))
                                 : tr("×%1").arg(pixelScaleText(pixelScale_)));
  QString tip = tr("Dataset input scaling: each raw value × %1").arg(pixelScaleText(pixelScale_));
  if (standardized)
    tip += tr(", then (x - mean) / std per channel: mean %1, std %2")
               .arg(standardization_.mean.empty() ? QStringLiteral("0") : channelValuesText(standardization_.mean),
                    standardization_.std.empty() ? QStringLiteral("1") : channelValuesText(standardization_.std));
  scaling_->setToolTip(tip + tr(" (click to change)"));
}

void RunBar::setInput(const RunInput& input) {
  if (input.kind == RunInput::Kind::Vnnlib) vnnlibPath_ = input.path;
  else datasetPath_ = input.path;
  row_->setValue(input.row);
  inputKind_->setCurrentIndex(input.kind == RunInput::Kind::Vnnlib ? 1 : 0);
  updateInputWidgets();
}

double RunBar::eps() const { return eps_->value(); }
void RunBar::setEps(double eps) { eps_->setValue(eps); }
bool RunBar::epsAllowed(double eps) const { return eps >= eps_->minimum() && eps <= eps_->maximum(); }
bool RunBar::gpuSelected() const { return backend_->currentIndex() == 1; }

cert::IntermediateBounds RunBar::intermediate() const {
  return bounds_->currentIndex() == 1 ? cert::IntermediateBounds::ReluUnstable : cert::IntermediateBounds::All;
}

void RunBar::setIntermediate(cert::IntermediateBounds b) {
  bounds_->setCurrentIndex(b == cert::IntermediateBounds::ReluUnstable ? 1 : 0);
}
bool RunBar::liveRerun() const { return live_->isChecked(); }
void RunBar::setLiveRerun(bool on) { live_->setChecked(on); }

void RunBar::setRunning(bool running) {
  run_->setEnabled(!running);
  cancel_->setEnabled(running);
  progressAction_->setVisible(running);
  if (running) {
    progress_->setRange(0, 0);  // busy until the first layer reports
  }
}

void RunBar::setProgress(int layer, int layers) {
  progress_->setRange(0, layers);
  progress_->setValue(layer);
}

void RunBar::browseInput() {
  const bool vnnlib = inputKind_->currentIndex() == 1;
  const QString current = vnnlib ? vnnlibPath_ : datasetPath_;
  const QString path = QFileDialog::getOpenFileName(
      this, vnnlib ? tr("Open VNN-LIB Property") : tr("Open Dataset CSV"),
      DialogFolders::startFolder(this, QStringLiteral("input"), current.isEmpty() ? QString() : QFileInfo(current).absolutePath()),
      vnnlib ? tr("VNN-LIB (*.vnnlib);;All files (*)") : tr("CSV (*.csv);;All files (*)"));
  if (path.isEmpty()) return;
  DialogFolders::remember(this, QStringLiteral("input"), path);
  (vnnlib ? vnnlibPath_ : datasetPath_) = path;
  updateInputWidgets();
}

void RunBar::updateInputWidgets() {
  const bool vnnlib = inputKind_->currentIndex() == 1;
  const QString path = vnnlib ? vnnlibPath_ : datasetPath_;
  inputPath_->setText(path.isEmpty() ? tr("(choose a file)") : QFileInfo(path).fileName());
  inputPath_->setToolTip(path);
  rowAction_->setVisible(!vnnlib);
  scalingAction_->setVisible(!vnnlib);
  epsAction_->setVisible(!vnnlib);
  emit inputChanged();
}

}  // namespace cert::studio
