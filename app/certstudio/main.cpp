// certstudio: the IDE's entry point (arguments, application names, the main window).
#include <QApplication>
#include <QDockWidget>
#include <QTimer>

#include <algorithm>
#include <cstdio>

#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/launch_options.h"
#include "app/certstudio/launch_script.h"
#include "app/certstudio/main_window.h"

namespace {

/// Saves a PNG of the window (or of one dock) after `settleMs` (docks laid out, network loaded),
/// then quits.
void scheduleScreenshot(cert::studio::MainWindow& window, const QString& path, int settleMs, const QString& dock) {
  QTimer::singleShot(settleMs, &window, [&window, path, dock] {
    QWidget* target = &window;
    if (!dock.isEmpty())
      if (auto* d = window.findChild<QWidget*>(dock)) target = d;  // a dock, or a window such as LanguageReference
    const bool ok = target->grab().save(path, "PNG");
    std::fprintf(ok ? stdout : stderr, "%s %s\n", ok ? "screenshot saved to" : "cannot save screenshot to",
                 qPrintable(path));
    QCoreApplication::exit(ok ? 0 : 1);
  });
}

/// Prints --help / --version / an argument error and returns the exit code, or -1 to go on.
int answerWithoutWindow(const cert::studio::LaunchOptions& options) {
  if (!options.error.isEmpty()) {
    std::fprintf(stderr, "certstudio: %s\n\n%s", qPrintable(options.error), qPrintable(options.helpText));
    return 2;
  }
  if (options.helpRequested) {
    std::printf("%s", qPrintable(options.helpText));
    return 0;
  }
  if (options.versionRequested) {
    std::printf("certstudio %s\n", CERTSTUDIO_VERSION);
    return 0;
  }
  return -1;
}

void setApplicationNames() {
  QCoreApplication::setOrganizationName(QStringLiteral("CertStudio"));
  QCoreApplication::setApplicationName(QStringLiteral("certstudio"));
  QCoreApplication::setApplicationVersion(QStringLiteral(CERTSTUDIO_VERSION));
}

}  // namespace

int main(int argc, char** argv) {
  // --help and --version answer before QApplication exists: they must work without a display.
  if (cert::studio::asksForTextOnly(argc, argv)) {
    QCoreApplication core(argc, argv);
    setApplicationNames();
    return std::max(0, answerWithoutWindow(cert::studio::parseLaunchOptions(QCoreApplication::arguments())));
  }
  QApplication app(argc, argv);
  setApplicationNames();
  QApplication::setApplicationDisplayName(QStringLiteral("CertStudio"));
  QApplication::setDesktopFileName(QStringLiteral("certstudio"));

  const cert::studio::LaunchOptions options = cert::studio::parseLaunchOptions(QApplication::arguments());
  if (const int rc = answerWithoutWindow(options); rc >= 0) return rc;

  cert::studio::MainWindow window;
  window.show();
  window.startUp(options.specPath, options.networkPath);
  cert::studio::applyLaunchScript(window, options);
  for (const QString& name : options.raiseDocks)
    if (auto* d = window.findChild<QDockWidget*>(name)) {
      d->show();
      d->raise();
    }
  if (!options.dockName.isEmpty())
    if (auto* d = window.findChild<QDockWidget*>(options.dockName)) {  // a tabbed dock: bring it to the front
      d->show();
      d->raise();
      if (!options.dockSize.isEmpty()) {  // room for a screenshot of the dock alone
        d->setFloating(true);
        d->resize(options.dockSize);
      }
    }
  if (!options.screenshotPath.isEmpty())
    scheduleScreenshot(window, options.screenshotPath, options.settleMs, options.dockName);
  return app.exec();
}
