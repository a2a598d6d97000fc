// Network dock unit: a good network fills the layer table; missing, empty, truncated, junk and
// unsupported-op files show their errors in the dock (never a crash or a silent empty pane).
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include "app/certstudio/bundled_files.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/models/layer_table_model.h"
#include "core/network/onnx_builder.h"

using cert::studio::LayerTableModel;
using cert::studio::NetworkDock;

namespace {

/// x[1,4] -> Gemm 4->3 -> Relu -> Gemm 3->2.
cert::OnnxBuilder* buildMlp(cert::OnnxBuilder& b) {
  b.addInput("x", {1, 4});
  b.addInitializer("w1", {3, 4}, std::vector<float>(12, 0.5f));
  b.addInitializer("b1", {3}, {0.1f, 0.2f, 0.3f});
  b.addInitializer("w2", {2, 3}, std::vector<float>(6, -0.25f));
  b.addInitializer("b2", {2}, {0.0f, 1.0f});
  b.addNode("Gemm", {"x", "w1", "b1"}, {"h1"}, "fc1").attr("transB", int64_t{1});
  b.addNode("Relu", {"h1"}, {"a1"}, "relu1");
  b.addNode("Gemm", {"a1", "w2", "b2"}, {"y"}, "fc2").attr("transB", int64_t{1});
  b.addOutput("y", {1, 2});
  return &b;
}

QString cell(const LayerTableModel* m, int row, int column) {
  return m->data(m->index(row, column)).toString();
}

bool load(NetworkDock& dock, const QString& path) {
  QSignalSpy finished(&dock, &NetworkDock::loadFinished);
  dock.loadNetwork(path);
  if (!finished.wait(20000)) return false;
  return finished.takeFirst().at(0).toBool();
}

}  // namespace

class TestNetworkDock : public QObject {
  Q_OBJECT

 private slots:
  void goodNetworkFillsLayerTable();
  void badNetworkShowsError_data();
  void badNetworkShowsError();
  void failedLoadKeepsWorkingNetwork();
  void bundledNetworksAreListedAndLoad();
  void openedFileIsNotNamedAsBundled();

 private:
  QString write(const QString& name, const QByteArray& bytes);
  QTemporaryDir dir_;
};

QString TestNetworkDock::write(const QString& name, const QByteArray& bytes) {
  const QString path = dir_.filePath(name);
  QFile f(path);
  if (f.open(QIODevice::WriteOnly)) f.write(bytes);
  return path;
}

void TestNetworkDock::goodNetworkFillsLayerTable() {
  cert::OnnxBuilder b("mlp");
  const QString path = dir_.filePath(QStringLiteral("mlp.onnx"));
  std::string error;
  QVERIFY2(buildMlp(b)->save(path.toStdString(), &error), error.c_str());

  NetworkDock dock;
  QSignalSpy changed(&dock, &NetworkDock::networkChanged);
  QVERIFY(load(dock, path));
  QCOMPARE(changed.count(), 1);
  QVERIFY(dock.network());
  const LayerTableModel* m = dock.layerModel();
  QCOMPARE(m->rowCount(), 4);
  QCOMPARE(m->columnCount(), int(LayerTableModel::ColumnCount));
  const QStringList ops{QStringLiteral("Input"), QStringLiteral("Affine"), QStringLiteral("Relu"), QStringLiteral("Affine")};
  const QStringList ranges{QStringLiteral("[0, 4)"), QStringLiteral("[4, 7)"), QStringLiteral("[7, 10)"),
                           QStringLiteral("[10, 12)")};
  const QList<qlonglong> params{0, 15, 0, 8};
  const QStringList shapes{QStringLiteral("4"), QStringLiteral("3"), QStringLiteral("3"), QStringLiteral("2")};
  for (int row = 0; row < 4; ++row) {
    QCOMPARE(cell(m, row, LayerTableModel::Index), QString::number(row));
    QCOMPARE(cell(m, row, LayerTableModel::Op), ops[row]);
    QCOMPARE(cell(m, row, LayerTableModel::Neurons), ranges[row]);
    QCOMPARE(cell(m, row, LayerTableModel::Shape), shapes[row]);
    QCOMPARE(m->data(m->index(row, LayerTableModel::Params), Qt::UserRole).toLongLong(), params[row]);
    QCOMPARE(cell(m, row, LayerTableModel::Inputs), row == 0 ? QStringLiteral("—") : QString::number(row - 1));
  }
  QVERIFY(!cell(m, 1, LayerTableModel::Name).isEmpty());
  QVERIFY2(dock.summaryText().contains(QLatin1String("4 layers, 12 neurons")), qPrintable(dock.summaryText()));
  QVERIFY(dock.messages().isEmpty());
  QCOMPARE(dock.findChild<QTableView*>()->model()->rowCount(), 4);
  QCOMPARE(dock.findChild<QStackedWidget*>()->currentWidget(), dock.findChild<QTableView*>());
}

void TestNetworkDock::badNetworkShowsError_data() {
  QTest::addColumn<QString>("file");
  QTest::addColumn<QByteArray>("bytes");
  QTest::addColumn<QString>("expected");  // a phrase the error must contain

  cert::OnnxBuilder good("mlp");
  const std::string model = buildMlp(good)->serialize();
  cert::OnnxBuilder lstm("unsupported");
  lstm.addInput("x", {1, 4});
  lstm.addNode("Relu", {"x"}, {"r"}, "relu0");
  lstm.addNode("Hardmax", {"r"}, {"y"}, "hardmax0");
  lstm.addOutput("y", {1, 4});

  QTest::newRow("missing") << "missing.onnx" << QByteArray() << "no such file";
  QTest::newRow("empty") << "empty.onnx" << QByteArray("") << "empty";
  QTest::newRow("truncated") << "truncated.onnx"
                             << QByteArray::fromStdString(model.substr(0, model.size() / 2)) << "";
  QTest::newRow("junk") << "junk.onnx" << QByteArray("this is not a protobuf \xff\xfe\x00\x01 at all", 30) << "";
  QTest::newRow("unsupported op") << "hardmax.onnx" << QByteArray::fromStdString(lstm.serialize()) << "Hardmax";
}

void TestNetworkDock::badNetworkShowsError() {
  QFETCH(QString, file);
  QFETCH(QByteArray, bytes);
  QFETCH(QString, expected);
  const QString path = file == QLatin1String("missing.onnx") ? dir_.filePath(file) : write(file, bytes);

  NetworkDock dock;
  QSignalSpy status(&dock, &NetworkDock::statusMessage);
  QVERIFY(!load(dock, path));
  QVERIFY(!dock.network());
  QCOMPARE(dock.layerModel()->rowCount(), 0);
  const QString summary = dock.summaryText();
  QVERIFY2(summary.startsWith(QStringLiteral("Could not load %1: ").arg(file)), qPrintable(summary));
  QVERIFY2(summary.size() > QStringLiteral("Could not load %1: ").arg(file).size() + 3, qPrintable(summary));
  const QStringList messages = dock.messages();
  qInfo("%s", qPrintable(summary));
  QVERIFY(!messages.isEmpty());
  QVERIFY2(messages.join(QLatin1Char('\n')).contains(expected), qPrintable(messages.join(QLatin1Char('\n'))));
  QVERIFY(!status.isEmpty());
  QVERIFY(status.last().at(0).toString().startsWith(QStringLiteral("Could not load")));
  QVERIFY(cert::hasErrors(dock.diagnostics()));
  // In place of an empty table: a page that says why.
  const auto* page = qobject_cast<QLabel*>(dock.findChild<QStackedWidget*>()->currentWidget());
  QVERIFY(page);
  QVERIFY2(page->text().contains(QStringLiteral("%1 could not be imported").arg(file)), qPrintable(page->text()));
}

/// A failed open keeps the working network: its table, its path, no networkChanged; the error
/// names the failed file and says which network is still in use.
void TestNetworkDock::failedLoadKeepsWorkingNetwork() {
  cert::OnnxBuilder b("mlp");
  const QString good = dir_.filePath(QStringLiteral("again.onnx"));
  QVERIFY(buildMlp(b)->save(good.toStdString()));
  NetworkDock dock;
  QVERIFY(load(dock, good));
  QCOMPARE(dock.layerModel()->rowCount(), 4);
  const auto working = dock.network();
  QSignalSpy changed(&dock, &NetworkDock::networkChanged);
  const QString bad = write(QStringLiteral("bad.onnx"), QByteArray("garbage"));
  QVERIFY(!load(dock, bad));
  QCOMPARE(dock.network(), working);
  QCOMPARE(dock.networkPath(), good);
  QCOMPARE(dock.lastLoadPath(), bad);
  QCOMPARE(dock.layerModel()->rowCount(), 4);
  QCOMPARE(changed.count(), 0);
  QVERIFY(dock.summaryText().startsWith(QStringLiteral("Could not load bad.onnx")));
  QVERIFY2(dock.summaryText().contains(QLatin1String("Still using again.onnx")), qPrintable(dock.summaryText()));
  QVERIFY(cert::hasErrors(dock.diagnostics()));
  QVERIFY(load(dock, good));
  QCOMPARE(dock.layerModel()->rowCount(), 4);
  QVERIFY(!dock.summaryText().contains(QLatin1String("Could not")));
}

void TestNetworkDock::bundledNetworksAreListedAndLoad() {
  const QStringList bundled = cert::studio::BundledFiles::networks();
  if (bundled.isEmpty()) QSKIP("no bundled networks in this tree");
  const QString preferred = cert::studio::BundledFiles::defaultNetwork();
  QVERIFY(bundled.contains(preferred));
  NetworkDock dock;
  dock.setBundledNetworks(bundled);
  QVERIFY(load(dock, preferred));
  QVERIFY(dock.layerModel()->rowCount() >= 2);
  QCOMPARE(dock.network()->layers.front().op, cert::LayerOp::Input);
  QCOMPARE(cell(dock.layerModel(), 0, LayerTableModel::Op), QStringLiteral("Input"));
}

void TestNetworkDock::openedFileIsNotNamedAsBundled() {
  const QStringList bundled = cert::studio::BundledFiles::networks();
  if (bundled.size() < 2) QSKIP("needs two bundled networks");
  NetworkDock dock;
  dock.setBundledNetworks(bundled);
  QCOMPARE(dock.bundledChoice(), QString());  // nothing loaded: the placeholder
  QVERIFY(load(dock, bundled.front()));
  QCOMPARE(dock.bundledChoice(), QFileInfo(bundled.front()).completeBaseName());

  // A network opened by path: the combo says so instead of keeping the bundled name.
  cert::OnnxBuilder b("mine");
  const QString opened = write(QStringLiteral("mine.onnx"), QByteArray::fromStdString(buildMlp(b)->serialize()));
  QVERIFY(load(dock, opened));
  QCOMPARE(dock.bundledChoice(), QStringLiteral("(opened file)"));
  // A copy of a bundled network elsewhere is an opened file too.
  const QString copy = dir_.filePath(QStringLiteral("copy_of_") + QFileInfo(bundled.back()).fileName());
  QVERIFY(QFile::copy(bundled.back(), copy));
  QVERIFY(load(dock, copy));
  QCOMPARE(dock.bundledChoice(), QStringLiteral("(opened file)"));

  // A bundled network reached by another path is that bundled network; the placeholder entry goes.
  const QString detour = QFileInfo(bundled.back()).absolutePath() + QStringLiteral("/../networks/") + QFileInfo(bundled.back()).fileName();
  QVERIFY(load(dock, detour));
  QCOMPARE(dock.bundledChoice(), QFileInfo(bundled.back()).completeBaseName());
  QVERIFY(load(dock, bundled.front()));
  QCOMPARE(dock.bundledChoice(), QFileInfo(bundled.front()).completeBaseName());
  int openedEntries = 0;
  auto* combo = dock.findChild<QComboBox*>();
  QVERIFY(combo);
  for (int i = 0; i < combo->count(); ++i) openedEntries += combo->itemText(i) == QStringLiteral("(opened file)");
  QCOMPARE(openedEntries, 0);
  QCOMPARE(combo->count(), bundled.size());
}

QTEST_MAIN(TestNetworkDock)
#include "tst_network_dock.moc"
