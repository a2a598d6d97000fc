// The command line: certstudio [SPEC.cf] [--net NET.onnx] [--screenshot FILE [--settle MS]].
#pragma once

#include <QString>
#include <QStringList>

namespace cert::studio {

/// What the command line asked for.
struct LaunchOptions {
  QString specPath;        ///< positional SPEC.cf
  QString networkPath;     ///< --net
  QString screenshotPath;  ///< --screenshot: grab the window once it settled, save, quit
  int settleMs = 2500;     ///< --settle: how long to wait before the screenshot
  QString error;           ///< set when the arguments are invalid
  bool helpRequested = false;
  bool versionRequested = false;
  QString helpText;
};

/// Parses arguments (args[0] is the program). Never exits the process.
LaunchOptions parseLaunchOptions(const QStringList& args);

}  // namespace cert::studio
