// ProveSession: the Prove action, a QtConcurrent run of the prover, verdicts merged into the
// editor's diagnostics (and kept across the live checker's refresh of the same text).
#include "app/certstudio/prove/prove_session.h"

#include <QAction>
#include <QFutureWatcher>
#include <QMenuBar>
#include <QStatusBar>
#include <QToolBar>
#include <QtConcurrent/QtConcurrentRun>

#include <Qsci/qscistyle.h>

#include <exception>

#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_checker.h"
#include "app/certstudio/editor/spec_editor.h"
#include "app/certstudio/main_window.h"
#include "compiler/frontend.h"

namespace cert::studio {
namespace {

cert::prove::ProveReport runProof(const std::string& text, std::shared_ptr<std::atomic<bool>> cancel) {
  try {
    const cert::FrontendResult fe = cert::runFrontend(text);
    cert::prove::ProveOptions options;
    options.cancelled = [cancel] { return cancel->load(); };
    cert::prove::ProveReport r = cert::prove::proveSpec(fe, options);
    if (cancel->load()) r.cancelled = true;
    return r;
  } catch (const std::exception& e) {
    cert::prove::ProveReport r;
    r.diagnostics.push_back(cert::Diagnostic::error(std::string("internal error in the prover: ") + e.what()));
    return r;
  }
}

// The editor's diagnostics without the prover's.
cert::Diagnostics withoutVerdicts(const cert::Diagnostics& diags) {
  cert::Diagnostics out;
  const std::string prefix = ProveSession::prefix().toStdString();
  for (const auto& d : diags)
    if (d.message.rfind(prefix, 0) != 0) out.push_back(d);
  return out;
}

// A long verdict on several lines at ", " (the annotation does not wrap by itself).
QString wrapped(const QString& message) {
  constexpr int kWidth = 110;
  QString out, line;
  for (const QString& part : message.split(QStringLiteral(", "))) {
    if (!line.isEmpty() && line.size() + part.size() + 2 > kWidth) {
      out += line + QStringLiteral(",\n    ");
      line.clear();
    } else if (!line.isEmpty()) {
      line += QStringLiteral(", ");
    }
    line += part;
  }
  return out + line;
}

}  // namespace

ProveSession::ProveSession(MainWindow& window) : QObject(&window), window_(window) {
  setObjectName(QStringLiteral("ProveSession"));
  action_ = new QAction(QIcon::fromTheme(QStringLiteral("emblem-default")), tr("&Prove Rules"), this);
  action_->setObjectName(QStringLiteral("ProveAction"));
  action_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
  action_->setToolTip(tr("Prove every rule sound against the shape's constraints (z3)"));
  connect(action_, &QAction::triggered, this, [this] { prove(); });
  window.menuBar()->addMenu(tr("&Spec"))->addAction(action_);
  if (auto* bar = window.findChild<QToolBar*>(QStringLiteral("MainToolBar"))) {
    bar->addSeparator();
    bar->addAction(action_);
  }
  EditorTabs* tabs = window.editors();
  connect(tabs, &EditorTabs::editorTextChanged, this, [this](SpecEditor* e) {
    cancelFor(e);
    clearAnnotations(e);
  });
  connect(tabs, &EditorTabs::editorClosed, this, [this](const QString& id) {
    provenText_.remove(id);
    verdicts_.remove(id);
    annotated_.remove(id);
  });
  // The live check replaces an editor's diagnostics: put the verdicts back if they still hold.
  connect(window.checker(), &SpecChecker::checked, this, [this](SpecEditor* e, int, int) {
    if (verdicts_.contains(e->id()) && provenText_.value(e->id()) == e->text()) show(e);
  });
}

void ProveSession::cancelFor(SpecEditor* editor) {
  if (running_ && editor->id() == runningEditor_) {
    cancel_->store(true);
    ++generation_;  // its result is dropped
    running_ = false;
    window_.statusBar()->showMessage(tr("Proof cancelled: the spec changed"), 5000);
  }
  verdicts_.remove(editor->id());
  provenText_.remove(editor->id());
}

bool ProveSession::prove() {
  SpecEditor* editor = window_.editors()->currentEditor();
  if (!editor) {
    window_.statusBar()->showMessage(tr("Prove: no spec is open"), 5000);
    return false;
  }
  if (cancel_) cancel_->store(true);
  cancel_ = std::make_shared<std::atomic<bool>>(false);
  const quint64 generation = ++generation_;
  running_ = true;
  runningEditor_ = editor->id();
  const QString id = editor->id();
  const QString text = editor->text();
  window_.statusBar()->showMessage(tr("Proving %1…").arg(editor->displayName()));
  auto* watcher = new QFutureWatcher<cert::prove::ProveReport>(this);
  connect(watcher, &QFutureWatcher<cert::prove::ProveReport>::finished, this, [this, watcher, generation, id, text] {
    watcher->deleteLater();
    if (generation != generation_) return;  // cancelled, or a newer proof started
    running_ = false;
    SpecEditor* e = nullptr;
    for (SpecEditor* candidate : window_.editors()->editors())
      if (candidate->id() == id) e = candidate;
    if (!e || e->text() != text) return;
    last_ = watcher->result();
    verdicts_.insert(id, toDiagnostics(last_));
    provenText_.insert(id, text);
    show(e);
    int counts[3] = {0, 0, 0};
    for (const auto& r : last_.rules) ++counts[static_cast<int>(r.verdict)];
    window_.statusBar()->showMessage(
        tr("Prove %1: %2 proved, %3 unsound, %4 unknown").arg(e->displayName()).arg(counts[0]).arg(counts[1]).arg(counts[2]),
        20000);
    emit finished(e, counts[0], counts[1], counts[2]);
  });
  watcher->setFuture(QtConcurrent::run(runProof, text.toStdString(), cancel_));
  return true;
}

void ProveSession::show(SpecEditor* editor) {
  cert::Diagnostics diags = withoutVerdicts(editor->diagnostics());
  const cert::Diagnostics& verdicts = verdicts_.value(editor->id());
  diags.insert(diags.end(), verdicts.begin(), verdicts.end());
  editor->setDiagnostics(diags);
  // The counterexample under the refuted rule, readable without hovering.
  clearAnnotations(editor);
  const QsciStyle style(-1, QStringLiteral("prove"), QColor(0x7a, 0x10, 0x10), QColor(0xfd, 0xe8, 0xe8),
                        editor->font());
  QList<int> lines;
  for (const auto& d : verdicts) {
    if (d.severity != cert::Severity::Error || !d.range.valid()) continue;
    const int line = d.range.begin.line - 1;
    editor->annotate(line, wrapped(QString::fromStdString(d.message)), style);
    lines << line;
  }
  annotated_.insert(editor->id(), lines);
}

void ProveSession::clearAnnotations(SpecEditor* editor) {
  for (int line : annotated_.take(editor->id())) editor->clearAnnotations(line);
}

cert::Diagnostics ProveSession::toDiagnostics(const cert::prove::ProveReport& report) {
  cert::Diagnostics out;
  const std::string prefix = ProveSession::prefix().toStdString();
  for (const auto& d : report.diagnostics) out.push_back({d.severity, prefix + d.message, d.range, {}});
  for (const auto& r : report.rules) {
    char time[32];
    std::snprintf(time, sizeof time, " (%.2f s)", r.seconds);
    const std::string head = prefix + r.transformer + " " + r.op + ": ";
    cert::Diagnostic d;
    d.range = r.range;
    d.message = head + cert::prove::describe(r) + time;
    d.severity = r.verdict == cert::prove::Verdict::Unsound   ? cert::Severity::Error
                 : r.verdict == cert::prove::Verdict::Unknown ? cert::Severity::Warning
                                                              : cert::Severity::Note;
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace cert::studio
