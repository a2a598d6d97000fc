// DockRegistry: naming, placing and listing docks.
#include "app/certstudio/docks/dock_registry.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>

namespace cert::studio {

DockRegistry::DockRegistry(QMainWindow& window, QMenu& viewMenu) : window_(window), viewMenu_(viewMenu) {}

QDockWidget* DockRegistry::add(QDockWidget* dock, Qt::DockWidgetArea area, const QString& objectName) {
  dock->setObjectName(objectName);
  dock->setParent(&window_);
  window_.addDockWidget(area, dock);
  viewMenu_.addAction(dock->toggleViewAction());
  docks_ << dock;
  if (restored_) window_.restoreDockWidget(dock);
  return dock;
}

QDockWidget* DockRegistry::find(const QString& objectName) const {
  for (QDockWidget* d : docks_)
    if (d->objectName() == objectName) return d;
  return nullptr;
}

}  // namespace cert::studio
