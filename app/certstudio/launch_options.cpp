// parseLaunchOptions: QCommandLineParser without process(), so tests can call it.
#include "app/certstudio/launch_options.h"

#include <QCommandLineParser>
#include <QObject>

#include <optional>

#include "runtime/executor.h"

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
  const QCommandLineOption run(QStringLiteral("run"), QObject::tr("Start a run once the network has loaded."));
  const QCommandLineOption layer(QStringLiteral("layer"), QObject::tr("Show layer N in the Bounds and Shapes docks."),
                                 QStringLiteral("N"));
  const QCommandLineOption cursor(QStringLiteral("cursor"), QObject::tr("Put the editor cursor on the first TEXT."),
                                  QStringLiteral("TEXT"));
  const QCommandLineOption dock(QStringLiteral("dock"),
                                QObject::tr("--screenshot grabs only the dock (or window, e.g. LanguageReference) NAME."),
                                QStringLiteral("NAME"));
  const QCommandLineOption type(QStringLiteral("type"),
                                QObject::tr("Type TEXT at the cursor once the spec was checked (opens completion)."),
                                QStringLiteral("TEXT"));
  const QCommandLineOption trace(QStringLiteral("trace"),
                                 QObject::tr("Trace neuron N of the --layer layer in the Teaching dock."),
                                 QStringLiteral("N"));
  const QCommandLineOption dockSize(QStringLiteral("dock-size"),
                                    QObject::tr("With --dock: float the dock at WxH pixels for the screenshot."),
                                    QStringLiteral("WxH"));
  const QCommandLineOption soundness(QStringLiteral("check-soundness"),
                                     QObject::tr("Run (as --run), then Check Soundness on the run's input."));
  const QCommandLineOption prove(QStringLiteral("prove"), QObject::tr("Prove the spec's rules (z3) once it opened."));
  const QCommandLineOption batch(QStringLiteral("batch"),
                                 QObject::tr("Run a batch over rows FIRST:COUNT (or all) of the dataset."), QStringLiteral("ROWS"));
  const QCommandLineOption compare(QStringLiteral("compare"),
                                   QObject::tr("Run each spec of a comma-separated list and pin it in Compare."),
                                   QStringLiteral("SPECS"));
  const QCommandLineOption find(QStringLiteral("find"), QObject::tr("Open the find bar with TEXT (Ctrl+F) and select its first match."),
                               QStringLiteral("TEXT"));
  const QCommandLineOption reference(QStringLiteral("reference"),
                                     QObject::tr("Open the language reference at WORD's entry (as F1 on WORD)."),
                                     QStringLiteral("WORD"));
  const QCommandLineOption raise(QStringLiteral("raise"),
                                 QObject::tr("Bring the dock NAME (e.g. TeachingDock) to the front of its tabs; repeatable."),
                                 QStringLiteral("NAME"));
  const QCommandLineOption intermediate(
      QStringLiteral("intermediate"),
      QObject::tr("all (default) or relu-unstable: the Run bar's bounds (relu-unstable: back-substitution only for "
                  "unstable Relu inputs and the margins, as certc run --intermediate)."),
      QStringLiteral("MODE"));
  parser.addOptions({net, shot, settle, run, layer, cursor, dock, type, trace, dockSize, soundness, prove, batch, compare,
                     find, reference, raise, intermediate});
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
  out.checkSoundness = parser.isSet(soundness);
  out.run = parser.isSet(run) || out.checkSoundness;
  out.prove = parser.isSet(prove);
  if (parser.isSet(layer)) {
    out.layer = parser.value(layer).toInt(&ok);
    if (!ok || out.layer < 0) out.error = QObject::tr("--layer needs a layer index");
  }
  if (parser.isSet(trace)) {
    out.traceNeuron = parser.value(trace).toLongLong(&ok);
    if (!ok || out.traceNeuron < 0) out.error = QObject::tr("--trace needs a neuron index");
    else if (out.layer < 0) out.error = QObject::tr("--trace needs --layer");
  }
  out.cursorText = parser.value(cursor);
  out.dockName = parser.value(dock);
  if (parser.isSet(dockSize)) {
    const QStringList wh = parser.value(dockSize).split(QLatin1Char('x'));
    bool okW = false, okH = false;
    if (wh.size() == 2) out.dockSize = QSize(wh[0].toInt(&okW), wh[1].toInt(&okH));
    if (!okW || !okH || out.dockSize.width() < 50 || out.dockSize.height() < 50)
      out.error = QObject::tr("--dock-size needs WxH, e.g. 900x560");
    else if (out.dockName.isEmpty()) out.error = QObject::tr("--dock-size needs --dock");
  }
  out.typeText = parser.value(type);
  out.batchRows = parser.value(batch);
  if (parser.isSet(compare)) out.compareSpecs = parser.value(compare).split(QLatin1Char(','), Qt::SkipEmptyParts);
  out.findText = parser.value(find);
  out.referenceWord = parser.value(reference);
  out.raiseDocks = parser.values(raise);
  if (parser.isSet(intermediate)) {
    const std::optional<cert::IntermediateBounds> mode = cert::intermediateBoundsNamed(parser.value(intermediate).toStdString());
    if (!mode) out.error = QObject::tr("--intermediate needs all or relu-unstable");
    out.intermediate = mode;
  }
  const QStringList positional = parser.positionalArguments();
  if (positional.size() > 1) out.error = QObject::tr("at most one SPEC.cf may be given");
  if (!positional.isEmpty()) out.specPath = positional.front();
  return out;
}

bool asksForTextOnly(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const QLatin1String a(argv[i]);
    if (a == QLatin1String("--")) return false;  // what follows is a file name
    if (a == QLatin1String("-h") || a == QLatin1String("--help") ||
        a == QLatin1String("-?") || a == QLatin1String("-v") || a == QLatin1String("--version"))
      return true;
  }
  return false;
}

}  // namespace cert::studio
