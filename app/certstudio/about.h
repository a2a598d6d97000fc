// Help > About: what the person is running (CertStudio, compiler, Qt, QScintilla versions).
#pragma once

#include <QString>

namespace cert::studio {

/// The About box's rich text, with every version it was built with and runs on.
QString aboutText();

}  // namespace cert::studio
