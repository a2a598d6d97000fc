// Pinned runs to compare: any number, each labelled by spec, network, input and eps.
#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>

#include <vector>

#include "app/certstudio/run/run_job.h"

namespace cert::studio {

/// One pinned run: its bounds per layer and what it was run on.
struct PinnedRun {
  QString label;       ///< "deeppoly.cf · mlp_784_50_50_10 · mnist_10.csv row 0 · eps 0.01" (unique)
  QString shortLabel;  ///< "deeppoly.cf", "deeppoly.cf (2)" for a second pin of the same spec (unique)
  QStringList layerNames;
  std::vector<cert::LayerBoundsResult> layers;
};

/// The pinned runs, in pin order, and the baseline the ratios divide by.
class ComparisonSet : public QObject {
  Q_OBJECT

 public:
  explicit ComparisonSet(QObject* parent = nullptr);

  /// Pins a Done outcome; returns its index, or -1 for any other outcome. A label already taken
  /// gets " (2)", " (3)", ... so every pin is told apart.
  int pin(const RunOutcome& outcome);
  void remove(int index);
  void clear();
  /// The run the ratios divide by (0 by default; clamped to the runs).
  void setBaseline(int index);
  int baseline() const { return runs_.empty() ? -1 : baseline_; }

  int size() const { return static_cast<int>(runs_.size()); }
  const PinnedRun& run(int index) const { return runs_[static_cast<size_t>(index)]; }
  /// The most layers of any run (runs on other networks may have fewer).
  int layerCount() const;
  /// The name of `layer` in the first run that has it.
  QString layerName(int layer) const;
  /// Mean / max of u - l over the neurons of `layer` in run `index`; NaN when it has no such layer.
  double meanWidth(int index, int layer) const;
  double maxWidth(int index, int layer) const;
  /// meanWidth(index, layer) / meanWidth(baseline, layer); NaN when either is missing or 0.
  double ratio(int index, int layer) const;
  /// `layer,name`, then per run `mean width [LABEL]`, `max width [LABEL]`, `mean / baseline
  /// [LABEL]`: one line per layer, full precision, empty cells where a run has no such layer.
  QByteArray csv() const;

  /// The label of a run: spec, network, input (file, row), eps (datasets only).
  static QString labelOf(const RunOutcome& outcome);

 signals:
  void changed();

 private:
  std::vector<PinnedRun> runs_;
  int baseline_ = 0;
};

}  // namespace cert::studio
