// Help > Language Reference: the ConstraintFlow reference (a bundled HTML page) in a browser window.
#pragma once

#include <QDialog>
#include <QSet>
#include <QString>

class QTextBrowser;

namespace cert::studio {

/// A non-modal window over :/help/language_reference.html. Each keyword, type, metadata name and
/// layer operator of the language has an entry (anchor "kw-WORD" or "op-NAME"; the reverse
/// operators share "op-rev"), so F1 in the editor can open the entry of the word under the cursor.
class LanguageReference : public QDialog {
  Q_OBJECT

 public:
  explicit LanguageReference(QWidget* parent = nullptr);

  /// The anchor of `word`'s entry, or an empty string when the reference has none.
  static QString anchorFor(const QString& word);
  /// Every anchor the page defines.
  static QSet<QString> anchors();
  /// The page's HTML.
  static QString html();

  /// Shows the window (raised) at `word`'s entry, or at the top when it has none. Returns the
  /// anchor shown (empty: the top).
  QString showEntry(const QString& word = {});
  /// The anchor shown last (empty: the top of the page).
  QString currentAnchor() const { return anchor_; }
  QTextBrowser* browser() const { return browser_; }

 private:
  QTextBrowser* browser_ = nullptr;
  QString anchor_;
};

}  // namespace cert::studio
