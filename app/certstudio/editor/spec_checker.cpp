// SpecChecker: debounce per edit, QtConcurrent run of the front end, revision check on return.
#include "app/certstudio/editor/spec_checker.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>
#include <optional>
#include <string>

#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_editor.h"
#include "compiler/frontend.h"

namespace cert::studio {
namespace {

/// What one check found: its diagnostics and, when the text parsed, the spec's outline.
struct CheckResult {
  cert::Diagnostics diagnostics;
  std::optional<SpecOutline> outline;
};

CheckResult check(const std::string& text) {
  try {
    const cert::FrontendResult r = cert::runFrontend(text);
    CheckResult out{r.diagnostics, {}};
    if (r.parsed) out.outline = outlineOf(r.program);
    return out;
  } catch (const std::exception& e) {
    return {{cert::Diagnostic::error(std::string("internal error in the checker: ") + e.what())}, {}};
  }
}

}  // namespace

SpecChecker::SpecChecker(EditorTabs& tabs, QObject* parent) : QObject(parent), tabs_(tabs) {
  timer_.setSingleShot(true);
  timer_.setInterval(kDefaultDelayMs);
  connect(&timer_, &QTimer::timeout, this, &SpecChecker::checkDirty);
  connect(&tabs_, &EditorTabs::editorTextChanged, this, [this](SpecEditor* e) {
    ++revision_[e->id()];
    dirty_.insert(e->id());
    timer_.start();
  });
  connect(&tabs_, &EditorTabs::editorAdded, this, [this](SpecEditor* e) {
    dirty_.insert(e->id());
    timer_.start();
  });
  connect(&tabs_, &EditorTabs::editorClosed, this, [this](const QString& id) {
    dirty_.remove(id);
    revision_.remove(id);
  });
}

void SpecChecker::checkDirty() {
  const QSet<QString> ids = std::exchange(dirty_, {});
  for (SpecEditor* e : tabs_.editors())
    if (ids.contains(e->id())) checkNow(e);
}

void SpecChecker::checkNow(SpecEditor* editor) {
  const QString id = editor->id();
  const quint64 revision = revision_.value(id);
  auto* watcher = new QFutureWatcher<CheckResult>(this);
  connect(watcher, &QFutureWatcher<CheckResult>::finished, this, [this, watcher, id, revision] {
    watcher->deleteLater();
    if (revision_.value(id) != revision) return;  // edited meanwhile: a newer check is coming
    for (SpecEditor* e : tabs_.editors()) {
      if (e->id() != id) continue;
      const CheckResult result = watcher->result();
      const cert::Diagnostics& diags = result.diagnostics;
      if (result.outline) e->setOutline(*result.outline);  // keep the last good one on errors
      e->setDiagnostics(diags);
      int errors = 0, warnings = 0;
      for (const cert::Diagnostic& d : diags) {
        if (d.severity == cert::Severity::Error) ++errors;
        if (d.severity == cert::Severity::Warning) ++warnings;
      }
      emit checked(e, errors, warnings);
    }
  });
  watcher->setFuture(QtConcurrent::run(check, editor->text().toStdString()));
}

}  // namespace cert::studio
