// Batch runs: N dataset rows give N table rows whose verified count and deciding margins match a
// direct runtime run; VNN-LIB folders and instances CSVs; cancel stops; a click shows the item's
// bounds; per-item progress reaches 100 %; the CSV export has one line per item.
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include "app/certstudio/batch/batch_dock.h"
#include "app/certstudio/batch/batch_job.h"
#include "app/certstudio/batch/batch_session.h"
#include "app/certstudio/batch/batch_table_model.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/main_window.h"
#include "app/certstudio/models/bounds_model.h"
#include "app/certstudio/run/run_bar.h"
#include "app/certstudio/run/run_session.h"
#include "core/network/forward.h"
#include "core/property/dataset_csv.h"
#include "core/property/vnnlib.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "tests/app/run_fixtures.h"
#include "tests/app/window_fixtures.h"

Q_DECLARE_METATYPE(cert::studio::RunOutcome)

using namespace cert::studio;
using namespace cert::studio::test;

namespace {

const QString kDataset = kSource + QStringLiteral("/resources/inputs/mnist_10.csv");

bool writeFile(const QString& path, const QByteArray& text) {
  QFile f(path);
  return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text) == text.size();
}

/// The deeppoly_example property with input box [-r, r]^2 and the unsafe region `unsafe`.
QByteArray exampleVnnlib(double r, const char* unsafe) {
  return QStringLiteral("(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n(declare-const Y_1 Real)\n"
                        "(assert (>= X_0 %1))\n(assert (<= X_0 %2))\n(assert (>= X_1 %1))\n(assert (<= X_1 %2))\n(assert %3)\n")
      .arg(-r).arg(r).arg(QString::fromLatin1(unsafe)).toUtf8();
}

/// A window with deeppoly.cf and `net` loaded.
struct Window {
  QTemporaryDir dir;
  MainWindow w{isolatedWindowOptions(dir)};
  BatchSession* batch = nullptr;
  bool ok = false;
  explicit Window(const QString& net) {
    QSignalSpy loaded(w.networkDock(), &NetworkDock::loadFinished);
    w.startUp(kSource + QStringLiteral("/specs/deeppoly.cf"), kSource + QStringLiteral("/resources/networks/") + net);
    ok = loaded.wait(30000) && w.networkDock()->network();
    batch = w.findChild<BatchSession*>();
  }
  /// Starts `source` and waits for the batch to end; the total outcome.
  RunOutcome runBatch(const BatchSource& source) {
    QSignalSpy done(batch, &BatchSession::batchFinished);
    if (!batch->start(source)) return {};
    if (!done.wait(300000)) return {};
    return done.front().front().value<RunOutcome>();
  }
};

}  // namespace


class TestBatch : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { qRegisterMetaType<RunOutcome>(); }
  void datasetRowsMatchDirectRun();
  void vnnlibFolderAndInstancesCsv();
  void cancelStopsTheBatch();
  void cancelInsideAnItemStopsThere();
  void clickShowsThatItemsBounds();
};

/// mnist_10.csv with every even row labelled as the network predicts it and every odd row as
/// the next class: the seeded random network then verifies some rows and not others.
static QString relabelledDataset(const cert::Network& net, const QString& path) {
  const auto rows = cert::readDatasetCsv(kDataset.toStdString());
  if (!rows.ok()) return {};
  const auto prop = cert::datasetProperty(net, kDataset.toStdString(), 0, static_cast<int64_t>(rows->size()), 0.0);
  if (!prop.ok()) return {};
  QByteArray csv;
  for (size_t i = 0; i < rows->size(); ++i) {
    Eigen::Index predicted = 0;
    cert::forward(net, prop->items[i].center).maxCoeff(&predicted);
    csv += QByteArray::number(i % 2 == 0 ? predicted : (predicted + 1) % 10);
    for (double v : (*rows)[i].pixels) csv += ',' + QByteArray::number(v);
    csv += '\n';
  }
  return writeFile(path, csv) ? path : QString();
}

void TestBatch::datasetRowsMatchDirectRun() {
  Window win(QStringLiteral("mlp_784_50_50_10.onnx"));
  QVERIFY(win.ok && win.batch);
  const QString dataset = relabelledDataset(*win.w.networkDock()->network(), win.dir.filePath(QStringLiteral("relabelled.csv")));
  QVERIFY(!dataset.isEmpty());
  for (const double eps : {0.0, 0.001}) {
    win.w.runSession()->bar()->setEps(eps);
    QSignalSpy items(win.batch->controller(), &RunController::itemFinished);
    BatchSource src;
    src.path = dataset;
    src.first = 0;
    src.count = -1;  // all rows
    const RunOutcome total = win.runBatch(src);
    QCOMPARE(total.state, RunOutcome::State::Done);
    BatchTableModel* m = win.batch->model();

    // Independently: every row of the file through the runtime in one certify call.
    const auto rows = cert::readDatasetCsv(dataset.toStdString());
    QVERIFY(rows.ok());
    const int n = static_cast<int>(rows->size());
    const auto net = win.w.networkDock()->network();
    auto cc = cert::compileCertifier(readAll(kSource + QStringLiteral("/specs/deeppoly.cf")));
    QVERIFY(cc.ok());
    auto prop = cert::datasetProperty(*net, dataset.toStdString(), 0, n, eps);
    QVERIFY(prop.ok());
    auto direct = cert::certify(*cc, *net, *prop);
    QVERIFY(direct.ok());
    int verified = 0;
    for (const cert::ItemResult& it : direct->items) verified += it.verified;
    if (eps == 0) QVERIFY2(verified > 0 && verified < n, qPrintable(QString::number(verified)));  // a count that tells

    QCOMPARE(m->rowCount(), n);
    QCOMPARE(items.count(), n);
    QCOMPARE(m->finishedCount(), n);
    QCOMPARE(m->verifiedCount(), verified);
    QVERIFY2(win.batch->dock()->summaryLabel()->text().contains(QStringLiteral("verified %1/%2").arg(verified).arg(n)),
             qPrintable(win.batch->dock()->summaryLabel()->text()));
    QCOMPARE(win.batch->dock()->progressBar()->value(), n);
    for (int i = 0; i < n; ++i) {
      const BatchTableModel::Row& r = m->row(i);
      QCOMPARE(r.name, QStringLiteral("row %1").arg(i));
      QCOMPARE(r.property, QStringLiteral("label %1").arg((*rows)[static_cast<size_t>(i)].label));
      QCOMPARE(r.state == BatchTableModel::State::Verified, direct->items[static_cast<size_t>(i)].verified);
      QVERIFY(r.hasDeciding);
      QCOMPARE(r.deciding, direct->items[static_cast<size_t>(i)].marginLower.minCoeff());
      QCOMPARE(m->data(m->index(i, BatchTableModel::Progress), BatchTableModel::kProgressRole).toInt(), 100);
    }
    // Export: a header and one line per item, the verdicts in order.
    const QString csv = win.dir.filePath(QStringLiteral("batch.csv"));
    QVERIFY(win.batch->dock()->exportCsv(csv));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), n + 1);
    QVERIFY(lines[0].startsWith("item,property,verdict,deciding_bound,time_ms"));
    for (int i = 0; i < n; ++i)
      QVERIFY(lines[i + 1].startsWith(QStringLiteral("\"row %1\",\"label %2\",\"%3\"")
                                          .arg(i)
                                          .arg((*rows)[static_cast<size_t>(i)].label)
                                          .arg(direct->items[static_cast<size_t>(i)].verified ? "verified" : "not verified")
                                          .toUtf8()));
  }
}

void TestBatch::vnnlibFolderAndInstancesCsv() {
  QTemporaryDir tmp;
  const QString props = tmp.filePath(QStringLiteral("props"));
  QVERIFY(QDir().mkpath(props));
  // Safe (y0 >= y1 holds on [-1, 1]^2), unsafe (its complement is reachable), and a wide box.
  QVERIFY(writeFile(props + QStringLiteral("/a_safe.vnnlib"), exampleVnnlib(1, "(<= Y_0 Y_1)")));
  QVERIFY(writeFile(props + QStringLiteral("/b_reachable.vnnlib"), exampleVnnlib(1, "(>= Y_0 Y_1)")));
  QVERIFY(writeFile(props + QStringLiteral("/c_wide.vnnlib"), exampleVnnlib(3, "(<= Y_0 Y_1)")));
  const QString netPath = kSource + QStringLiteral("/resources/networks/deeppoly_example.onnx");
  QVERIFY(QFile::copy(netPath, tmp.filePath(QStringLiteral("example.onnx"))));

  Window win(QStringLiteral("deeppoly_example.onnx"));
  QVERIFY(win.ok && win.batch);
  const auto net = win.w.networkDock()->network();
  auto cc = cert::compileCertifier(readAll(kSource + QStringLiteral("/specs/deeppoly.cf")));
  QVERIFY(cc.ok());
  const QStringList files{QStringLiteral("a_safe"), QStringLiteral("b_reachable"), QStringLiteral("c_wide")};
  std::vector<bool> expected;
  for (const QString& f : files) {
    auto prop = cert::readVnnlib((props + QLatin1Char('/') + f + QStringLiteral(".vnnlib")).toStdString(), *net);
    QVERIFY(prop.ok());
    auto run = cert::certify(*cc, *net, *prop);
    QVERIFY(run.ok());
    bool all = true;
    for (const cert::ItemResult& it : run->items) all = all && it.verified;
    expected.push_back(all);
  }
  QVERIFY(expected[0]);   // the paper's property
  QVERIFY(!expected[1]);  // y0 >= y1 does happen
  const int verified = static_cast<int>(std::count(expected.begin(), expected.end(), true));

  BatchSource folder;
  folder.kind = BatchSource::Kind::VnnlibFolder;
  folder.path = props;
  QCOMPARE(win.runBatch(folder).state, RunOutcome::State::Done);
  BatchTableModel* m = win.batch->model();
  QCOMPARE(m->rowCount(), 3);
  QCOMPARE(m->verifiedCount(), verified);
  for (int i = 0; i < 3; ++i) {
    QCOMPARE(m->row(i).name, files[i]);
    QCOMPARE(m->row(i).state == BatchTableModel::State::Verified, expected[static_cast<size_t>(i)]);
  }

  // The same three as VNN-COMP instances (paths relative to the CSV), plus a missing network.
  QVERIFY(writeFile(tmp.filePath(QStringLiteral("instances.csv")),
                    "example.onnx,props/a_safe.vnnlib,60\nexample.onnx,props/b_reachable.vnnlib,60\n"
                    "\nexample.onnx,props/c_wide.vnnlib,60\nmissing.onnx,props/a_safe.vnnlib,60\n"));
  BatchSource inst;
  inst.kind = BatchSource::Kind::InstancesCsv;
  inst.path = tmp.filePath(QStringLiteral("instances.csv"));
  QCOMPARE(win.runBatch(inst).state, RunOutcome::State::Done);
  QCOMPARE(m->rowCount(), 4);
  QCOMPARE(m->verifiedCount(), verified);
  QCOMPARE(m->row(0).name, QStringLiteral("example / a_safe"));
  QCOMPARE(m->row(3).state, BatchTableModel::State::Failed);
  for (int i = 0; i < 3; ++i) QCOMPARE(m->row(i).state == BatchTableModel::State::Verified, expected[static_cast<size_t>(i)]);
  // A malformed line is an error before anything runs.
  QVERIFY(writeFile(tmp.filePath(QStringLiteral("bad.csv")), "example.onnx\n"));
  inst.path = tmp.filePath(QStringLiteral("bad.csv"));
  QVERIFY(!win.batch->start(inst));
  QVERIFY2(win.batch->lastMessage().contains(QStringLiteral("bad.csv:1")), qPrintable(win.batch->lastMessage()));
}

void TestBatch::cancelStopsTheBatch() {
  Window win(QStringLiteral("mlp_784_100x6_10.onnx"));
  QVERIFY(win.ok && win.batch);
  BatchSource src;
  src.path = kDataset;
  src.count = -1;
  QSignalSpy done(win.batch, &BatchSession::batchFinished);
  QVERIFY(win.batch->start(src));
  QVERIFY(win.batch->dock()->cancelButton()->isEnabled());
  QTest::mouseClick(win.batch->dock()->cancelButton(), Qt::LeftButton);
  QVERIFY(done.wait(120000));
  QCOMPARE(done.front().front().value<RunOutcome>().state, RunOutcome::State::Cancelled);
  BatchTableModel* m = win.batch->model();
  QCOMPARE(m->rowCount(), 10);
  QVERIFY(m->finishedCount() < m->rowCount());
  int cancelled = 0;
  for (int i = 0; i < m->rowCount(); ++i) cancelled += m->row(i).state == BatchTableModel::State::Cancelled;
  QCOMPARE(cancelled, m->rowCount() - m->finishedCount());
  QVERIFY(!win.batch->dock()->cancelButton()->isEnabled());
  QVERIFY(win.batch->lastMessage().contains(QStringLiteral("cancelled")));
}

void TestBatch::cancelInsideAnItemStopsThere() {
  // executeBatch itself: the flag set during item 1's second layer stops item 1 there; no item 2.
  BatchRequest req;
  req.specText = readAll(kSource + QStringLiteral("/specs/deeppoly.cf"));
  req.specName = QStringLiteral("deeppoly.cf");
  req.network = importNet(QStringLiteral("mlp_784_50_50_10.onnx"));
  QVERIFY(req.network);
  BatchSource src;
  src.path = kDataset;
  src.count = 5;
  req.entries = listBatch(src).entries;
  QCOMPARE(req.entries.size(), size_t(5));
  std::atomic<bool> cancel{false};
  std::vector<std::pair<int, RunOutcome::State>> items;
  int layersOfItem1 = 0;
  const RunOutcome total = executeBatch(
      req, cancel,
      [&](int layer, int) {
        if (items.size() == 1 && layer >= 1) {
          ++layersOfItem1;
          if (layer == 2) cancel.store(true);
        }
      },
      [&](int i, const RunOutcome& o) { items.emplace_back(i, o.state); });
  QCOMPARE(total.state, RunOutcome::State::Cancelled);
  QCOMPARE(items.size(), size_t(2));
  QCOMPARE(items[0].second, RunOutcome::State::Done);
  QCOMPARE(items[1].first, 1);
  QCOMPARE(items[1].second, RunOutcome::State::Cancelled);
  QVERIFY(layersOfItem1 < static_cast<int>(req.network->layers.size()));
}

void TestBatch::clickShowsThatItemsBounds() {
  Window win(QStringLiteral("mlp_784_50_50_10.onnx"));
  QVERIFY(win.ok && win.batch);
  win.w.resize(1400, 900);
  win.w.show();
  QVERIFY(QTest::qWaitForWindowExposed(&win.w));
  win.w.runSession()->bar()->setEps(0.004);
  BatchSource src;
  src.path = kDataset;
  src.first = 2;
  src.count = 5;
  QCOMPARE(win.runBatch(src).state, RunOutcome::State::Done);
  QTableView* table = win.batch->dock()->table();
  QCOMPARE(table->model()->rowCount(), 5);
  win.batch->dock()->show();
  win.batch->dock()->raise();
  QApplication::processEvents();

  const auto net = win.w.networkDock()->network();
  auto cc = cert::compileCertifier(readAll(kSource + QStringLiteral("/specs/deeppoly.cf")));
  QVERIFY(cc.ok());
  BoundsModel* bounds = win.w.runSession()->model();
  for (const int row : {3, 1}) {  // rows 5 and 3 of the file
    auto prop = cert::datasetProperty(*net, kDataset.toStdString(), 2 + row, 1, 0.004);
    QVERIFY(prop.ok());
    auto direct = cert::certify(*cc, *net, *prop);
    QVERIFY(direct.ok());
    QSignalSpy changed(bounds, &BoundsModel::changed);
    const QRect cell = table->visualRect(table->model()->index(row, 0));
    QVERIFY(cell.isValid());
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QVERIFY(changed.count() >= 1);
    QVERIFY(bounds->hasRun());
    const cert::ItemResult& d = direct->items.front();
    QCOMPARE(bounds->layerCount(), static_cast<int>(d.layers.size()));
    for (int l = 0; l < bounds->layerCount(); ++l) {
      QCOMPARE(bounds->bounds(l)->lower, d.layers[static_cast<size_t>(l)].lower);
      QCOMPARE(bounds->bounds(l)->upper, d.layers[static_cast<size_t>(l)].upper);
    }
    QCOMPARE(bounds->run()->marginLower, d.marginLower);
  }
}

QTEST_MAIN(TestBatch)
#include "tst_batch.moc"
