// Reading and writing spec files as text, with a message for anything that is not plain UTF-8.
#pragma once

#include <QString>

namespace cert::studio {

/// A spec file's text. `error` set: nothing could be read. `warning` set: the text was read
/// but is not clean UTF-8 text (binary bytes replaced), so it should not be saved over the file.
struct SpecText {
  QString text;
  QString error;
  QString warning;
  bool ok() const { return error.isEmpty(); }
};

/// Largest spec the editor opens (a guard against opening a huge binary by mistake).
inline constexpr qint64 kMaxSpecBytes = 8 * 1024 * 1024;

/// Reads `path`; never throws.
SpecText readSpecFile(const QString& path);

/// Writes `text` as UTF-8 atomically (QSaveFile). Returns an error message, or empty on success.
QString writeSpecFile(const QString& path, const QString& text);

}  // namespace cert::studio
