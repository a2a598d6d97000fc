// Comparison: three certifiers pinned give three labelled series and a per-layer table whose widths
// equal those computed from a direct runtime run; two pins of one spec are told apart; hover gives
// the point's value; the CSV headers name each run; the chart exports at a chosen size and DPI.
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLineF>
#include <QSet>
#include <QPushButton>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app/certstudio/docks/bounds_dock.h"

#include <cmath>

#include "app/certstudio/charts/bounds_charts.h"
#include "app/certstudio/compare/compare_dock.h"
#include "app/certstudio/compare/compare_session.h"
#include "app/certstudio/compare/comparison_chart.h"
#include "app/certstudio/compare/comparison_set.h"
#include "app/certstudio/compare/comparison_table_model.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/main_window.h"
#include "app/certstudio/run/run_session.h"
#include "core/property/dataset_csv.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "tests/app/run_fixtures.h"
#include "tests/app/window_fixtures.h"

using namespace cert::studio;
using namespace cert::studio::test;

namespace {

const QStringList kSpecs{QStringLiteral("ibp.cf"), QStringLiteral("deeppoly.cf"), QStringLiteral("crown.cf")};
const QString kNet = QStringLiteral("mlp_784_50_50_10.onnx");
constexpr double kEps = 0.005;

RunOutcome runNow(const QString& spec) {
  RunRequest r = request(kNet, spec);
  r.eps = kEps;
  std::atomic<bool> cancel{false};
  return executeRun(r, cancel);
}

/// Every layer's bounds for `spec` straight from the runtime.
std::vector<cert::LayerBoundsResult> directBounds(const QString& spec, const cert::Network& net) {
  auto cc = cert::compileCertifier(readAll(kSource + QStringLiteral("/specs/") + spec));
  auto prop = cert::datasetProperty(net, (kSource + QStringLiteral("/resources/inputs/mnist_10.csv")).toStdString(), 0, 1, kEps);
  if (!cc.ok() || !prop.ok()) return {};
  auto run = cert::certify(*cc, net, *prop);
  return run.ok() ? run->items.front().layers : std::vector<cert::LayerBoundsResult>{};
}

}  // namespace

class TestCompare : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void threeCertifiersThreeSeriesAndTable();
  void samesSpecPinnedTwiceIsToldApart();
  void hoverGivesTheValue();
  void exportsNameRunsAndHonourSizeAndDpi();
  void windowPinsTheLastRun();
  void boundsChartsShowValuesOnHover();

 private:
  QTemporaryDir dir_;
  std::unique_ptr<MainWindow> window_;
  CompareSession* session_ = nullptr;
  std::vector<RunOutcome> outcomes_;
};

void TestCompare::initTestCase() {
  window_ = std::make_unique<MainWindow>(isolatedWindowOptions(dir_));
  window_->resize(1400, 900);
  session_ = window_->findChild<CompareSession*>();
  QVERIFY(session_);
  for (const QString& spec : kSpecs) {
    outcomes_.push_back(runNow(spec));
    QCOMPARE(outcomes_.back().state, RunOutcome::State::Done);
  }
}

void TestCompare::threeCertifiersThreeSeriesAndTable() {
  ComparisonSet* set = session_->set();
  set->clear();
  for (const RunOutcome& o : outcomes_) QVERIFY(session_->pin(o) >= 0);
  QCOMPARE(set->size(), 3);
  const QStringList series = session_->dock()->chart()->seriesLabels();
  QCOMPARE(series, kSpecs);
  for (int i = 0; i < 3; ++i) {
    const QString label = set->run(i).label;
    QVERIFY2(label.startsWith(kSpecs[i]) && label.contains(QStringLiteral("mnist_10.csv row 0")) &&
                 label.contains(QStringLiteral("eps 0.005")),
             qPrintable(label));
  }
  const auto net = importNet(kNet);
  QVERIFY(net);
  const int layers = static_cast<int>(net->layers.size());
  ComparisonTableModel* table = session_->dock()->tableModel();
  QCOMPARE(table->rowCount(), layers);
  QCOMPARE(table->columnCount(), 2 + 3 * 3);
  set->setBaseline(2);  // crown
  std::vector<std::vector<cert::LayerBoundsResult>> direct;
  for (const QString& spec : kSpecs) direct.push_back(directBounds(spec, *net));
  for (int l = 0; l < layers; ++l)
    for (int r = 0; r < 3; ++r) {
      const cert::LayerBoundsResult& b = direct[static_cast<size_t>(r)][static_cast<size_t>(l)];
      double sum = 0, mx = 0;
      for (Eigen::Index i = 0; i < b.lower.size(); ++i) {
        sum += b.upper[i] - b.lower[i];
        mx = std::max(mx, b.upper[i] - b.lower[i]);
      }
      const double mean = sum / static_cast<double>(b.lower.size());
      const cert::LayerBoundsResult& base = direct[2][static_cast<size_t>(l)];
      const double baseMean = (base.upper - base.lower).sum() / static_cast<double>(base.lower.size());
      const double gotMean = table->data(table->index(l, ComparisonTableModel::columnOf(r, 0)), Qt::EditRole).toDouble();
      const double gotMax = table->data(table->index(l, ComparisonTableModel::columnOf(r, 1)), Qt::EditRole).toDouble();
      const double gotRatio = table->data(table->index(l, ComparisonTableModel::columnOf(r, 2)), Qt::EditRole).toDouble();
      QVERIFY2(std::fabs(gotMean - mean) <= 1e-12 * (1 + std::fabs(mean)), qPrintable(QStringLiteral("layer %1 run %2").arg(l).arg(r)));
      QCOMPARE(gotMax, mx);
      QVERIFY(std::fabs(gotRatio - mean / baseMean) <= 1e-12 * (1 + std::fabs(gotRatio)));
    }
  // IBP is never tighter than DeepPoly on the output layer (a sanity check of the columns).
  QVERIFY(set->meanWidth(0, layers - 1) >= set->meanWidth(1, layers - 1));
  // The headers say which run a column is.
  QVERIFY(table->headerData(ComparisonTableModel::columnOf(1, 0), Qt::Horizontal).toString().startsWith(QStringLiteral("deeppoly.cf")));
  QVERIFY(table->headerData(ComparisonTableModel::columnOf(2, 2), Qt::Horizontal).toString().contains(QStringLiteral("baseline")));
}

void TestCompare::samesSpecPinnedTwiceIsToldApart() {
  ComparisonSet* set = session_->set();
  set->clear();
  session_->pin(outcomes_[1]);
  session_->pin(outcomes_[1]);
  RunOutcome other = outcomes_[1];
  other.eps = 0.02;  // another eps: the label says so
  session_->pin(other);
  QCOMPARE(set->size(), 3);
  QVERIFY(set->run(0).label != set->run(1).label);
  QVERIFY(set->run(0).shortLabel != set->run(1).shortLabel);
  QVERIFY(set->run(2).label.contains(QStringLiteral("eps 0.02")));
  const QStringList series = session_->dock()->chart()->seriesLabels();
  QCOMPARE(QSet<QString>(series.begin(), series.end()).size(), 3);
  set->remove(1);
  QCOMPARE(set->size(), 2);
}

void TestCompare::hoverGivesTheValue() {
  ComparisonSet* set = session_->set();
  set->clear();
  for (const RunOutcome& o : outcomes_) session_->pin(o);
  ComparisonChart* chart = session_->dock()->chart();
  chart->setParent(nullptr);  // on its own, at a known size
  chart->resize(800, 400);
  chart->show();
  QVERIFY(QTest::qWaitForWindowExposed(chart));
  QSignalSpy hovered(chart, &ComparisonChart::hovered);
  // DeepPoly's point on a layer where no other run's point is near it (early layers coincide).
  int run = -1, layer = -1;
  for (int q : {1, 2, 0})
    for (int l = set->layerCount() - 1; l >= 0 && layer < 0; --l) {
      const QPointF p = chart->pointPos(q, l);
      if (p.isNull()) continue;
      bool alone = true;
      for (int r = 0; r < set->size(); ++r)
        for (int k = 0; k < set->layerCount(); ++k)
          if (!(r == q && k == l) && !chart->pointPos(r, k).isNull())
            alone = alone && QLineF(p, chart->pointPos(r, k)).length() > 13;
      if (alone) {
        run = q;
        layer = l;
      }
    }
  QVERIFY(layer >= 0);
  const QPointF at = chart->pointPos(run, layer);
  QMouseEvent move(QEvent::MouseMove, at, chart->mapToGlobal(at), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
  QApplication::sendEvent(chart, &move);
  QCOMPARE(hovered.count(), 1);
  QCOMPARE(hovered.front()[0].toInt(), run);
  QCOMPARE(hovered.front()[1].toInt(), layer);
  const cert::LayerBoundsResult& b = outcomes_[static_cast<size_t>(run)].item.layers[static_cast<size_t>(layer)];
  const double mean = (b.upper - b.lower).sum() / static_cast<double>(b.lower.size());
  QVERIFY(std::fabs(hovered.front()[2].toDouble() - mean) <= 1e-12 * (1 + mean));
  QVERIFY2(chart->hoverText().contains(set->run(run).label), qPrintable(chart->hoverText()));
  QVERIFY2(chart->hoverText().contains(QString::number(mean, 'g', 6)), qPrintable(chart->hoverText()));
  // Far from every point: no value.
  QVERIFY(chart->hoverAt(QPointF(2, 2)).isEmpty());
  chart->hide();
}

void TestCompare::exportsNameRunsAndHonourSizeAndDpi() {
  ComparisonSet* set = session_->set();
  set->clear();
  for (const RunOutcome& o : outcomes_) session_->pin(o);
  const QString csv = dir_.filePath(QStringLiteral("cmp.csv"));
  QVERIFY(session_->dock()->exportCsv(csv));
  QFile f(csv);
  QVERIFY(f.open(QIODevice::ReadOnly));
  const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
  const auto net = importNet(kNet);
  QCOMPARE(lines.size(), 1 + static_cast<int>(net->layers.size()));
  const QString header = QString::fromUtf8(lines[0]);
  for (int r = 0; r < 3; ++r) {
    const QString label = set->run(r).label;
    QVERIFY2(header.contains(QStringLiteral("\"mean width [%1]\"").arg(label)), qPrintable(header));
    QVERIFY2(header.contains(QStringLiteral("\"max width [%1]\"").arg(label)), qPrintable(header));
  }
  QCOMPARE(lines[1].split(',').size(), 2 + 3 * 3);

  const QString png = dir_.filePath(QStringLiteral("cmp.png"));
  QVERIFY(session_->dock()->exportChart(png, QSize(1500, 900), 300));
  QImage image(png);
  QCOMPARE(image.size(), QSize(1500, 900));
  QCOMPARE(std::lround(image.dotsPerMeterX() * 0.0254), 300L);
  // Not blank: the series colours are in the image.
  bool blue = false;
  for (int y = 0; y < image.height() && !blue; y += 2)
    for (int x = 0; x < image.width() && !blue; x += 2) blue = image.pixelColor(x, y) == comparisonColor(0);
  QVERIFY(blue);
  const QString svg = dir_.filePath(QStringLiteral("cmp.svg"));
  QVERIFY(session_->dock()->exportChart(svg, QSize(800, 500), 96));
  QFile s(svg);
  QVERIFY(s.open(QIODevice::ReadOnly));
  QVERIFY(s.readAll().contains("<svg"));
}

void TestCompare::windowPinsTheLastRun() {
  QTemporaryDir dir;
  MainWindow w(isolatedWindowOptions(dir));
  QSignalSpy loaded(w.networkDock(), &NetworkDock::loadFinished);
  w.startUp(kSource + QStringLiteral("/specs/deeppoly.cf"), kSource + QStringLiteral("/resources/networks/") + kNet);
  QVERIFY(loaded.wait(30000));
  CompareSession* cs = w.findChild<CompareSession*>();
  QVERIFY(cs);
  QCOMPARE(cs->pinLast(), -1);  // nothing run yet
  QSignalSpy done(w.runSession(), &RunSession::runFinished);
  QVERIFY(w.runSession()->run());
  QVERIFY(done.wait(120000));
  QTest::mouseClick(cs->dock()->pinButton(), Qt::LeftButton);
  QCOMPARE(cs->set()->size(), 1);
  QVERIFY(cs->set()->run(0).label.startsWith(QStringLiteral("deeppoly.cf")));
  // The Bounds dock's charts export at a chosen size and DPI too (PNG and SVG).
  BoundsDock* bounds = w.findChild<BoundsDock*>();
  QVERIFY(bounds);
  const QSize onScreen = bounds->findChild<IntervalChart*>()->parentWidget()->size();
  const QString png = dir.filePath(QStringLiteral("bounds.png"));
  QVERIFY(bounds->exportChart(png, QSize(1800, 1200), 300));
  const QImage image(png);
  QCOMPARE(image.size(), QSize(1800, 1200));
  QCOMPARE(image.dotsPerMeterX(), static_cast<int>(std::lround(300 / 0.0254)));
  int drawn = 0;  // the charts are drawn over the whole image, not only its corner
  for (int y = 0; y < 1200; y += 20)
    for (int x = 0; x < 1800; x += 20) drawn += image.pixelColor(x, y) != image.pixelColor(0, 0) ? 1 : 0;
  QVERIFY2(drawn > 100, qPrintable(QString::number(drawn)));
  int drawnRight = 0;  // including the right and bottom parts (laid out at the export size)
  for (int y = 600; y < 1200; y += 10)
    for (int x = 1200; x < 1800; x += 10) drawnRight += image.pixelColor(x, y) != image.pixelColor(1799, 1199) ? 1 : 0;
  QVERIFY2(drawnRight > 0, qPrintable(QString::number(drawnRight)));
  QVERIFY(bounds->exportChart(dir.filePath(QStringLiteral("bounds.svg")), QSize(900, 600), 96));
  QVERIFY(QFileInfo(dir.filePath(QStringLiteral("bounds.svg"))).size() > 1000);
  QCOMPARE(bounds->findChild<IntervalChart*>()->parentWidget()->size(), onScreen);  // the panel is given back
}

void TestCompare::boundsChartsShowValuesOnHover() {
  // Five neurons; sweeping the mouse across the plot names every neuron once, left to right,
  // with its own interval.
  IntervalSeries main{QStringLiteral("a"), Eigen::VectorXd(5), Eigen::VectorXd(5)};
  main.lower << -1, -0.5, 0, 0.25, 2;
  main.upper << 1, 0.5, 3, 0.75, 2.5;
  IntervalChart chart;
  chart.resize(500, 200);
  chart.setData(QStringLiteral("t"), main, {}, false);
  QStringList seen;
  for (int x = 0; x < 500; ++x) {
    const QString t = chart.valueAt(QPointF(x, 100));
    if (!t.isEmpty() && (seen.isEmpty() || seen.back() != t)) seen << t;
  }
  QCOMPARE(seen.size(), 5);
  for (int i = 0; i < 5; ++i)
    QCOMPARE(seen[i], QStringLiteral("neuron %1: [%2, %3], width %4")
                          .arg(i)
                          .arg(main.lower[i], 0, 'g', 6)
                          .arg(main.upper[i], 0, 'g', 6)
                          .arg(main.upper[i] - main.lower[i], 0, 'g', 6));
  LayerWidthChart layers;
  layers.resize(400, 200);
  layers.setData({0.5, 0.25, 4.0}, {}, {QStringLiteral("in"), QStringLiteral("fc"), QStringLiteral("out")}, 0);
  seen.clear();
  for (int x = 0; x < 400; ++x) {
    const QString t = layers.valueAt(QPointF(x, 100));
    if (!t.isEmpty() && (seen.isEmpty() || seen.back() != t)) seen << t;
  }
  QCOMPARE(seen, (QStringList{QStringLiteral("layer 0 'in': mean width 0.5"), QStringLiteral("layer 1 'fc': mean width 0.25"),
                              QStringLiteral("layer 2 'out': mean width 4")}));
}

QTEST_MAIN(TestCompare)
#include "tst_compare.moc"
