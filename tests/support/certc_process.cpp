// Runs the certc binary built with the tests and collects its exit code and output.
#include "tests/support/certc_process.h"

#include <QProcess>

#include "tests/support/test_paths.h"

namespace cert::test {

CertcRun runCertc(const QStringList& args, int timeoutMs) {
  QProcess p;
  p.start(QString::fromStdString(certcBinary()), args);
  CertcRun r;
  if (!p.waitForFinished(timeoutMs)) {
    p.kill();
    p.waitForFinished();
    r.crashed = true;
    return r;
  }
  r.crashed = p.exitStatus() != QProcess::NormalExit;
  if (!r.crashed) r.exitCode = p.exitCode();
  r.out = QString::fromUtf8(p.readAllStandardOutput());
  r.err = QString::fromUtf8(p.readAllStandardError());
  return r;
}

}  // namespace cert::test
