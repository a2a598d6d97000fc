// certc run --vnnlib: the DeepPoly paper example's output bounds (x11 in [1, 5.5], x12 in [0, 2]),
// verified (x11 >= x12), and the --json contract of ARCHITECTURE.md checked key by key with QJsonDocument.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include "compiler/frontend.h"
#include "core/network/onnx_import.h"
#include "core/property/vnnlib.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "tests/support/test_paths.h"

using namespace cert;
using namespace cert::test;

namespace {

QString src(const std::string& rel) { return QString::fromStdString(sourcePath(rel)); }

/// Runs certc run with --json and returns the parsed report (an empty object on failure).
QJsonObject runJson(const QString& spec, const QString& net, const QString& vnnlib, QString* why) {
  QTemporaryDir dir;
  const QString json = dir.filePath("out.json");
  QProcess p;
  p.start(QString::fromStdString(certcBinary()),
          {"run", spec, "--net", net, "--vnnlib", vnnlib, "--json", json});
  if (!p.waitForFinished(120000)) return *why = "certc did not finish", QJsonObject();
  if (p.exitCode() != 0) return *why = QString::fromUtf8(p.readAllStandardError()), QJsonObject();
  if (!p.readAllStandardOutput().contains("verified")) return *why = "no summary table", QJsonObject();
  QFile f(json);
  if (!f.open(QIODevice::ReadOnly)) return *why = "no JSON written", QJsonObject();
  QJsonParseError err;
  const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
  if (err.error != QJsonParseError::NoError) return *why = "invalid JSON: " + err.errorString(), QJsonObject();
  return doc.object();
}

bool near(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b)); }

}  // namespace

class TestCertcRunVnnlib : public QObject {
  Q_OBJECT

 private slots:
  void jsonContract_data();
  void jsonContract();
  void deeppolyPaperExample();
};

void TestCertcRunVnnlib::jsonContract_data() {
  QTest::addColumn<QString>("spec");
  QTest::addColumn<QString>("net");
  QTest::addColumn<QString>("vnnlib");
  for (const QString spec : {"ibp", "deeppoly", "deepz"}) {
    QTest::newRow(qPrintable(spec + " paper example")) << spec << "deeppoly_example" << "deeppoly_example";
    QTest::newRow(qPrintable(spec + " mlp row 0")) << spec << "mlp_784_50_50_10" << "mlp_784_50_50_10_row0";
  }
}

void TestCertcRunVnnlib::jsonContract() {
  QFETCH(QString, spec);
  QFETCH(QString, net);
  QFETCH(QString, vnnlib);
  const QString netPath = src("resources/networks/" + net.toStdString() + ".onnx");
  QString why;
  const QJsonObject doc = runJson(src("specs/" + spec.toStdString() + ".cf"), netPath,
                                  src("resources/inputs/" + vnnlib.toStdString() + ".vnnlib"), &why);
  QVERIFY2(!doc.isEmpty(), qPrintable(why));

  for (const char* key : {"spec", "network", "backend", "eps", "time_ms", "inputs"})
    QVERIFY2(doc.contains(key), key);
  QVERIFY(doc["spec"].toString().endsWith(spec + ".cf"));
  QCOMPARE(doc["network"].toString(), netPath);
  QCOMPARE(doc["backend"].toString(), QString("cpu"));
  QVERIFY(doc["eps"].isDouble());
  const QJsonObject time = doc["time_ms"].toObject();
  QVERIFY(time["compile"].isDouble() && time["compile"].toDouble() >= 0);
  QVERIFY(time["run"].isDouble() && time["run"].toDouble() >= 0);

  const Result<Network> n = importOnnxFile(netPath.toStdString());
  QVERIFY(n.ok());
  const QJsonArray inputs = doc["inputs"].toArray();
  QCOMPARE(inputs.size(), 1);  // one distinct input box in each file
  const QJsonObject item = inputs[0].toObject();
  for (const char* key : {"index", "label", "verified", "layers", "margins"}) QVERIFY2(item.contains(key), key);
  QCOMPARE(item["index"].toInt(-1), 0);
  QVERIFY(item["label"].isNull());  // VNN-LIB items have no dataset label
  QVERIFY(item["verified"].isBool());

  // Layers: the imported network's execution order, each with its index, name, op and size.
  const QJsonArray layers = item["layers"].toArray();
  QCOMPARE(layers.size(), static_cast<qsizetype>(n->layers.size()));
  for (int k = 0; k < layers.size(); ++k) {
    const QJsonObject layer = layers[k].toObject();
    const Layer& want = n->layers[static_cast<size_t>(k)];
    for (const char* key : {"layer", "name", "op", "size", "lower", "upper"}) QVERIFY2(layer.contains(key), key);
    QCOMPARE(layer["layer"].toInt(-1), k);
    QCOMPARE(layer["name"].toString(), QString::fromStdString(want.name));
    QCOMPARE(layer["op"].toString(), QString(layerOpName(want.op)));
    QCOMPARE(layer["size"].toInteger(-1), static_cast<qint64>(want.size()));
    const QJsonArray lo = layer["lower"].toArray(), hi = layer["upper"].toArray();
    QCOMPARE(lo.size(), static_cast<qsizetype>(want.size()));
    QCOMPARE(hi.size(), static_cast<qsizetype>(want.size()));
    for (int i = 0; i < lo.size(); ++i)
      QVERIFY2(lo[i].isDouble() && hi[i].isDouble() && lo[i].toDouble() <= hi[i].toDouble(),
               qPrintable(QString("layer %1 neuron %2").arg(k).arg(i)));
  }
  QCOMPARE(layers.first().toObject()["op"].toString(), QString("Input"));
  // The last entry is the network output (the logits).
  QCOMPARE(layers.last().toObject()["size"].toInteger(-1), static_cast<qint64>(n->outputSize()));
  QCOMPARE(layers.last().toObject()["name"].toString(), QString::fromStdString(n->layers.back().name));

  // Margins are defined for labelled items only (y_label - y_j); without a label both are empty.
  const QJsonObject margins = item["margins"].toObject();
  QVERIFY(margins["lower"].isArray() && margins["upper"].isArray());
  QCOMPARE(margins["lower"].toArray().size(), margins["upper"].toArray().size());
}

void TestCertcRunVnnlib::deeppolyPaperExample() {
  QString why;
  const QJsonObject doc = runJson(src("specs/deeppoly.cf"), src("resources/networks/deeppoly_example.onnx"),
                                  src("resources/inputs/deeppoly_example.vnnlib"), &why);
  QVERIFY2(!doc.isEmpty(), qPrintable(why));
  const QJsonObject item = doc["inputs"].toArray()[0].toObject();
  const QJsonArray layers = item["layers"].toArray();
  QCOMPARE(layers.size(), 6);
  // Singh et al. 2019, figure 2: x1, x2 in [-1, 1] ... x11 in [1, 5.5], x12 in [0, 2].
  const double want[6][2][2] = {{{-1, -1}, {1, 1}}, {{-2, -2}, {2, 2}}, {{0, 0}, {2, 2}},
                                {{0, -2}, {3, 2}},  {{0, 0}, {3, 2}},   {{1, 0}, {5.5, 2}}};
  for (int k = 0; k < 6; ++k) {
    const QJsonObject layer = layers[k].toObject();
    for (int i = 0; i < 2; ++i) {
      const double lo = layer["lower"].toArray()[i].toDouble(), hi = layer["upper"].toArray()[i].toDouble();
      QVERIFY2(near(lo, want[k][0][i]) && near(hi, want[k][1][i]),
               qPrintable(QString("layer %1 neuron %2: [%3, %4]").arg(k).arg(i).arg(lo).arg(hi)));
    }
  }

  // The property x11 >= x12: DeepPoly proves it when y0 - y1 is back-substituted as one more
  // Affine layer (the paper: lower bound 1 > 0) ...
  const Result<Network> n = importOnnxFile(sourcePath("resources/networks/deeppoly_example.onnx"));
  QVERIFY(n.ok());
  const Result<Property> prop = readVnnlib(sourcePath("resources/inputs/deeppoly_example.vnnlib"), *n);
  QVERIFY(prop.ok());
  QCOMPARE(prop->items.size(), size_t{1});
  Network ext = *n.value;
  Layer diff;
  diff.name = "x11_minus_x12";
  diff.op = LayerOp::Affine;
  diff.inputs = {static_cast<int>(ext.layers.size()) - 1};
  diff.shape = {1};
  diff.weight = Eigen::MatrixXd{{1.0, -1.0}};
  diff.bias = Eigen::VectorXd::Zero(1);
  ext.layers.push_back(diff);
  assignNeuronRanges(ext);
  std::string err;
  const auto text = readSpecFile(sourcePath("specs/deeppoly.cf"), &err);
  QVERIFY2(text, err.c_str());
  const Result<CompiledCertifier> cc = compileCertifier(*text);
  QVERIFY(cc.ok());
  const auto bounds = certifyBox(*cc, ext, prop->items[0].box);
  QVERIFY(bounds.ok());
  QVERIFY2(near(bounds->back().lower[0], 1.0), qPrintable(QString::number(bounds->back().lower[0], 'g', 17)));

  // ... and certc run reports it: the unsafe region Y_0 <= Y_1 is infeasible over the box.
  QVERIFY(item["verified"].toBool());
}

QTEST_GUILESS_MAIN(TestCertcRunVnnlib)
#include "tst_certc_run_vnnlib.moc"
