// Severity icons from the resource file.
#include "app/certstudio/models/severity_icon.h"
#include "app/certstudio/resources_init.h"

namespace cert::studio {

QIcon severityIcon(cert::Severity severity) {
  ensureResources();
  switch (severity) {
    case cert::Severity::Error: return QIcon(QStringLiteral(":/icons/error.svg"));
    case cert::Severity::Warning: return QIcon(QStringLiteral(":/icons/warning.svg"));
    case cert::Severity::Note: return QIcon(QStringLiteral(":/icons/note.svg"));
  }
  return {};
}

}  // namespace cert::studio
