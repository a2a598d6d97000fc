// AnalysisSession: editor <-> IR / Shapes docks, Network dock -> Shapes dock.
#include "app/certstudio/ir/analysis_session.h"

#include "app/certstudio/docks/ir_dock.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/docks/shapes_dock.h"
#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_checker.h"
#include "app/certstudio/main_window.h"

namespace cert::studio {

AnalysisSession::AnalysisSession(MainWindow& window) : QObject(&window), window_(window) {
  ir_ = new IrDock(&window);
  shapes_ = new ShapesDock(&window);
  window.addDock(ir_, Qt::RightDockWidgetArea, QStringLiteral("IrDock"));
  window.addDock(shapes_, Qt::RightDockWidgetArea, QStringLiteral("ShapesDock"));

  cursorTimer_.setSingleShot(true);
  cursorTimer_.setInterval(kCursorDelayMs);
  connect(&cursorTimer_, &QTimer::timeout, this, [this] {
    if (editor_) shapes_->setSource(editor_->text().toStdString(), cursorOffset());
  });
  connect(window.editors(), &EditorTabs::currentEditorChanged, this, &AnalysisSession::follow);
  connect(window.checker(), &SpecChecker::checked, this, [this](SpecEditor* e) {
    if (e == editor_) refreshNow();
  });
  auto select = [this](const cert::SourceRange& r) {
    if (editor_) editor_->goTo(r);
  };
  connect(ir_, &IrDock::sourceRangeActivated, this, select);
  connect(shapes_, &ShapesDock::sourceRangeActivated, this, select);
  NetworkDock* net = window.networkDock();
  connect(net, &NetworkDock::networkChanged, shapes_, &ShapesDock::setNetwork);
  connect(net, &NetworkDock::layerSelected, shapes_, &ShapesDock::setLayer);
  follow(window.editors()->currentEditor());
}

void AnalysisSession::follow(SpecEditor* editor) {
  disconnect(cursorConnection_);
  editor_ = editor;
  if (editor) cursorConnection_ = connect(editor, &QsciScintilla::cursorPositionChanged, this, &AnalysisSession::cursorMoved);
  refreshNow();
}

int AnalysisSession::cursorOffset() const {
  if (!editor_) return -1;
  int line = 0, index = 0;
  editor_->getCursorPosition(&line, &index);
  return editor_->positionFromLineIndex(line, index);
}

void AnalysisSession::cursorMoved() {
  ir_->setSourceOffset(cursorOffset());
  cursorTimer_.start();
}

void AnalysisSession::refreshNow() {
  if (!editor_) return;
  const std::string text = editor_->text().toStdString();
  ir_->setSpecText(text);
  ir_->setSourceOffset(cursorOffset());
  shapes_->setSource(text, cursorOffset());
}

}  // namespace cert::studio
