// IR and Shapes docks: DeepPoly's Affine program, pass stages with changed lines, an IR line
// click selects its source range in the editor, the editor cursor highlights IR lines, and the
// Shapes dock lists values with concrete sizes for a selected layer.
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app/certstudio/docks/ir_dock.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/docks/shapes_dock.h"
#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/ir/analysis_session.h"
#include "app/certstudio/main_window.h"
#include "tests/app/window_fixtures.h"
#include "compiler/ir/ir_printer.h"
#include "core/network/onnx_import.h"
#include "runtime/compiled_certifier.h"

using namespace cert::studio;

namespace {

const QString kSource = QStringLiteral(CERTSTUDIO_SOURCE_DIR);

std::string deeppoly() {
  QFile f(kSource + QStringLiteral("/specs/deeppoly.cf"));
  return f.open(QIODevice::ReadOnly) ? f.readAll().toStdString() : std::string();
}

}  // namespace

class TestIrDock : public QObject {
  Q_OBJECT

 private slots:
  void showsDeepPolyAffine();
  void stagesEndWithTheOptimizedProgram();
  void clickingIrLineSelectsSource();
  void editorCursorHighlightsIrLines();
  void shapesDockListsValuesWithSizes();
  void shapesHeadingNamesRuleAndLayer();
};

void TestIrDock::showsDeepPolyAffine() {
  IrDock dock;
  dock.setSpecText(deeppoly());
  QVERIFY(dock.selectRule(QStringLiteral("deeppoly"), QStringLiteral("Affine")));
  dock.selectStage(0);
  QVERIFY2(dock.irText().startsWith(QStringLiteral("program deeppoly.Affine {")), qPrintable(dock.irText().left(80)));
  QVERIFY(dock.irText().contains(QStringLiteral("traverse backward")));
  QVERIFY(dock.irText().contains(QStringLiteral("return l=")));
  const IrListing* l = dock.listing();
  QVERIFY(l);
  QCOMPARE(l->origins.size(), static_cast<size_t>(l->lines.size()));
  QVERIFY(!l->origins.front().valid());  // "program ... {"
  QVERIFY(l->origins[1].valid());
}

void TestIrDock::stagesEndWithTheOptimizedProgram() {
  IrDock dock;
  dock.setSpecText(deeppoly());
  QVERIFY(dock.selectRule(QStringLiteral("deeppoly"), QStringLiteral("Affine")));
  QVERIFY2(dock.stageCount() >= 2, qPrintable(dock.stageNames().join(QLatin1Char(','))));
  QCOMPARE(dock.stageNames().front(), QStringLiteral("lowered"));
  dock.selectStage(dock.stageCount() - 1);
  auto cc = cert::compileCertifier(deeppoly());
  QVERIFY(cc.ok());
  const QString optimized = QString::fromStdString(cert::ir::printProgram(cc->rules.at("Affine")));
  QCOMPARE(dock.irText() + QLatin1Char('\n'), optimized);
  dock.selectStage(1);
  QVERIFY(!dock.changedLines().empty());
}

void TestIrDock::clickingIrLineSelectsSource() {
  QTemporaryDir dir;
  MainWindowOptions o = cert::studio::test::isolatedWindowOptions(dir);
  MainWindow w(o);
  w.startUp(kSource + QStringLiteral("/specs/deeppoly.cf"), dir.filePath(QStringLiteral("none.onnx")));
  SpecEditor* e = w.editors()->currentEditor();
  QVERIFY(e);
  IrDock* ir = w.analysis()->irDock();
  w.analysis()->refreshNow();
  QVERIFY(ir->selectRule(QStringLiteral("deeppoly"), QStringLiteral("Affine")));
  ir->selectStage(0);
  const IrListing* l = ir->listing();
  QVERIFY(l);
  int line = -1;  // the first instruction with a multi-character origin
  for (size_t i = 0; i < l->origins.size() && line < 0; ++i)
    if (l->origins[i].valid() && l->origins[i].end.offset > l->origins[i].begin.offset + 1) line = static_cast<int>(i);
  QVERIFY(line >= 0);
  const cert::SourceRange r = l->origins[static_cast<size_t>(line)];
  ir->activateLine(line);
  int lf = 0, cf = 0, lt = 0, ct = 0;
  e->getSelection(&lf, &cf, &lt, &ct);
  QCOMPARE(lf + 1, r.begin.line);
  QCOMPARE(cf + 1, r.begin.col);
  QCOMPARE(lt + 1, r.end.line);
  QCOMPARE(ct + 1, r.end.col);
  const std::string text = e->text().toStdString();
  QCOMPARE(e->selectedText().toStdString(),
           text.substr(static_cast<size_t>(r.begin.offset), static_cast<size_t>(r.end.offset - r.begin.offset)));
}

void TestIrDock::editorCursorHighlightsIrLines() {
  IrDock dock;
  const std::string text = deeppoly();
  dock.setSpecText(text);
  QVERIFY(dock.selectRule(QStringLiteral("deeppoly"), QStringLiteral("Affine")));
  dock.selectStage(0);
  const IrListing* l = dock.listing();
  const cert::SourceRange r = l->origins[1];
  const std::vector<int> lines = dock.setSourceOffset(r.begin.offset);
  QVERIFY(std::find(lines.begin(), lines.end(), 1) != lines.end());
  for (int i : lines) {
    const cert::SourceRange& o = l->origins[static_cast<size_t>(i)];
    QVERIFY(o.begin.offset <= r.begin.offset && r.begin.offset < std::max(o.end.offset, o.begin.offset + 1));
  }
  QVERIFY(dock.setSourceOffset(0).empty());  // the header comment made no IR
}

void TestIrDock::shapesDockListsValuesWithSizes() {
  const std::string text = deeppoly();
  const int offset = static_cast<int>(text.find("Affine ->"));
  QVERIFY(offset > 0);
  ShapesDock dock;
  dock.setSource(text, offset + 2);
  QCOMPARE(dock.ruleName(), QStringLiteral("deeppoly.Affine"));
  QVERIFY(dock.rowCount() > 3);
  auto net = cert::importOnnxFile((kSource + QStringLiteral("/resources/networks/mlp_784_50_50_10.onnx")).toStdString());
  QVERIFY(net.ok());
  dock.setNetwork(std::make_shared<const cert::Network>(std::move(*net.value)));
  dock.setLayer(1);  // the first Affine: 50 neurons over 784 inputs
  bool sawPrev = false;
  for (int row = 0; row < dock.rowCount(); ++row) {
    if (dock.cell(row, 2).contains(QStringLiteral("prev]")) && dock.cell(row, 2).contains(QStringLiteral("curr,"))) {
      QVERIFY2(dock.cell(row, 3).contains(QStringLiteral("50 × 784")), qPrintable(dock.cell(row, 3)));
      sawPrev = true;
    }
  }
  QVERIFY(sawPrev);
}

void TestIrDock::shapesHeadingNamesRuleAndLayer() {
  const std::string text = deeppoly();
  const int affine = static_cast<int>(text.find("Affine ->"));
  const int relu = static_cast<int>(text.find("Relu ->"));
  QVERIFY(affine > 0 && relu > 0);
  auto net = cert::importOnnxFile((kSource + QStringLiteral("/resources/networks/cnn_small.onnx")).toStdString());
  QVERIFY(net.ok());
  ShapesDock dock;
  dock.setNetwork(std::make_shared<const cert::Network>(std::move(*net.value)));
  dock.setSource(text, relu + 2);
  QVERIFY2(dock.headerText().contains(QStringLiteral("select a layer")), qPrintable(dock.headerText()));

  // Layer 3 is the second Conv: the Relu rule does not run there, so no sizes, and the heading
  // names the rule the layer needs.
  dock.setLayer(3);
  QCOMPARE(dock.ruleName(), QStringLiteral("deeppoly.Relu"));
  QVERIFY(!dock.sizesShown());
  QVERIFY2(dock.headerText().contains(QStringLiteral("<b>deeppoly.Relu</b> rule")), qPrintable(dock.headerText()));
  QVERIFY2(dock.headerText().contains(QStringLiteral("layer 3 '")) && dock.headerText().contains(QStringLiteral("(Conv) needs the Affine rule, not Relu")),
           qPrintable(dock.headerText()));
  for (int row = 0; row < dock.rowCount(); ++row) QVERIFY(dock.cell(row, 3).isEmpty());

  // The next layer is a Relu: sizes, and the heading says for which layer.
  dock.setLayer(4);
  QVERIFY(dock.sizesShown());
  QVERIFY2(dock.headerText().contains(QStringLiteral("sizes for layer 4 '")) && dock.headerText().contains(QStringLiteral("(Relu): 400 neurons")),
           qPrintable(dock.headerText()));
  bool sized = false;
  for (int row = 0; row < dock.rowCount(); ++row) sized = sized || !dock.cell(row, 3).isEmpty();
  QVERIFY(sized);

  // Moving the cursor out of every rule keeps the rule; a new layer still updates the heading.
  dock.setSource(text, 0);
  dock.setLayer(3);
  QCOMPARE(dock.ruleName(), QStringLiteral("deeppoly.Relu"));
  QVERIFY2(dock.headerText().contains(QStringLiteral("layer 3 '")), qPrintable(dock.headerText()));
  dock.setSource(text, affine + 2);
  QCOMPARE(dock.ruleName(), QStringLiteral("deeppoly.Affine"));
  QVERIFY(dock.sizesShown());  // Conv runs the Affine rule
  QVERIFY2(dock.headerText().contains(QStringLiteral("sizes for layer 3 '")), qPrintable(dock.headerText()));
}

QTEST_MAIN(TestIrDock)
#include "tst_ir_dock.moc"
