// The Shapes dock: each IR value of the rule under the editor cursor with its inferred shape and,
// with a network layer selected, its concrete sizes.
#pragma once

#include <QDockWidget>

#include <memory>
#include <optional>
#include <string>

#include "compiler/ir/ir.h"
#include "core/network/network.h"

class QLabel;
class QTreeWidget;

namespace cert::studio {

/// Rows: `%id`, the op, `float[batch*, curr, prev]` (`*` = broadcast frame), the concrete sizes
/// for the selected layer (batch 1, curr = layer size, prev = input size or pooling window), and
/// the source text the value came from.
class ShapesDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit ShapesDock(QWidget* parent = nullptr);

  /// Shows the rule containing byte `offset` of `text` (keeps the last rule when outside any).
  void setSource(const std::string& text, int offset);
  void setNetwork(std::shared_ptr<const cert::Network> network);
  void setLayer(int layer);
  int layer() const { return layer_; }

  /// "deeppoly.Affine" or empty.
  QString ruleName() const { return rule_; }
  /// The heading: the rule, and the layer whose sizes are shown or why there are none (the
  /// selected layer runs another rule).
  QString headerText() const;
  /// True when the selected layer runs the rule shown (the Sizes column is filled).
  bool sizesShown() const { return matches_; }
  int rowCount() const;
  /// Column `column` of top-level row `row` (0 value, 1 op, 2 shape, 3 concrete, 4 source).
  QString cell(int row, int column) const;

 signals:
  void sourceRangeActivated(const cert::SourceRange& range);

 private:
  void rebuild();

  std::string text_;
  int offset_ = -1;
  std::optional<cert::ir::Program> program_;  ///< the last rule the cursor was in
  std::string programText_;                   ///< the text it was lowered from
  QString rule_;
  std::shared_ptr<const cert::Network> network_;
  int layer_ = -1;
  bool matches_ = false;
  QLabel* header_ = nullptr;
  QTreeWidget* tree_ = nullptr;
};

}  // namespace cert::studio
