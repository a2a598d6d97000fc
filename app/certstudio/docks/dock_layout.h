// The docks' first-start arrangement: tab groups that fit a 1280x800 screen and use a 1600x1000 one.
#pragma once

#include <QList>
#include <QString>

class QDockWidget;
class QMainWindow;

namespace cert::studio {

class DockRegistry;

/// The default layout. Right of the editor, one tab group: Network (in front), IR, Shapes.
/// Below, one full-width tab group: Problems (in front), Bounds, Teaching, Sparsity, Soundness.
/// Docks get minimum sizes that let the window shrink to 1280x800 with every dock reachable.
struct DockLayout {
  /// Object names of the right-hand group, front tab first.
  static QStringList rightGroup();
  /// Object names of the bottom group, front tab first.
  static QStringList bottomGroup();
  /// Largest minimum width of a right-hand dock, and height of a bottom one.
  static constexpr int kMaxSideMinWidth = 300;
  static constexpr int kMaxBottomMinHeight = 160;

  /// Tabifies the registered docks into the two groups (the bottom one full width).
  static void apply(QMainWindow& window, const DockRegistry& docks);
  /// Gives the groups sizes in proportion to the window once it is shown (the right group about
  /// 38 % of the width, the bottom one 40 % of the height). Not for a restored layout.
  static void sizeGroupsOnceShown(QMainWindow& window, const DockRegistry& docks);
  /// Caps every dock's minimum size so the groups fit small screens (widgets inside scroll or
  /// squeeze instead of pushing the window wider).
  static void capMinimumSizes(const DockRegistry& docks);
};

}  // namespace cert::studio
