// certc prove: exit 0 and every rule proved or unknown on specs/deeppoly.cf; exit 1 with the
// counterexample on a spec whose Relu upper bound is wrong; errors as FILE:LINE:COL.
#include <QtTest>

#include <QFile>
#include <QTemporaryDir>

#include "tests/support/certc_process.h"
#include "tests/support/test_paths.h"

using namespace cert::test;

namespace {

QString writeSpec(const QTemporaryDir& dir, const QString& name, const QByteArray& text) {
  const QString path = dir.filePath(name);
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly)) return {};
  f.write(text);
  return path;
}

}  // namespace

class TestCertcProve : public QObject {
  Q_OBJECT

 private slots:
  void deeppolyIsProved();
  void unsoundSpecExitsOne();
  void specWithErrors();
};

void TestCertcProve::deeppolyIsProved() {
  const CertcRun r = runCertc({"prove", QString::fromStdString(sourcePath("specs/deeppoly.cf"))});
  QCOMPARE(r.exitCode, 0);
  QVERIFY2(r.out.contains("deeppoly Affine") && r.out.contains("proved"), qPrintable(r.out));
  // 11 rules: Affine .. Avgpool, Neuron_add, Neuron_mult.
  QVERIFY2(r.out.contains("deeppoly Neuron_mult"), qPrintable(r.out));
  QVERIFY2(r.out.contains(QRegularExpression("\\b11 proved, 0 unsound, 0 unknown")), qPrintable(r.out));
  QVERIFY(!r.out.contains(" unsound "));
}

void TestCertcProve::unsoundSpecExitsOne() {
  QTemporaryDir dir;
  const QString spec = writeSpec(dir, "bad.cf",
                                 "def Shape as (Float l, Float u){[(curr[l]<=curr),(curr[u]>=curr)]};\n"
                                 "func priority(Neuron n) = n[layer];\n"
                                 "transformer bad { Relu -> ((prev[l] >= 0) ? prev[l] : 0, prev[u] / 2); }\n"
                                 "flow(forward, priority, false, bad);\n");
  const CertcRun r = runCertc({"prove", spec, "--op", "Relu"});
  QCOMPARE(r.exitCode, 1);
  QVERIFY2(r.out.contains("bad.cf:3: bad Relu") && r.out.contains("unsound"), qPrintable(r.out));
  QVERIFY2(r.out.contains("curr[u] >= curr fails at") && r.out.contains("prev[u] = "), qPrintable(r.out));
}

void TestCertcProve::specWithErrors() {
  QTemporaryDir dir;
  const QString spec = writeSpec(dir, "broken.cf",
                                 "def Shape as (Float l, Float u){[(curr[l]<=curr)]};\n"
                                 "transformer t { Relu -> (prev[q], prev[u]); }\n");
  const CertcRun r = runCertc({"prove", spec});
  QCOMPARE(r.exitCode, 1);
  QVERIFY2(r.out.contains("broken.cf:2:") && r.out.contains("error:"), qPrintable(r.out));
  QCOMPARE(runCertc({"prove"}).exitCode, 2);
}

QTEST_GUILESS_MAIN(TestCertcProve)
#include "tst_certc_prove.moc"
