// Shared by the app tests that open the main window: options that keep its settings and recovery
// files in a test's temporary folder, without interactive prompts.
#pragma once

#include <QSignalSpy>
#include <QString>
#include <QTemporaryDir>

#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/main_window.h"

namespace cert::studio::test {

inline MainWindowOptions isolatedWindowOptions(const QTemporaryDir& dir) {
  MainWindowOptions o;
  o.settingsFile = dir.filePath(QStringLiteral("settings.ini"));
  o.recoveryDir = dir.filePath(QStringLiteral("recovery"));
  o.interactive = false;
  return o;
}

/// Loads the network at `path` in the window's Network dock as the user's Open does; true once it
/// loaded, false when it was refused or did not finish within 30 s.
inline bool loadNetwork(MainWindow& w, const QString& path) {
  QSignalSpy finished(w.networkDock(), &NetworkDock::loadFinished);
  w.loadNetwork(path);
  return finished.wait(30000) && finished.takeFirst().at(0).toBool();
}

}  // namespace cert::studio::test
