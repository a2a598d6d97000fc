// Wires the IR and Shapes docks to the current editor (text, cursor) and the Network dock.
#pragma once

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace cert::studio {

class IrDock;
class MainWindow;
class ShapesDock;
class SpecEditor;

/// Owns nothing but connections: the docks follow the current editor's checked text and cursor;
/// clicking an IR line or a Shapes row selects its source range in the editor.
class AnalysisSession : public QObject {
  Q_OBJECT

 public:
  static constexpr int kCursorDelayMs = 120;
  /// Adds the IR and Shapes docks to `window`.
  explicit AnalysisSession(MainWindow& window);

  IrDock* irDock() const { return ir_; }
  ShapesDock* shapesDock() const { return shapes_; }
  /// Pushes the current editor's text and cursor to both docks now.
  void refreshNow();

 private:
  void follow(SpecEditor* editor);
  void cursorMoved();
  int cursorOffset() const;

  MainWindow& window_;
  IrDock* ir_ = nullptr;
  ShapesDock* shapes_ = nullptr;
  QPointer<SpecEditor> editor_;
  QMetaObject::Connection cursorConnection_;
  QTimer cursorTimer_;
};

}  // namespace cert::studio
