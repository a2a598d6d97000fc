// Shared CLI checks over a small four-input model (see the header).
#include "tests/support/certc_box_checks.h"

#include <QFile>
#include <QRegularExpression>
#include <QtTest>

#include "tests/support/certc_process.h"

namespace cert::test {

bool writeFourInputBox(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly)) return false;
  f.write("(declare-const X_0 Real)\n(declare-const X_1 Real)\n"
          "(declare-const X_2 Real)\n(declare-const X_3 Real)\n"
          "(declare-const Y_0 Real)\n(declare-const Y_1 Real)\n(declare-const Y_2 Real)\n"
          "(assert (>= X_0 -1.0))\n(assert (<= X_0 1.0))\n"
          "(assert (>= X_1 -0.5))\n(assert (<= X_1 0.5))\n"
          "(assert (>= X_2 -1.0))\n(assert (<= X_2 0.25))\n"
          "(assert (>= X_3 0.0))\n(assert (<= X_3 1.0))\n"
          "(assert (<= Y_0 Y_1))\n");
  return true;
}

const std::vector<const char*>& shippedSpecNames() {
  static const std::vector<const char*> kSpecs = {"ibp",   "deeppoly",       "crown",        "deepz",
                                                  "deeppoly_deepz", "deeppoly_k", "deeppoly_eran"};
  return kSpecs;
}

void verifyRunAndSoundness(const QString& specPath, const QString& net, const QString& prop, int samples, int seed,
                           int minNeurons, const QStringList& extraRunArgs) {
  const CertcRun run = runCertc(QStringList{"run", specPath, "--net", net, "--vnnlib", prop} + extraRunArgs);
  QVERIFY2(!run.crashed && run.exitCode == 0, qPrintable(run.err + run.out));
  QVERIFY2(run.err.isEmpty(), qPrintable(run.err));
  qInfo("%s", qPrintable(run.out.right(600)));
  const CertcRun s = runCertc({"soundness", specPath, "--net", net, "--vnnlib", prop, "--samples",
                               QString::number(samples), "--seed", QString::number(seed)});
  QVERIFY2(s.exitCode == 0, qPrintable(s.err + s.out.right(2000)));
  const QRegularExpressionMatch m =
      QRegularExpression(QString("soundness: %1 samples x (\\d+) neurons checked, 0 violations").arg(samples)).match(s.out);
  QVERIFY2(m.hasMatch(), qPrintable(s.out));
  QVERIFY(m.captured(1).toInt() > minNeurons);
  QVERIFY(!s.out.contains("violation:"));
  qInfo("%s", qPrintable(m.captured(0)));
}

}  // namespace cert::test
