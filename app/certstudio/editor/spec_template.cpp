// SpecTemplate: reads the bundled template.
#include "app/certstudio/editor/spec_template.h"

#include <QFile>

#include "app/certstudio/resources_init.h"

namespace cert::studio {

QString SpecTemplate::text() {
  ensureResources();
  QFile f(QStringLiteral(":/templates/new_certifier.cf"));
  return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

}  // namespace cert::studio
