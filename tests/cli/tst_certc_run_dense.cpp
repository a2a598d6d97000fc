// certc run --dense (the dense executor) prints the same summary table (items, labels, verdicts,
// margin lower bounds) as the default g-BCSR executor on the bundled CNN and MLP with DeepPoly,
// and each run prints its memory line naming its executor ("g-BCSR" / "dense executor").
#include <QtTest>

#include <QRegularExpression>

#include "tests/support/certc_process.h"
#include "tests/support/test_paths.h"

using namespace cert::test;

namespace {

QString src(const std::string& rel) { return QString::fromStdString(sourcePath(rel)); }

struct Row {
  QString item, label, verified;
  QStringList margins;
};

struct Summary {
  std::vector<Row> rows;
  QString verifiedLine;
  QString executor;       ///< from the memory line
  double stateMb = -1, denseFormMb = -1, ratio = -1;
};

/// Parses certc run's stdout: the table after the "item label verified time_ms" header, the
/// "verified N/M" line and the memory line. Returns false with `why` on an unexpected layout.
bool parse(const QString& out, Summary* s, QString* why) {
  const QStringList lines = out.split('\n', Qt::SkipEmptyParts);
  int i = 0;
  while (i < lines.size() && !lines[i].startsWith("item ")) ++i;
  if (i == lines.size()) return *why = "no table header", false;
  for (++i; i < lines.size() && !lines[i].startsWith("verified "); ++i) {
    const QStringList f = lines[i].split(' ', Qt::SkipEmptyParts);
    if (f.size() < 5) return *why = "short table row: " + lines[i], false;
    s->rows.push_back({f[0], f[1], f[2], f.mid(4)});  // f[3]: time_ms, differs between runs
  }
  if (i == lines.size()) return *why = "no 'verified N/M' line", false;
  s->verifiedLine = lines[i].section("  (", 0, 0);
  static const QRegularExpression memory(
      R"(^memory: abstract state ([0-9.]+) MB peak per item \(([^)]*)\), all-neurons dense form ([0-9.]+) MB, ratio ([0-9.]+)(; network weights referenced, not copied: [0-9.]+ MB)?$)");
  for (const QString& l : lines) {
    const auto m = memory.match(l);
    if (!m.hasMatch()) continue;
    s->stateMb = m.captured(1).toDouble();
    s->executor = m.captured(2);
    s->denseFormMb = m.captured(3).toDouble();
    s->ratio = m.captured(4).toDouble();
  }
  if (s->executor.isEmpty()) return *why = "no memory line in:\n" + out, false;
  return true;
}

/// Two printed margins (%.6g) agree: the same text, or values within the printing precision
/// (a 1e-9 difference may round the last printed digit differently).
bool sameMargin(const QString& a, const QString& b) {
  if (a == b) return true;
  bool okA = false, okB = false;
  const double x = a.toDouble(&okA), y = b.toDouble(&okB);
  return okA && okB && std::abs(x - y) <= 1e-5 * std::max(1e-3, std::abs(y));
}

}  // namespace

class TestCertcRunDense : public QObject {
  Q_OBJECT

 private slots:
  void denseFlagGivesTheSameTable_data() {
    QTest::addColumn<QString>("net");
    QTest::addColumn<QString>("count");
    QTest::newRow("cnn_small") << "cnn_small" << "3";
    QTest::newRow("mlp_784_50_50_10") << "mlp_784_50_50_10" << "5";
  }
  void denseFlagGivesTheSameTable() {
    QFETCH(QString, net);
    QFETCH(QString, count);
    const QStringList args = {"run", src("specs/deeppoly.cf"), "--net", src("resources/networks/" + net.toStdString() + ".onnx"),
                              "--data", src("resources/inputs/mnist_10.csv"), "--index", "0", "--count", count,
                              "--eps", "0.005"};
    const CertcRun g = runCertc(args, 120000);
    const CertcRun d = runCertc(QStringList(args) << "--dense", 120000);
    QVERIFY2(!g.crashed && g.exitCode == 0, qPrintable(g.err));
    QVERIFY2(!d.crashed && d.exitCode == 0, qPrintable(d.err));

    Summary sg, sd;
    QString why;
    QVERIFY2(parse(g.out, &sg, &why), qPrintable(why));
    QVERIFY2(parse(d.out, &sd, &why), qPrintable(why));
    QCOMPARE(sg.executor, QString("g-BCSR"));
    QCOMPARE(sd.executor, QString("dense executor"));

    QCOMPARE(sg.rows.size(), size_t(count.toInt()));
    QCOMPARE(sd.rows.size(), sg.rows.size());
    for (size_t i = 0; i < sg.rows.size(); ++i) {
      const Row& a = sg.rows[i];
      const Row& b = sd.rows[i];
      QCOMPARE(a.item, b.item);
      QCOMPARE(a.label, b.label);
      QCOMPARE(a.verified, b.verified);
      QCOMPARE(a.margins.size(), qsizetype(9));  // 10 classes: y_label - y_j, j != label
      QCOMPARE(b.margins.size(), a.margins.size());
      for (qsizetype j = 0; j < a.margins.size(); ++j)
        QVERIFY2(sameMargin(a.margins[j], b.margins[j]),
                 qPrintable(QString("item %1 margin %2: g-BCSR %3 vs dense %4").arg(a.item).arg(j).arg(a.margins[j], b.margins[j])));
    }
    QCOMPARE(sg.verifiedLine, sd.verifiedLine);

    // The all-neurons dense form is a property of the spec and network: the same in both; each
    // executor's state is at most that, and the g-BCSR state at most the dense executor's.
    QCOMPARE(sg.denseFormMb, sd.denseFormMb);
    QVERIFY(sg.denseFormMb > 0);
    QVERIFY(sg.stateMb > 0 && sg.stateMb <= sg.denseFormMb);
    QVERIFY(sd.stateMb > 0 && sd.stateMb <= sd.denseFormMb);
    QVERIFY2(sg.stateMb <= sd.stateMb, qPrintable(QString("g-BCSR %1 MB vs dense %2 MB").arg(sg.stateMb).arg(sd.stateMb)));
    QVERIFY(sg.ratio <= 1.0 && sd.ratio <= 1.0);
    if (net == "cnn_small")  // convolutions as Kernel blocks: far below the dense executor
      QVERIFY2(3 * sg.stateMb <= sd.stateMb, qPrintable(QString("g-BCSR %1 MB vs dense %2 MB").arg(sg.stateMb).arg(sd.stateMb)));
  }

  // --dense is a flag (takes no value): a following option is still read as an option.
  void denseFlagBeforeOtherOptions() {
    const CertcRun r = runCertc({"run", src("specs/deeppoly.cf"), "--dense", "--net",
                                 src("resources/networks/deeppoly_example.onnx"), "--vnnlib",
                                 src("resources/inputs/deeppoly_example.vnnlib")},
                                60000);
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(r.err + r.out));
    Summary s;
    QString why;
    QVERIFY2(parse(r.out, &s, &why), qPrintable(why));
    QCOMPARE(s.executor, QString("dense executor"));
    QCOMPARE(s.verifiedLine, QString("verified 1/1"));  // the paper: x11 >= x12 is proved
  }
};

QTEST_GUILESS_MAIN(TestCertcRunDense)
#include "tst_certc_run_dense.moc"
