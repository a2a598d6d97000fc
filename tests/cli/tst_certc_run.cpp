// certc run on a bundled network: the JSON report's margins equal the reference DeepPoly's.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "core/network/onnx_import.h"
#include "core/property/dataset_csv.h"
#include "tests/support/reference_deeppoly.h"
#include "tests/support/test_paths.h"

using namespace cert;
using namespace cert::test;

class TestCertcRun : public QObject {
  Q_OBJECT

 private slots:
  void deeppolyMarginsMatchReference();
  void cudaBackendIsAClearError();
  void standardizesRowsPerChannel();
  void profileListsTheRuleInstructionsByTime();
  void batchSizeKeepsTheItemRows();
  void intermediateReluUnstable();
  void refutedRulesWithholdVerdicts();
  void refutedBackwardRulesWithholdVerdicts();
};

namespace {

/// certc's stdout lines (empty when it failed).
QStringList certcLines(const QStringList& a) {
  QProcess p;
  p.start(QString::fromStdString(certcBinary()), a);
  if (!p.waitForFinished(120000) || p.exitCode() != 0) return QStringList{};
  return QString::fromUtf8(p.readAllStandardOutput()).split('\n');
}

/// certc run SPEC on the bundled 784-50-50-10 MLP over the first `count` rows of mnist_10.csv at
/// eps 0.005, with `extra` options: its output lines.
QStringList runOnBundledMlp(const QString& specPath, int count, const QStringList& extra) {
  return certcLines(QStringList{"run", specPath, "--net",
                                QString::fromStdString(sourcePath("resources/networks/mlp_784_50_50_10.onnx")),
                                "--data", QString::fromStdString(sourcePath("resources/inputs/mnist_10.csv")),
                                "--count", QString::number(count), "--eps", "0.005"} +
                    extra);
}

/// The item rows of a run's table (item, label, verdict, margins), without the time column.
QStringList itemRows(const QStringList& lines) {
  QStringList out;
  for (const QString& l : lines) {
    QStringList f = l.split(' ', Qt::SkipEmptyParts);
    if (f.size() > 4 && f[0].toInt() >= 0 && (f[2] == "yes" || f[2] == "no")) {
      f.removeAt(3);
      out << f.join(' ');
    }
  }
  return out;
}

/// `net` with the rows y_label - y_j (j != label, in order) appended as an Affine layer.
Network withMargins(Network net, int label) {
  Layer m;
  m.name = "margins";
  m.op = LayerOp::Affine;
  m.inputs = {static_cast<int>(net.layers.size()) - 1};
  m.shape = {net.outputSize() - 1};
  m.weight = Eigen::MatrixXd::Zero(net.outputSize() - 1, net.outputSize());
  m.bias = Eigen::VectorXd::Zero(net.outputSize() - 1);
  for (int64_t j = 0, r = 0; j < net.outputSize(); ++j)
    if (j != label) m.weight(r, label) = 1, m.weight(r++, j) = -1;
  net.layers.push_back(m);
  assignNeuronRanges(net);
  return net;
}

/// The reference's margin lower bounds (y_label - y_j, j != label) for row `index` of `csv` at
/// `eps`: the reference run on the network plus the rows e_label - e_j. False when it fails.
bool referenceMargins(const std::string& net, const std::string& csv, int index, double eps,
                      const DeepPolyOptions& options, Eigen::VectorXd& out) {
  Result<Network> n = importOnnxFile(net);
  if (!n.ok()) return false;
  const Result<Property> prop = datasetProperty(*n, csv, index, 1, eps);
  if (!prop.ok() || !prop->items[0].label) return false;
  const auto ref = referenceDeepPoly(withMargins(*n.value, *prop->items[0].label), prop->items[0].box, options);
  if (!ref.ok()) return false;
  out = ref.value->back().lower;
  return true;
}

/// The report's margins equal the reference's to 1e-9 (relative above 1); the first difference
/// is printed.
bool sameMargins(const QJsonArray& margins, const Eigen::VectorXd& expected) {
  if (margins.size() != static_cast<qsizetype>(expected.size())) {
    qWarning("%lld margins, the reference has %lld", static_cast<long long>(margins.size()), static_cast<long long>(expected.size()));
    return false;
  }
  for (int j = 0; j < margins.size(); ++j)
    if (!(std::abs(margins[j].toDouble() - expected[j]) <= 1e-9 * std::max(1.0, std::abs(expected[j])))) {
      qWarning("margin %d: %.17g vs %.17g", j, margins[j].toDouble(), expected[j]);
      return false;
    }
  return true;
}

}  // namespace

void TestCertcRun::deeppolyMarginsMatchReference() {
  QTemporaryDir dir;
  const QString json = dir.filePath("out.json");
  const std::string net = sourcePath("resources/networks/mlp_784_50_50_10.onnx");
  const std::string csv = sourcePath("resources/inputs/mnist_10.csv");
  QProcess p;
  p.start(QString::fromStdString(certcBinary()),
          {"run", QString::fromStdString(sourcePath("specs/deeppoly.cf")), "--net", QString::fromStdString(net),
           "--data", QString::fromStdString(csv), "--index", "0", "--eps", "0.01", "--json", json});
  QVERIFY(p.waitForFinished(120000));
  QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
  QVERIFY(p.readAllStandardOutput().contains("verified"));
  QFile f(json);
  QVERIFY(f.open(QIODevice::ReadOnly));
  const QJsonObject item = QJsonDocument::fromJson(f.readAll()).object()["inputs"].toArray()[0].toObject();
  const QJsonArray margins = item["margins"].toObject()["lower"].toArray();

  Eigen::VectorXd expected;
  QVERIFY(referenceMargins(net, csv, 0, 0.01, DeepPolyOptions::deepPoly(), expected));
  QVERIFY(sameMargins(margins, expected));
  QCOMPARE(item["verified"].toBool(), (expected.array() > 0).all());
}

// --mean/--std: the box of layer 0 is the clipped eps-box standardized, computed here from the
// file; the margins are the reference DeepPoly's on that box. Bad values are refused.
void TestCertcRun::standardizesRowsPerChannel() {
  const double mean = 0.1307, stdDev = 0.3081, eps = 0.02;
  QTemporaryDir dir;
  const QString json = dir.filePath("out.json");
  const std::string net = sourcePath("resources/networks/mlp_784_50_50_10.onnx");
  const std::string csv = sourcePath("resources/inputs/mnist_10.csv");
  const QStringList base{"run", QString::fromStdString(sourcePath("specs/deeppoly.cf")), "--net",
                         QString::fromStdString(net), "--eps", QString::number(eps)};
  QProcess p;
  p.start(QString::fromStdString(certcBinary()), base + QStringList{"--data", QString::fromStdString(csv), "--mean",
                                                                    "0.1307", "--std", "0.3081", "--json", json});
  QVERIFY(p.waitForFinished(120000));
  QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
  QFile f(json);
  QVERIFY(f.open(QIODevice::ReadOnly));
  const QJsonObject item = QJsonDocument::fromJson(f.readAll()).object()["inputs"].toArray()[0].toObject();
  const QJsonObject layer0 = item["layers"].toArray()[0].toObject();

  // Row 0 of the file: the label, then 784 pixels; standardized, then the network's own
  // normalization (this MLP folds a Sub/Div of its graph into its input).
  QFile rowsFile(QString::fromStdString(csv));
  QVERIFY(rowsFile.open(QIODevice::ReadOnly));
  const QStringList fields = QString::fromUtf8(rowsFile.readLine()).trimmed().split(',');
  QCOMPARE(fields.size(), qsizetype(785));
  Result<Network> n = importOnnxFile(net);
  QVERIFY(n.ok());
  QVERIFY(!n->normalization.isIdentity());
  Eigen::VectorXd lo(784), hi(784);
  for (int i = 0; i < 784; ++i) {
    const double x = fields[i + 1].toDouble() / 255.0;
    lo[i] = (std::max(x - eps, 0.0) - mean) / stdDev;
    hi[i] = (std::min(x + eps, 1.0) - mean) / stdDev;
  }
  const Eigen::VectorXd a = normalizeInput(*n, lo), b = normalizeInput(*n, hi);
  const InputBox box{a.cwiseMin(b), a.cwiseMax(b)};
  for (int i = 0; i < 784; ++i) {
    QVERIFY(std::abs(layer0["lower"].toArray()[i].toDouble() - box.lower[i]) <= 1e-12);
    QVERIFY(std::abs(layer0["upper"].toArray()[i].toDouble() - box.upper[i]) <= 1e-12);
  }
  const auto ref = referenceDeepPoly(withMargins(*n.value, fields[0].toInt()), box, DeepPolyOptions::deepPoly());
  QVERIFY(ref.ok());
  QVERIFY(sameMargins(item["margins"].toObject()["lower"].toArray(), ref.value->back().lower));

  // Refused: a value per channel of a one-channel input (exit 1), a list that is not numbers and
  // a standardization of a VNN-LIB box (usage, exit 2).
  const QString data = QString::fromStdString(csv);
  const struct {
    QStringList args;
    int exit;
    const char* says;
  } bad[] = {{{"--data", data, "--mean", "0.1,0.2,0.3"}, 1, "1 channel"},
             {{"--data", data, "--std", "0"}, 1, "std must be > 0"},
             {{"--data", data, "--std", "0.3,x"}, 2, "numbers separated by commas"},
             {{"--vnnlib", QString::fromStdString(sourcePath("resources/inputs/mnist_10.csv")), "--mean", "0.1"}, 2,
              "apply to --data"}};
  for (const auto& b : bad) {
    QProcess q;
    q.start(QString::fromStdString(certcBinary()), base + b.args);
    QVERIFY(q.waitForFinished(60000));
    const QByteArray err = q.readAllStandardError();
    QVERIFY2(q.exitCode() == b.exit && err.contains(b.says), err.constData());
  }
}

void TestCertcRun::cudaBackendIsAClearError() {
  QProcess p;
  p.start(QString::fromStdString(certcBinary()),
          {"run", QString::fromStdString(sourcePath("specs/ibp.cf")), "--net",
           QString::fromStdString(sourcePath("resources/networks/mlp_784_50_50_10.onnx")), "--data",
           QString::fromStdString(sourcePath("resources/inputs/mnist_10.csv")), "--eps", "0.01", "--backend", "cuda"});
  QVERIFY(p.waitForFinished(60000));
  QCOMPARE(p.exitStatus(), QProcess::NormalExit);
  QCOMPARE(p.exitCode(), 1);
  QVERIFY(p.readAllStandardError().contains("cuda"));
}

// --profile: a table of the rule instructions that took the most time (per layer and spec
// position, summed over items), sorted by time, with shares of the total; the verdicts and margins
// are the same as without it.
void TestCertcRun::profileListsTheRuleInstructionsByTime() {
  const QStringList args{"run", QString::fromStdString(sourcePath("specs/deeppoly.cf")), "--net",
                         QString::fromStdString(sourcePath("resources/networks/mlp_784_50_50_10.onnx")), "--data",
                         QString::fromStdString(sourcePath("resources/inputs/mnist_10.csv")), "--count", "3", "--eps",
                         "0.01", "--threads", "1"};
  const QStringList plain = certcLines(args), profiled = certcLines(QStringList(args) << "--profile");
  QVERIFY(!plain.isEmpty() && !profiled.isEmpty());
  // The item rows (label, verdict, margins) are unchanged; only the time column may differ.
  QCOMPARE(itemRows(profiled).size(), 3);
  QCOMPARE(itemRows(profiled), itemRows(plain));
  const qsizetype head = profiled.indexOf(QRegularExpression("^profile: [0-9.]+ ms in rule instructions over 3 item\\(s\\).*"));
  QVERIFY2(head >= 0, qPrintable(profiled.join('\n')));
  double previous = 1e300, shares = 0;
  int rows = 0;
  bool traverse = false;
  const QRegularExpression row("^ +([0-9.]+) +([0-9.]+)% +([0-9]+) ('[^']*'|margins) +([0-9]+):([0-9]+) +(\\S.*)$");
  for (qsizetype k = head + 2; k < profiled.size(); ++k) {
    const QRegularExpressionMatch m = row.match(profiled[k]);
    if (!m.hasMatch()) break;
    ++rows;
    const double ms = m.captured(1).toDouble();
    QVERIFY2(ms <= previous, qPrintable(profiled[k]));  // sorted by time
    previous = ms;
    shares += m.captured(2).toDouble();
    QVERIFY(m.captured(5).toInt() > 0);  // a spec line
    traverse = traverse || m.captured(7) == "traverse";
  }
  QVERIFY2(rows >= 5 && rows <= 20, qPrintable(profiled.join('\n')));
  QVERIFY(shares <= 100.5);
  QVERIFY(traverse);  // DeepPoly's back-substitution is the traverse of its Affine rule
}

void TestCertcRun::batchSizeKeepsTheItemRows() {
  // IBP runs its items in a batch frame unless --batch-size 1; the table is the same either way.
  const QStringList args{"run", QString::fromStdString(sourcePath("specs/ibp.cf")), "--net",
                         QString::fromStdString(sourcePath("resources/networks/trained/convSmallRELU__Point.onnx")),
                         "--data", QString::fromStdString(sourcePath("resources/inputs/mnist_10.csv")), "--count", "10",
                         "--eps", "0.02", "--threads", "1"};
  const QStringList one = itemRows(certcLines(QStringList(args) << "--batch-size" << "1"));
  QCOMPARE(one.size(), 10);
  QCOMPARE(itemRows(certcLines(args)), one);
  QCOMPARE(itemRows(certcLines(QStringList(args) << "--batch-size" << "4")), one);
  QCOMPARE(itemRows(certcLines(QStringList(args) << "--threads" << "2")), one);
  // --repeat: the same rows, and the runs' times.
  const QStringList repeated = certcLines(QStringList(args) << "--repeat" << "3");
  QCOMPARE(itemRows(repeated), one);
  QVERIFY2(repeated.indexOf(QRegularExpression("^runs: 3, min [0-9.]+ ms, median [0-9.]+ ms, max [0-9.]+ ms$")) >= 0,
           qPrintable(repeated.join('\n')));
  QStringList verdicts;
  for (const QString& row : one) verdicts << row.split(' ')[2];
  QVERIFY2(verdicts.contains("yes") && verdicts.contains("no"), qPrintable(one.join('\n')));
  QProcess bad;
  bad.start(QString::fromStdString(certcBinary()), QStringList(args) << "--batch-size" << "-2");
  QVERIFY(bad.waitForFinished(60000));
  QCOMPARE(bad.exitCode(), 2);
  QVERIFY(bad.readAllStandardError().contains("--batch-size needs a whole number >= 0"));
}

// --intermediate relu-unstable: the JSON says so, the margins are the reference's with
// auto_LiRPA's sparse intermediate bounds (reluUnstableOnly), and the default run says "all";
// a misspelt mode is a usage error.
void TestCertcRun::intermediateReluUnstable() {
  QTemporaryDir dir;
  const std::string net = sourcePath("resources/networks/trained/convSmallRELU__Point.onnx");
  const std::string csv = sourcePath("resources/inputs/mnist_10.csv");
  const QStringList args{"run", QString::fromStdString(sourcePath("specs/crown.cf")), "--net", QString::fromStdString(net),
                         "--data", QString::fromStdString(csv), "--index", "1", "--eps", "0.03", "--threads", "1"};
  auto report = [&](const QStringList& extra, const QString& name) {
    const QString json = dir.filePath(name);
    QProcess p;
    p.start(QString::fromStdString(certcBinary()), QStringList(args) << extra << "--json" << json);
    if (!p.waitForFinished(120000) || p.exitCode() != 0) return QJsonObject{};
    QFile f(json);
    if (!f.open(QIODevice::ReadOnly)) return QJsonObject{};
    return QJsonDocument::fromJson(f.readAll()).object();
  };
  const QJsonObject thin = report({"--intermediate", "relu-unstable"}, "thin.json");
  const QJsonObject full = report({}, "full.json");
  QCOMPARE(thin["intermediate"].toString(), QString("relu-unstable"));
  QCOMPARE(full["intermediate"].toString(), QString("all"));
  const QJsonArray margins = thin["inputs"].toArray()[0].toObject()["margins"].toObject()["lower"].toArray();

  DeepPolyOptions options = DeepPolyOptions::crown();
  options.reluUnstableOnly = true;  // the margins layer is the reference network's last layer
  Eigen::VectorXd expected;
  QVERIFY(referenceMargins(net, csv, 1, 0.03, options, expected));
  QVERIFY(sameMargins(margins, expected));
  // Some intermediate neuron has a looser bound than the full run's (the mode is not a no-op).
  const QJsonArray thinLayers = thin["inputs"].toArray()[0].toObject()["layers"].toArray();
  const QJsonArray fullLayers = full["inputs"].toArray()[0].toObject()["layers"].toArray();
  QCOMPARE(thinLayers.size(), fullLayers.size());
  int looser = 0;
  for (qsizetype k = 0; k < thinLayers.size(); ++k) {
    const QJsonArray a = thinLayers[k].toObject()["lower"].toArray(), b = fullLayers[k].toObject()["lower"].toArray();
    for (qsizetype i = 0; i < a.size(); ++i) looser += a[i].toDouble() < b[i].toDouble() - 1e-9;
  }
  QVERIFY(looser > 0);

  QProcess bad;
  bad.start(QString::fromStdString(certcBinary()), QStringList(args) << "--intermediate" << "unstable");
  QVERIFY(bad.waitForFinished(60000));
  QCOMPARE(bad.exitCode(), 2);
  QVERIFY(bad.readAllStandardError().contains("--intermediate needs all or relu-unstable"));
  QProcess dense;  // the dense executor keeps every block Dense: it runs every neuron, so it refuses
  dense.start(QString::fromStdString(certcBinary()), QStringList(args) << "--intermediate" << "relu-unstable" << "--dense");
  QVERIFY(dense.waitForFinished(60000));
  QCOMPARE(dense.exitCode(), 2);
  QVERIFY(dense.readAllStandardError().contains("not with --dense"));
}


// certc run proves the rules it ran before its verdicts count: IBP with a Relu upper bound of
// max(l, 0) (refuted: x in [l, u] may exceed it) gives bounds that verify items, but every verdict
// is withheld ("invalid", the rule named); the sound spec's rules are proved; --no-prove says the
// verdicts rest on unproved rules.
void TestCertcRun::refutedRulesWithholdVerdicts() {
  QTemporaryDir dir;
  std::string spec = readTextFile(sourcePath("specs/ibp.cf"));
  const std::string relu = "Relu -> ((prev[l] >= 0) ? prev[l] : 0, (prev[u] >= 0) ? prev[u] : 0);";
  const size_t at = spec.find(relu);
  QVERIFY(at != std::string::npos);
  spec.replace(at, relu.size(), "Relu -> ((prev[l] >= 0) ? prev[l] : 0, (prev[l] >= 0) ? prev[l] : 0);");
  const QString unsound = dir.filePath("ibp_unsound.cf");
  {
    QFile f(unsound);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(spec.c_str());
  }
  const QString json = dir.filePath("out.json");
  auto run = [](const QString& specPath, const QStringList& extra) { return runOnBundledMlp(specPath, 3, extra); };
  // Unproved, the unsound spec's looser-looking (lower) upper bounds verify items.
  const QStringList unproved = run(unsound, {"--no-prove"});
  QVERIFY(!unproved.isEmpty());
  QVERIFY2(unproved.filter(QRegularExpression("^verified [1-3]/3")).size() == 1, qPrintable(unproved.join('\n')));
  QVERIFY(unproved.contains("rules: not proved (--no-prove): the verdicts rest on the spec's rules as written"));
  // Proved, each of them is withheld.
  const QStringList withheld = run(unsound, {"--json", json});
  QVERIFY2(withheld.filter(QRegularExpression("^verified 0/3 ")).size() == 1, qPrintable(withheld.join('\n')));
  QCOMPARE(withheld.filter(QRegularExpression("^[0-2] +[0-9] +invalid ")).size(), 3);
  QCOMPARE(withheld.filter(QRegularExpression("^item [0-2] invalid: verdict withheld: the rule for Relu \\(transformer "
                                              "ibp, line 31\\) is unsound: curr\\[u\\] >= curr fails \\(certc prove\\)$"))
               .size(),
           3);
  QVERIFY2(withheld.filter(QRegularExpression("^rules: Affine proved; Relu unsound: curr\\[u\\] >= curr fails at .*: every "
                                              "verdict withheld$"))
                   .size() == 1,
           qPrintable(withheld.join('\n')));
  QFile f(json);
  QVERIFY(f.open(QIODevice::ReadOnly));
  const QJsonObject report = QJsonDocument::fromJson(f.readAll()).object();
  const QJsonArray rules = report["rules"].toArray();
  QCOMPARE(rules.size(), 2);
  QCOMPARE(rules[1].toObject()["op"].toString(), QString("Relu"));
  QCOMPARE(rules[1].toObject()["verdict"].toString(), QString("unsound"));
  for (const QJsonValue item : report["inputs"].toArray()) {
    QCOMPARE(item.toObject()["status"].toString(), QString("invalid"));
    QVERIFY(!item.toObject()["verified"].toBool());
  }
  // The shipped spec: its rules proved, nothing withheld.
  const QStringList sound = run(QString::fromStdString(sourcePath("specs/ibp.cf")), {});
  QVERIFY2(sound.filter(QRegularExpression("^rules: Affine, Relu proved \\([0-9.]+ s, [0-2] cached\\)$")).size() == 1,
           qPrintable(sound.join('\n')));
  QVERIFY(sound.filter("invalid").isEmpty());
}

// A backward flow's rev_ rules are proved with the forward ones: IBP followed by a backward ReLU
// that raises the input's lower bound to the output's upper bound (refuted: an input below it
// maps to an output within it) withholds every verdict, the rule named with its transformer; a
// backward ReLU that lowers the input's upper bound to the output's is proved, nothing withheld.
void TestCertcRun::refutedBackwardRulesWithholdVerdicts() {
  QTemporaryDir dir;
  const std::string ibp = readTextFile(sourcePath("specs/ibp.cf"));
  auto write = [&](const QString& name, const std::string& revRelu) {
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return QString();
    f.write((ibp + "\ntransformer back {\n    rev_Relu -> " + revRelu + ";\n}\n\nflow(backward, priority, false, back);\n").c_str());
    return path;
  };
  const QString unsound = write("back_unsound.cf", "(max(curr[l], prev[u]), curr[u])");
  const QString sound = write("back_sound.cf", "(curr[l], (prev[u] >= 0) ? min(curr[u], prev[u]) : curr[u])");
  QVERIFY(!unsound.isEmpty() && !sound.isEmpty());
  auto run = [](const QString& specPath) { return runOnBundledMlp(specPath, 2, {}); };
  const QStringList withheld = run(unsound);
  QVERIFY2(withheld.filter(QRegularExpression("^verified 0/2 ")).size() == 1, qPrintable(withheld.join('\n')));
  QCOMPARE(withheld.filter(QRegularExpression("^item [0-1] invalid: verdict withheld: the rule for rev_Relu \\(transformer "
                                              "back, line [0-9]+\\) is unsound: curr\\[l\\] <= curr fails \\(certc prove\\)$"))
               .size(),
           2);
  QVERIFY2(withheld.filter(QRegularExpression("^rules: Affine, Relu proved; rev_Relu unsound: curr\\[l\\] <= curr fails at "
                                              ".*: every verdict withheld$"))
                   .size() == 1,
           qPrintable(withheld.join('\n')));
  const QStringList proved = run(sound);
  QVERIFY2(proved.filter(QRegularExpression("^rules: Affine, Relu, rev_Relu proved \\([0-9.]+ s, [0-3] cached\\)$")).size() == 1,
           qPrintable(proved.join('\n')));
  QVERIFY(proved.filter("invalid").isEmpty());
}

QTEST_GUILESS_MAIN(TestCertcRun)
#include "tst_certc_run.moc"
