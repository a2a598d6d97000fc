// LanguageReference: loading the bundled page, mapping words to anchors, scrolling to an entry.
#include "app/certstudio/help/language_reference.h"

#include <QFile>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "app/certstudio/resources_init.h"

namespace cert::studio {

LanguageReference::LanguageReference(QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("LanguageReference"));
  setWindowTitle(tr("ConstraintFlow Language Reference"));
  setModal(false);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  browser_ = new QTextBrowser(this);
  browser_->setOpenLinks(true);
  browser_->setOpenExternalLinks(false);
  browser_->setHtml(html());
  layout->addWidget(browser_);
  resize(760, 640);
}

QString LanguageReference::html() {
  ensureResources();
  QFile f(QStringLiteral(":/help/language_reference.html"));
  return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

QSet<QString> LanguageReference::anchors() {
  static const QSet<QString> names = [] {
    QSet<QString> out;
    static const QRegularExpression re(QStringLiteral("<a name=\"([^\"]+)\""));
    for (const QRegularExpressionMatch& m : re.globalMatch(html())) out.insert(m.captured(1));
    return out;
  }();
  return names;
}

QString LanguageReference::anchorFor(const QString& word) {
  if (word.isEmpty()) return {};
  const QSet<QString>& names = anchors();
  for (const QString& candidate : {QStringLiteral("kw-") + word, QStringLiteral("op-") + word})
    if (names.contains(candidate)) return candidate;
  if (word.startsWith(QLatin1String("rev_")) && names.contains(QStringLiteral("op-rev"))) return QStringLiteral("op-rev");
  return {};
}

QString LanguageReference::showEntry(const QString& word) {
  anchor_ = anchorFor(word);
  show();
  raise();
  activateWindow();
  if (anchor_.isEmpty()) {
    browser_->moveCursor(QTextCursor::Start);
    browser_->verticalScrollBar()->setValue(0);
  } else {
    browser_->scrollToAnchor(anchor_);
  }
  return anchor_;
}

}  // namespace cert::studio
