// The icon shown for a diagnostic severity (Problems dock, Network dock messages).
#pragma once

#include <QIcon>

#include "core/diagnostics/diagnostic.h"

namespace cert::studio {

/// :/icons/error.svg, warning.svg or note.svg.
QIcon severityIcon(cert::Severity severity);

}  // namespace cert::studio
