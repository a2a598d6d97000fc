// The IR dock: the compiled program of a chosen (transformer, operator), after each pass, linked
// both ways to the spec text.
#pragma once

#include <QDockWidget>

#include <string>
#include <vector>

#include "app/certstudio/ir/ir_listing.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;

namespace cert::studio {

/// Shows irStages() of the chosen rule. Activating a line (a click) emits sourceRangeActivated()
/// with its instruction's origin; setSourceOffset() highlights the lines whose origin contains the
/// editor's cursor. Lines the selected pass changed are tinted green.
class IrDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit IrDock(QWidget* parent = nullptr);

  /// Re-reads the spec's rules and recompiles the chosen one (keeping the choice when it exists).
  void setSpecText(const std::string& text);
  /// Chooses a rule; false when the spec has no such rule.
  bool selectRule(const QString& transformer, const QString& op);
  /// Chooses a stage by index (0 = lowered, last = optimized).
  void selectStage(int stage);
  int stageCount() const { return static_cast<int>(stages_.size()); }
  QStringList stageNames() const;

  /// The shown IR text and its per-line origins.
  QString irText() const;
  const IrListing* listing() const;
  /// Acts as a click on 0-based `line` of the shown IR.
  void activateLine(int line);
  /// Highlights the IR lines whose origin contains byte `offset` of the spec; returns them.
  std::vector<int> setSourceOffset(int offset);
  const std::vector<int>& highlightedLines() const { return highlighted_; }
  /// Lines the shown stage changed.
  std::vector<int> changedLines() const;

 signals:
  void sourceRangeActivated(const cert::SourceRange& range);

 private:
  void fillRules();
  void compileChosen();
  void showStage();
  void applySelections();
  void onCursorMoved();

  std::string text_;
  std::vector<SpecRules> rules_;
  std::vector<IrStage> stages_;
  std::vector<int> highlighted_;
  QComboBox* transformer_ = nullptr;
  QComboBox* op_ = nullptr;
  QComboBox* stage_ = nullptr;
  QLabel* status_ = nullptr;
  QPlainTextEdit* view_ = nullptr;
  bool filling_ = false;
};

}  // namespace cert::studio
