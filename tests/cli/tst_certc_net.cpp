// certc net: the layer table of a bundled network, and one-line errors for bad files.
#include <QtTest>

#include "core/network/onnx_builder.h"
#include "tests/support/certc_process.h"
#include "tests/support/test_paths.h"

using namespace cert;
using namespace cert::test;

namespace {

using Run = cert::test::CertcRun;

Run certc(const QStringList& args) { return cert::test::runCertc(args, 60000); }

QString bundled(const char* file) {
  return QString::fromStdString(sourcePath(std::string("resources/networks/") + file));
}

/// The table row of layer `index` (split on whitespace), or empty.
QStringList tableRow(const QString& out, int index) {
  for (const QString& line : out.split('\n')) {
    const QStringList cells = line.simplified().split(' ');
    if (cells.size() >= 7 && cells[0] == QString::number(index)) return cells;
  }
  return {};
}

}  // namespace

class TestCertcNet : public QObject {
  Q_OBJECT

 private slots:
  void bundledMlp();
  void bundledCnnWithConvLayers();
  void badFile();
  void unsupportedNodesOneLineEach();
  void missingArgument();
};

void TestCertcNet::bundledMlp() {
  const Run r = certc({"net", bundled("mlp_784_50_50_10.onnx")});
  QCOMPARE(r.exitCode, 0);
  QVERIFY(r.err.isEmpty());
  QVERIFY(r.out.contains("network mlp_784_50_50_10: input 'input' [784], 6 layers, 994 neurons"));
  QCOMPARE(tableRow(r.out, 0).mid(0, 7),
           (QStringList{"0", "input", "Input", "-", "[784]", "[0,", "784)"}));
  QCOMPARE(tableRow(r.out, 1).mid(0, 8),
           (QStringList{"1", "fc1", "Affine", "0", "[50]", "[784,", "834)", "39250"}));
  QCOMPARE(tableRow(r.out, 5).mid(0, 8),
           (QStringList{"5", "fc3", "Affine", "4", "[10]", "[984,", "994)", "510"}));
  QVERIFY(r.out.contains("normalization: x -> scale * x + shift, scale 3.2457"));
  QVERIFY(r.out.contains("from: Sub 'sub' (constant), Div 'div' (constant)"));
}

void TestCertcNet::bundledCnnWithConvLayers() {
  const Run r = certc({"net", bundled("resnet_conv_small.onnx")});
  QCOMPARE(r.exitCode, 0);
  QCOMPARE(tableRow(r.out, 1).mid(0, 7),
           (QStringList{"1", "conv1", "Conv", "0", "[8,", "13,", "13]"}));
  QCOMPARE(tableRow(r.out, 5).mid(0, 9),
           (QStringList{"5", "residual", "Add", "4,2", "[8,", "13,", "13]", "[6192,", "7544)"}));
  QVERIFY(r.out.contains("normalization: none"));
}

void TestCertcNet::badFile() {
  QTemporaryDir dir;
  const QString path = dir.filePath("notes.onnx");
  QFile f(path);
  QVERIFY(f.open(QIODevice::WriteOnly));
  f.write("These are notes, not a network.\n");
  f.close();
  Run r = certc({"net", path});
  QCOMPARE(r.exitCode, 1);
  QVERIFY(r.out.isEmpty());
  QCOMPARE(r.err.count('\n'), 1);
  QVERIFY2(r.err.startsWith("certc: " + path + ": error: "), qPrintable(r.err));

  r = certc({"net", dir.filePath("absent.onnx")});
  QCOMPARE(r.exitCode, 1);
  QCOMPARE(r.err, "certc: " + dir.filePath("absent.onnx") + ": error: no such file\n");
}

void TestCertcNet::unsupportedNodesOneLineEach() {
  OnnxBuilder b("bad");
  b.addInput("x", {1, 4});
  b.addNode("Erf", {"x"}, {"a"}, "erf_0");
  b.addNode("Resize", {"a"}, {"y"}, "resize_0");
  b.addOutput("y", {1, 4});
  QTemporaryDir dir;
  const QString path = dir.filePath("bad.onnx");
  QVERIFY(b.save(path.toStdString()));
  const Run r = certc({"net", path});
  QCOMPARE(r.exitCode, 1);
  QCOMPARE(r.err, QString("certc: %1: error: node 'erf_0': unsupported ONNX operator 'Erf'\n"
                          "certc: %1: error: node 'resize_0': unsupported ONNX operator 'Resize'\n")
                      .arg(path));
}

void TestCertcNet::missingArgument() {
  const Run r = certc({"net"});
  QCOMPARE(r.exitCode, 2);
  QVERIFY(r.err.contains("usage: certc net NET.onnx"));
}

QTEST_APPLESS_MAIN(TestCertcNet)
#include "tst_certc_net.moc"
