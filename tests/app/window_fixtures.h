// Shared by the app tests that open the main window: options that keep its settings and recovery
// files in a test's temporary folder, without interactive prompts.
#pragma once

#include <QString>
#include <QTemporaryDir>

#include "app/certstudio/main_window.h"

namespace cert::studio::test {

inline MainWindowOptions isolatedWindowOptions(const QTemporaryDir& dir) {
  MainWindowOptions o;
  o.settingsFile = dir.filePath(QStringLiteral("settings.ini"));
  o.recoveryDir = dir.filePath(QStringLiteral("recovery"));
  o.interactive = false;
  return o;
}

}  // namespace cert::studio::test
