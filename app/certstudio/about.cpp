// aboutText: versions from the build (CERTSTUDIO_VERSION, QScintilla) and the runtime (Qt).
#include "app/certstudio/about.h"

#include <Qsci/qsciglobal.h>

#include <QObject>
#include <QtGlobal>

#include "compiler/version.h"

namespace cert::studio {

QString aboutText() {
  return QObject::tr("<b>CertStudio %1</b>"
                     "<p>An IDE for designing DNN certifiers in the ConstraintFlow DSL."
                     "<p>ConstraintFlow compiler %2<br>Qt %3 (built with %4)<br>QScintilla %5")
      .arg(QStringLiteral(CERTSTUDIO_VERSION), QString::fromLatin1(cert::compilerVersion()),
           QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR), QStringLiteral(QSCINTILLA_VERSION_STR));
}

}  // namespace cert::studio
