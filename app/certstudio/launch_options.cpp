// parseLaunchOptions: QCommandLineParser without process(), so tests can call it.
#include "app/certstudio/launch_options.h"

#include <QCommandLineParser>
#include <QObject>

namespace cert::studio {

LaunchOptions parseLaunchOptions(const QStringList& args) {
  LaunchOptions out;
  QCommandLineParser parser;
  parser.setApplicationDescription(QObject::tr("CertStudio: an IDE for designing DNN certifiers in ConstraintFlow."));
  const QCommandLineOption help = parser.addHelpOption();
  const QCommandLineOption version = parser.addVersionOption();
  const QCommandLineOption net(QStringLiteral("net"), QObject::tr("Load the ONNX network NET."), QStringLiteral("NET.onnx"));
  const QCommandLineOption shot(QStringLiteral("screenshot"),
                                QObject::tr("Save a PNG of the window to FILE once it settled, then quit."),
                                QStringLiteral("FILE"));
  const QCommandLineOption settle(QStringLiteral("settle"), QObject::tr("Milliseconds to wait before --screenshot."),
                                  QStringLiteral("MS"), QString::number(out.settleMs));
  parser.addOptions({net, shot, settle});
  parser.addPositionalArgument(QStringLiteral("SPEC.cf"), QObject::tr("A spec to open."), QStringLiteral("[SPEC.cf]"));
  out.helpText = parser.helpText();
  if (!parser.parse(args)) {
    out.error = parser.errorText();
    return out;
  }
  out.helpRequested = parser.isSet(help);
  out.versionRequested = parser.isSet(version);
  out.networkPath = parser.value(net);
  out.screenshotPath = parser.value(shot);
  bool ok = false;
  out.settleMs = parser.value(settle).toInt(&ok);
  if (!ok || out.settleMs < 0) out.error = QObject::tr("--settle needs a number of milliseconds");
  const QStringList positional = parser.positionalArguments();
  if (positional.size() > 1) out.error = QObject::tr("at most one SPEC.cf may be given");
  if (!positional.isEmpty()) out.specPath = positional.front();
  return out;
}

}  // namespace cert::studio
