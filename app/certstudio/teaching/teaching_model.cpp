// TeachingModel: the traced neuron's outcome and how its parts are worded.
#include "app/certstudio/teaching/teaching_model.h"

#include "app/certstudio/teaching/symbolic_text.h"

#include <algorithm>

namespace cert::studio {

TeachingModel::TeachingModel(QObject* parent) : QObject(parent) {}

void TeachingModel::setNetwork(std::shared_ptr<const cert::Network> network) {
  network_ = std::move(network);
  clear();
}

void TeachingModel::setRunning(int layer, qint64 neuron) {
  running_ = true;
  layer_ = layer;
  neuron_ = neuron;
  emit changed();
}

void TeachingModel::setOutcome(const RunOutcome& outcome) {
  running_ = false;
  outcome_ = outcome;
  hasOutcome_ = true;
  if (outcome.item.trace) {
    layer_ = outcome.item.trace->layer;
    neuron_ = outcome.item.trace->neuron;
  }
  emit changed();
}

void TeachingModel::clear() {
  outcome_ = {};
  hasOutcome_ = false;
  running_ = false;
  emit changed();
}

const cert::NeuronTrace* TeachingModel::trace() const {
  if (!hasOutcome_ || outcome_.state != RunOutcome::State::Done || !outcome_.item.trace) return nullptr;
  return &*outcome_.item.trace;
}

bool TeachingModel::bounds(double* lower, double* upper) const {
  if (!trace() || layer_ < 0 || layer_ >= static_cast<int>(outcome_.item.layers.size())) return false;
  const cert::LayerBoundsResult& b = outcome_.item.layers[static_cast<size_t>(layer_)];
  if (neuron_ < 0 || neuron_ >= b.lower.size()) return false;
  *lower = b.lower[neuron_];
  *upper = b.upper[neuron_];
  return true;
}

QString TeachingModel::layerTitle(int layer) const {
  if (!network_ || layer < 0 || layer >= static_cast<int>(network_->layers.size())) return tr("Layer %1").arg(layer);
  const cert::Layer& l = network_->layers[static_cast<size_t>(layer)];
  return tr("Layer %1 '%2' (%3)").arg(layer).arg(QString::fromStdString(l.name), QString::fromLatin1(cert::layerOpName(l.op)));
}

QString TeachingModel::headline() const {
  if (running_)
    return tr("Running layers 0..%1 to trace neuron %2 of %3…").arg(layer_).arg(neuron_).arg(layerTitle(layer_).toHtmlEscaped());
  if (!hasOutcome_)
    return tr("Choose a layer (select it in the Network dock) and a neuron, then press <b>Trace</b>; "
              "<b>Next layer</b> steps the flow one layer at a time.");
  if (outcome_.state == RunOutcome::State::Cancelled) return tr("The run was cancelled.");
  if (outcome_.state == RunOutcome::State::Failed) return outcome_.summary().toHtmlEscaped();
  if (!outcome_.item.trace)
    return tr("The run of layers 0..%1 finished but recorded no trace for neuron %2 (this runtime does not record traces yet).")
        .arg(layer_).arg(neuron_);
  const int total = network_ ? static_cast<int>(network_->layers.size()) : 0;
  QString text = tr("<b>%1, neuron %2</b>").arg(layerTitle(layer_).toHtmlEscaped()).arg(neuron_);
  double lo = 0, hi = 0;
  if (bounds(&lo, &hi))
    text += tr(" — l = %1, u = %2").arg(QString::fromStdString(formatNumber(lo)), QString::fromStdString(formatNumber(hi)));
  text += tr("<br><span style='color:#666'>bounds of a run of layers 0..%1 of %2 (%3, %4 ms)</span>")
              .arg(layer_)
              .arg(total - 1)
              .arg(outcome_.specName.toHtmlEscaped())
              .arg(outcome_.runMs, 0, 'f', 1);
  return text;
}

QString TeachingModel::formText(const cert::SymbolicForm& form, int maxTerms) const {
  return QString::fromStdString(formatForm(form, network_.get(), maxTerms));
}

QString TeachingModel::traverseLabel(int traversal) const {
  const cert::NeuronTrace* t = trace();
  if (!t || traversal < 0 || traversal >= static_cast<int>(t->traversals.size())) return {};
  const cert::TraversalTrace& tr_ = t->traversals[static_cast<size_t>(traversal)];
  const int steps = static_cast<int>(tr_.forms.size()) - 1;
  QString text = tr("traverse %1").arg(traversal + 1);
  if (tr_.line > 0) text += tr(" at %1:%2").arg(tr_.line).arg(tr_.column);
  return text + (steps == 1 ? tr(" — 1 step") : tr(" — %1 steps").arg(std::max(steps, 0)));
}

QString TeachingModel::stepLabel(int traversal, int form) const {
  const cert::NeuronTrace* t = trace();
  if (!t || traversal < 0 || traversal >= static_cast<int>(t->traversals.size())) return {};
  if (form == 0) return tr("start");
  const cert::TraversalTrace& tr_ = t->traversals[static_cast<size_t>(traversal)];
  QString text = tr("step %1").arg(form);
  if (form - 1 < static_cast<int>(tr_.replaced.size()))
    text += tr(": replaced %1").arg(QString::fromStdString(layerList(tr_.replaced[static_cast<size_t>(form - 1)], network_.get())));
  return text;
}

}  // namespace cert::studio
