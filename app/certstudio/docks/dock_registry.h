// The main window's docks by name: where later docks (IR, Shapes, Bounds, Sparsity) plug in.
#pragma once

#include <QList>
#include <QString>
#include <Qt>

class QDockWidget;
class QMainWindow;
class QMenu;

namespace cert::studio {

/// Adds docks to a main window under a stable object name (so saveState/restoreState keep their
/// place) and lists each in the View menu. A dock added after the layout was restored gets its
/// saved place too.
class DockRegistry {
 public:
  DockRegistry(QMainWindow& window, QMenu& viewMenu);

  /// Takes `dock` (the window owns it), names it `objectName`, docks it in `area`.
  QDockWidget* add(QDockWidget* dock, Qt::DockWidgetArea area, const QString& objectName);
  /// The dock called `objectName`, or null.
  QDockWidget* find(const QString& objectName) const;
  QList<QDockWidget*> docks() const { return docks_; }
  /// Call once the saved layout was applied.
  void markRestored() { restored_ = true; }

 private:
  QMainWindow& window_;
  QMenu& viewMenu_;
  QList<QDockWidget*> docks_;
  bool restored_ = false;
};

}  // namespace cert::studio
