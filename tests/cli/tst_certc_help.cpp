// certc's help: `certc --help` lists every command, `certc COMMAND --help` (and `certc help
// COMMAND`) prints the command's options on stdout with exit 0, every option it lists is accepted
// and one it does not list is refused.
#include <QtTest>

#include <map>

#include "tests/support/certc_process.h"

using namespace cert::test;

namespace {

const QStringList kCommands = {"net", "eval", "check", "fmt", "compile", "run", "soundness", "prove"};

/// An option of a help text: its name and whether it takes a value.
struct ListedOption {
  QString name;
  bool takesValue;
};

/// The options a help text lists ("  --name VALUE   text" or "  --flag   text").
QList<ListedOption> listedOptions(const QString& help) {
  QList<ListedOption> options;
  static const QRegularExpression line("^  --([a-z-]+)( [^ ])?");
  for (const QString& l : help.split('\n')) {
    const QRegularExpressionMatch m = line.match(l);
    if (m.hasMatch()) options.push_back({m.captured(1), !m.captured(2).isEmpty()});
  }
  return options;
}

/// A value each option accepts (the command then fails later, on its missing input file).
QString validValue(const QString& option) {
  static const std::map<QString, QString> values = {
      {"backend", "cpu"},      {"intermediate", "all"}, {"memory-limit", "1G"}, {"emit", "ir"},
      {"threads", "1"},        {"batch-size", "0"},     {"repeat", "1"},        {"samples", "5"},
      {"seed", "3"},           {"index", "0"},          {"count", "1"},         {"pixel-scale", "1"},
      {"eps", "0.01"},         {"timeout", "1"},        {"width", "2"},         {"transformer", "T"},
      {"op", "Relu"},          {"json", "/nonexistent/out.json"}, {"mean", "0.5"}, {"std", "0.25,0.5,0.25"}};
  const auto it = values.find(option);
  return it == values.end() ? "/nonexistent/" + option : it->second;
}

/// A call of `command` that reaches its input files (all missing), with --option added.
QStringList callWith(const QString& command, const ListedOption& option) {
  QStringList args{command};
  if (command == "run" || command == "soundness") {
    args << "/nonexistent/spec.cf" << "--net" << "/nonexistent/net.onnx" << "--eps" << "0.01";
    if (option.name != "vnnlib") args << "--data" << "/nonexistent/rows.csv";
  } else if (command == "net" || command == "eval") {
    args << "/nonexistent/net.onnx";
    if (command == "eval" && option.name != "data") args << "--data" << "/nonexistent/rows.csv";
  } else {
    args << "/nonexistent/spec.cf";
  }
  args.removeAll("");
  const int given = args.indexOf("--" + option.name);
  if (given >= 0) args.remove(given, 2);
  args << "--" + option.name;
  if (option.takesValue) args << validValue(option.name);
  return args;
}

}  // namespace

class TestCertcHelp : public QObject {
  Q_OBJECT

 private slots:
  void topLevelListsEveryCommand();
  void everyCommandHasHelp();
  void listedOptionsAreAcceptedOthersRefused();
  void helpWinsOverOtherArguments();
};

void TestCertcHelp::topLevelListsEveryCommand() {
  for (const char* flag : {"--help", "-h", "help"}) {
    const CertcRun r = runCertc({flag}, 30000);
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.startsWith("usage: certc <command>"));
    for (const QString& c : kCommands)
      QVERIFY2(r.out.contains(QRegularExpression("\n  " + c + " +[a-z]")), qPrintable(c + " missing in\n" + r.out));
  }
  const CertcRun none = runCertc({}, 30000);
  QCOMPARE(none.exitCode, 2);
  QVERIFY(none.err.startsWith("usage: certc <command>"));
  const CertcRun unknown = runCertc({"help", "certify"}, 30000);
  QCOMPARE(unknown.exitCode, 2);
  QVERIFY(unknown.err.contains("unknown command 'certify'"));
}

void TestCertcHelp::everyCommandHasHelp() {
  for (const QString& c : kCommands) {
    const CertcRun r = runCertc({c, "--help"}, 30000);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    QVERIFY2(r.out.startsWith("usage: certc " + c + " "), qPrintable(r.out));
    for (const QString& line : r.out.split('\n')) QVERIFY2(line.size() <= 100, qPrintable(c + ": " + line));
    QCOMPARE(runCertc({"help", c}, 30000).out, r.out);
    QCOMPARE(runCertc({c, "-h"}, 30000).out, r.out);
  }
  // What a user looks for: run's every option, with its value and what it does.
  const QString run = runCertc({"run", "--help"}, 30000).out;
  for (const char* option : {"--net NET.onnx", "--data FILE.csv", "--vnnlib FILE", "--eps E", "--threads N",
                             "--batch-size N", "--memory-limit SIZE", "--json OUT.json", "--no-prove", "--repeat N",
                             "--intermediate all|relu-unstable", "--profile", "--dense", "--backend cpu|cuda",
                             "--mean M[,M,M]", "--std S[,S,S]"})
    QVERIFY2(run.contains(QString("\n  ") + option), option);
  QCOMPARE(listedOptions(run).size(), 19);
  QCOMPARE(listedOptions(runCertc({"soundness", "--help"}, 30000).out).size(), 13);
  QVERIFY(listedOptions(runCertc({"check", "--help"}, 30000).out).isEmpty());
}

void TestCertcHelp::listedOptionsAreAcceptedOthersRefused() {
  for (const QString& c : kCommands) {
    const QString help = runCertc({c, "--help"}, 30000).out;
    // Each listed option gets past the option check: the call fails on its missing files (1).
    for (const ListedOption& o : listedOptions(help)) {
      const QStringList args = callWith(c, o);
      const CertcRun r = runCertc(args, 30000);
      QVERIFY2(r.exitCode == 1 && !r.err.contains("unknown option"),
               qPrintable(args.join(' ') + " -> " + QString::number(r.exitCode) + ": " + r.err));
    }
    // One not listed is a usage error (2).
    const QStringList args = callWith(c, {"no-such-option", true});
    const CertcRun r = runCertc(args, 30000);
    QVERIFY2(r.exitCode == 2, qPrintable(args.join(' ') + " -> " + QString::number(r.exitCode) + ": " + r.err));
  }
}

void TestCertcHelp::helpWinsOverOtherArguments() {
  // --help anywhere after the command: the help, nothing run, even with options that are wrong.
  const CertcRun r = runCertc({"run", "/nonexistent/spec.cf", "--eps", "-1", "--help", "--bogus"}, 30000);
  QCOMPARE(r.exitCode, 0);
  QVERIFY(r.out.startsWith("usage: certc run "));
  QVERIFY(r.err.isEmpty());
}

QTEST_GUILESS_MAIN(TestCertcHelp)
#include "tst_certc_help.moc"
