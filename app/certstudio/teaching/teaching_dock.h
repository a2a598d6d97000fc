// The Teaching dock: step the flow one layer at a time and follow one neuron's symbolic bounds
// through every back-substitution step.
#pragma once

#include <QDockWidget>

#include <memory>

#include "core/network/network.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableView;
class QTreeWidget;
class QTreeWidgetItem;

namespace cert::studio {

class TeachingModel;
class TermsTableModel;

/// Chooser (layer, neuron), Trace / Previous / Next layer, the headline with l/u, a tree of the
/// neuron's members and of each traverse with its steps, and the full term list of the row picked.
/// It runs nothing itself: traceRequested() asks for a run of layers 0..layer; the model's
/// changed() redraws.
class TeachingDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit TeachingDock(TeachingModel& model, QWidget* parent = nullptr);

  void setNetwork(std::shared_ptr<const cert::Network> network);
  /// Chooses `layer` (the Network dock's selection). Re-traces when a trace is already shown.
  void setLayer(int layer);
  int layer() const;
  void setNeuron(qint64 neuron);
  qint64 neuron() const;

  /// Asks for the trace of the chosen neuron (emits traceRequested()).
  void trace();
  /// Chooses the next (previous) layer and traces it: one step of the flow.
  void stepForward();
  void stepBack();

  QString headlineText() const;
  QTreeWidget* tree() const { return tree_; }
  TermsTableModel* terms() const { return terms_; }
  /// Selects the tree row (top-level `top`, child `child` or -1) as a click would.
  void activateRow(int top, int child = -1);

 signals:
  void traceRequested(int layer, qint64 neuron);
  /// A traverse or one of its steps was picked: its position in the spec.
  void sourceActivated(int line, int column);

 private:
  void refresh();
  void updateChooser();
  void onItemActivated(QTreeWidgetItem* item);
  /// Lists the terms of the row's form; the spec line of its traverse (0: none).
  int showTerms(QTreeWidgetItem* item);

  TeachingModel& model_;
  TermsTableModel* terms_ = nullptr;
  QComboBox* layer_ = nullptr;
  QSpinBox* neuron_ = nullptr;
  QPushButton* trace_ = nullptr;
  QPushButton* back_ = nullptr;
  QPushButton* next_ = nullptr;
  QLabel* headline_ = nullptr;
  QTreeWidget* tree_ = nullptr;
  QLabel* termsTitle_ = nullptr;
  QTableView* table_ = nullptr;
};

}  // namespace cert::studio
