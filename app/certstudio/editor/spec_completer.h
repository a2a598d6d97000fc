// Auto-completion and call tips in a SpecEditor, from cf_completion over the spec's outline.
#pragma once

#include <QObject>
#include <QStringList>

#include "app/certstudio/editor/cf_completion.h"

class QsciScintilla;

namespace cert::studio {

/// Watches the characters typed into `editor`: after `[` or a few identifier characters it shows
/// Scintilla's completion list; after `f(` for a spec function it shows the parameter list as a
/// call tip. Ctrl+Space asks for the list with any prefix.
class SpecCompleter : public QObject {
  Q_OBJECT

 public:
  /// Identifier characters typed before the list opens by itself.
  static constexpr int kMinPrefix = 2;

  explicit SpecCompleter(QsciScintilla& editor);

  /// The spec's own names, refreshed after each successful check.
  void setOutline(SpecOutline outline) { outline_ = std::move(outline); }
  const SpecOutline& outline() const { return outline_; }

  /// Shows the list for the cursor position; `explicitRequest` lowers the prefix needed to 0.
  void complete(bool explicitRequest);
  /// The words of the list shown last (empty when none was shown).
  QStringList lastOffered() const { return lastOffered_; }

 private:
  void onCharAdded(int ch);
  std::string lineBeforeCursor() const;

  QsciScintilla& editor_;
  SpecOutline outline_;
  QStringList lastOffered_;
};

}  // namespace cert::studio
