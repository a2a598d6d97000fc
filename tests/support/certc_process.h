// Runs the certc binary built with the tests and collects its exit code and output.
#pragma once

#include <QString>
#include <QStringList>

namespace cert::test {

/// How one certc run ended. A crash or a time-out leaves exitCode at -1 and sets crashed.
struct CertcRun {
  int exitCode = -1;
  bool crashed = false;
  QString out, err;
};

/// Runs `certc args...`, killing it after `timeoutMs`.
CertcRun runCertc(const QStringList& args, int timeoutMs = 300000);

}  // namespace cert::test
