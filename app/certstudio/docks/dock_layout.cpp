// DockLayout: tabifying the docks into two groups and capping their minimum sizes.
#include "app/certstudio/docks/dock_layout.h"

#include <QDockWidget>
#include <QEvent>
#include <QMainWindow>
#include <QTabWidget>
#include <QTimer>

#include <algorithm>
#include <functional>

#include "app/certstudio/docks/dock_registry.h"

namespace cert::studio {
namespace {

QList<QDockWidget*> present(const DockRegistry& docks, const QStringList& names) {
  QList<QDockWidget*> out;
  for (const QString& n : names)
    if (QDockWidget* d = docks.find(n)) out << d;
  return out;
}

void tabify(QMainWindow& window, const QList<QDockWidget*>& group, Qt::DockWidgetArea area) {
  if (group.isEmpty()) return;
  for (QDockWidget* d : group) {
    d->setFloating(false);
    window.addDockWidget(area, d);
  }
  for (int i = 1; i < group.size(); ++i) window.tabifyDockWidget(group.front(), group[i]);
  group.front()->raise();
}

/// Calls `then` once, when `window` is first shown, and deletes itself.
class OnFirstShow : public QObject {
 public:
  OnFirstShow(QWidget& window, std::function<void()> then) : QObject(&window), then_(std::move(then)) {
    window.installEventFilter(this);
  }
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() == QEvent::Show) {
      watched->removeEventFilter(this);
      then_();
      deleteLater();
    }
    return false;
  }

 private:
  std::function<void()> then_;
};

}  // namespace

QStringList DockLayout::rightGroup() {
  // Batch sits here, beside the editor: clicking an item shows its bounds in the bottom group's
  // Bounds tab, with the table still in view.
  return {QStringLiteral("NetworkDock"), QStringLiteral("IrDock"), QStringLiteral("ShapesDock"), QStringLiteral("BatchDock")};
}

QStringList DockLayout::bottomGroup() {
  return {QStringLiteral("ProblemsDock"), QStringLiteral("BoundsDock"), QStringLiteral("TeachingDock"),
          QStringLiteral("SparsityDock"), QStringLiteral("SoundnessDock"), QStringLiteral("CompareDock")};
}

void DockLayout::capMinimumSizes(const DockRegistry& docks) {
  for (QDockWidget* d : docks.docks()) {
    QWidget* content = d->widget();
    if (!content) continue;
    const QSize hint = content->minimumSizeHint();
    const bool right = rightGroup().contains(d->objectName());
    // An explicit minimum overrides the hint; keep it no larger than the group can afford.
    content->setMinimumSize(right ? std::min(hint.width(), kMaxSideMinWidth) : std::min(hint.width(), 600),
                            right ? std::min(hint.height(), 240) : std::min(hint.height(), kMaxBottomMinHeight));
  }
}

void DockLayout::apply(QMainWindow& window, const DockRegistry& docks) {
  window.setTabPosition(Qt::AllDockWidgetAreas, QTabWidget::North);
  capMinimumSizes(docks);
  const QList<QDockWidget*> right = present(docks, rightGroup());
  const QList<QDockWidget*> bottom = present(docks, bottomGroup());
  tabify(window, right, Qt::RightDockWidgetArea);
  tabify(window, bottom, Qt::BottomDockWidgetArea);
  // Docks outside both groups (added later by other features) join the bottom group.
  for (QDockWidget* d : docks.docks())
    if (!right.contains(d) && !bottom.contains(d) && !bottom.isEmpty() && window.dockWidgetArea(d) == Qt::BottomDockWidgetArea)
      window.tabifyDockWidget(bottom.front(), d);
  if (!bottom.isEmpty()) bottom.front()->raise();
  // The bottom group spans the whole width (a Teaching or Bounds tab gets room); the right group
  // sits beside the editor only.
  window.setCorner(Qt::BottomLeftCorner, Qt::BottomDockWidgetArea);
  window.setCorner(Qt::BottomRightCorner, Qt::BottomDockWidgetArea);
}

void DockLayout::sizeGroupsOnceShown(QMainWindow& window, const DockRegistry& docks) {
  const QList<QDockWidget*> right = present(docks, rightGroup());
  const QList<QDockWidget*> bottom = present(docks, bottomGroup());
  // resizeDocks before show() is lost: size the groups once the window is shown, at its size then.
  auto size = [&window, right, bottom] {
    const QSize at = window.size();
    if (!right.isEmpty())
      window.resizeDocks({right.front()}, {std::clamp(at.width() * 38 / 100, 380, 640)}, Qt::Horizontal);
    if (!bottom.isEmpty())
      window.resizeDocks({bottom.front()}, {std::clamp(at.height() * 40 / 100, 220, 420)}, Qt::Vertical);
  };
  if (window.isVisible()) {
    size();
    return;
  }
  new OnFirstShow(window, [&window, size] { QTimer::singleShot(0, &window, size); });
}

}  // namespace cert::studio
