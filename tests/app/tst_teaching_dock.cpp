// Teaching dock: symbolic forms as text (hand-built forms), the dock's tree and terms table for a
// hand-built trace, a traced run of the DeepPoly paper's network whose last back-substitution step
// concretizes to the reported lower bound, and stepped runs in the window whose bounds are those
// of a whole run.
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <cmath>

#include "app/certstudio/docks/dock_registry.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_editor.h"
#include "app/certstudio/main_window.h"
#include "tests/app/window_fixtures.h"
#include "app/certstudio/run/run_bar.h"
#include "app/certstudio/run/run_controller.h"
#include "app/certstudio/run/run_session.h"
#include "app/certstudio/teaching/symbolic_text.h"
#include "app/certstudio/teaching/teaching_dock.h"
#include "app/certstudio/teaching/teaching_model.h"
#include "app/certstudio/teaching/teaching_session.h"
#include "app/certstudio/teaching/terms_table_model.h"
#include "core/property/vnnlib.h"
#include "tests/app/run_fixtures.h"

using namespace cert::studio;
using namespace cert::studio::test;

Q_DECLARE_METATYPE(cert::SymbolicForm)

namespace {

/// input (2) -> fc1 (Affine, 20) -> relu1 (Relu, 20).
std::shared_ptr<const cert::Network> tinyNet() {
  auto net = std::make_shared<cert::Network>();
  net->name = "tiny";
  auto add = [&](const char* name, cert::LayerOp op, std::vector<int64_t> shape) {
    cert::Layer l;
    l.index = static_cast<int>(net->layers.size());
    l.name = name;
    l.op = op;
    l.shape = std::move(shape);
    if (l.index > 0) l.inputs = {l.index - 1};
    net->layers.push_back(std::move(l));
  };
  add("input", cert::LayerOp::Input, {2});
  add("fc1", cert::LayerOp::Affine, {20});
  add("relu1", cert::LayerOp::Relu, {20});
  cert::assignNeuronRanges(*net);
  return net;
}

cert::SymbolicForm form(double constant, std::vector<cert::SymbolicTerm> terms, bool sym = false) {
  cert::SymbolicForm f;
  f.sym = sym;
  f.constant = constant;
  f.terms = std::move(terms);
  return f;
}

/// deeppoly_example.onnx with its VNN-LIB property (x1, x2 in [-1, 1]) and specs/deeppoly.cf.
RunRequest deepPolyExample() {
  RunRequest r = request(QStringLiteral("deeppoly_example.onnx"));
  r.input.kind = RunInput::Kind::Vnnlib;
  r.input.path = kSource + QStringLiteral("/resources/inputs/deeppoly_example.vnnlib");
  return r;
}

}  // namespace

class TestTeachingDock : public QObject {
  Q_OBJECT

 private slots:
  void formatForm_data();
  void formatForm();
  void truncatedFormAndTermsTable();
  void dockShowsHandBuiltTrace();
  void deepPolyExampleBackSubstitution_data();
  void deepPolyExampleBackSubstitution();
  void deepZShowsNoiseSymbols();
  void inputLayerTrace();
  void steppedRunsInWindow();
};

void TestTeachingDock::formatForm_data() {
  QTest::addColumn<cert::SymbolicForm>("form");
  QTest::addColumn<QString>("text");
  QTest::newRow("zero") << form(0, {}) << QStringLiteral("0");
  QTest::newRow("constant") << form(0.5, {}) << QStringLiteral("0.5");
  QTest::newRow("negative constant") << form(-2, {}) << QString::fromUtf8("−2");
  QTest::newRow("mixed") << form(0.5, {{2, 3, 0.12}, {1, 17, -0.4}})
                         << QString::fromUtf8("0.5 + 0.12·x[relu1:3] − 0.4·x[fc1:17]");
  QTest::newRow("leading minus, unit coefficient") << form(0, {{0, 1, -1}}) << QString::fromUtf8("−x[input:1]");
  QTest::newRow("unit coefficient") << form(0, {{1, 0, 1}, {1, 1, 2.5}}) << QString::fromUtf8("x[fc1:0] + 2.5·x[fc1:1]");
  QTest::newRow("negative constant, terms") << form(-1.25, {{0, 0, 3}}) << QString::fromUtf8("−1.25 + 3·x[input:0]");
  QTest::newRow("noise symbols") << form(1, {{0, 3, 0.25}, {2, 0, -1e-7}}, true)
                                 << QString::fromUtf8("1 + 0.25·ε[0:3] − 1e-07·ε[2:0]");
  QTest::newRow("unknown layer") << form(0, {{9, 0, 2}}) << QString::fromUtf8("2·x[9:0]");
}

void TestTeachingDock::formatForm() {
  QFETCH(cert::SymbolicForm, form);
  QFETCH(QString, text);
  const auto net = tinyNet();
  QCOMPARE(QString::fromStdString(cert::studio::formatForm(form, net.get())), text);
}

void TestTeachingDock::truncatedFormAndTermsTable() {
  const auto net = tinyNet();
  cert::SymbolicForm f;
  f.constant = 1;
  for (int i = 0; i < 10; ++i) f.terms.push_back({1, i, i % 2 ? -0.5 : 2.0});
  QCOMPARE(QString::fromStdString(cert::studio::formatForm(f, net.get(), 3)),
           QString::fromUtf8("1 + 2·x[fc1:0] − 0.5·x[fc1:1] + 2·x[fc1:2] … (+7 terms)"));
  QVERIFY(!QString::fromStdString(cert::studio::formatForm(f, net.get())).contains(QString::fromUtf8("…")));
  QCOMPARE(QString::fromStdString(layerList({2, 1}, net.get())), QStringLiteral("relu1, fc1"));

  TermsTableModel terms;
  QCOMPARE(terms.rowCount(), 0);
  terms.setForm(f, net);
  QCOMPARE(terms.rowCount(), 11);  // the constant, then every term
  QCOMPARE(terms.index(0, TermsTableModel::Coefficient).data().toString(), QStringLiteral("1"));
  QCOMPARE(terms.index(10, TermsTableModel::Symbol).data().toString(), QStringLiteral("x[fc1:9]"));
  QCOMPARE(terms.index(10, TermsTableModel::Layer).data().toString(), QStringLiteral("1 'fc1'"));
  QCOMPARE(terms.index(10, TermsTableModel::Index).data().toString(), QStringLiteral("9"));
  QCOMPARE(terms.index(10, TermsTableModel::Coefficient).data().toString(), QStringLiteral("-0.5"));

  // Concretization over an input box.
  const cert::SymbolicForm overInputs = form(0.5, {{0, 0, 2}, {0, 1, -1}});
  Eigen::VectorXd lo(2), hi(2);
  lo << -1, 0;
  hi << 1, 3;
  QCOMPARE(concretizeLowerOverInputs(overInputs, lo, hi), 0.5 - 2 - 3);
  QVERIFY(std::isnan(concretizeLowerOverInputs(form(0, {{1, 0, 1}}), lo, hi)));
}

void TestTeachingDock::dockShowsHandBuiltTrace() {
  const auto net = tinyNet();
  TeachingModel model;
  TeachingDock dock(model);
  dock.setNetwork(net);
  QCOMPARE(dock.layer(), 1);  // the first layer after the input
  QSignalSpy requested(&dock, &TeachingDock::traceRequested);
  dock.setNeuron(3);
  dock.trace();
  QCOMPARE(requested.count(), 1);
  QCOMPARE(requested.front().at(0).toInt(), 1);
  QCOMPARE(requested.front().at(1).toLongLong(), qint64(3));

  model.setRunning(1, 3);
  QVERIFY2(dock.headlineText().startsWith(QStringLiteral("Running layers 0..1")), qPrintable(dock.headlineText()));

  RunOutcome out;
  out.state = RunOutcome::State::Done;
  out.specName = QStringLiteral("deeppoly.cf");
  out.item.layers.resize(2);
  out.item.layers[1].lower = Eigen::VectorXd::Constant(20, -1.5);
  out.item.layers[1].upper = Eigen::VectorXd::Constant(20, 2.25);
  cert::NeuronTrace t;
  t.layer = 1;
  t.neuron = 3;
  t.values = {{"l", -1.5}, {"u", 2.25}};
  t.members = {{"L", form(0.1, {{0, 0, 1}, {0, 1, -1}})}, {"U", form(0.1, {{0, 0, 1}, {0, 1, -1}})}};
  cert::TraversalTrace trav;
  trav.line = 34;
  trav.column = 16;
  trav.forms = {form(0.1, {{0, 0, 1}, {0, 1, -1}}), form(-0.9, {})};
  trav.replaced = {{0}};
  t.traversals = {trav};
  out.item.trace = t;
  model.setOutcome(out);

  QVERIFY2(dock.headlineText().contains(QStringLiteral("Layer 1 'fc1' (Affine), neuron 3")), qPrintable(dock.headlineText()));
  QVERIFY2(dock.headlineText().contains(QStringLiteral("l = -1.5, u = 2.25")), qPrintable(dock.headlineText()));
  QTreeWidget* tree = dock.tree();
  QCOMPARE(tree->topLevelItemCount(), 2);  // members, one traverse
  QCOMPARE(tree->topLevelItem(0)->childCount(), 4);  // l, u, L, U
  QCOMPARE(tree->topLevelItem(0)->child(2)->text(0), QStringLiteral("L"));
  QCOMPARE(tree->topLevelItem(0)->child(2)->text(1), QString::fromUtf8("0.1 + x[input:0] − x[input:1]"));
  QTreeWidgetItem* traverse = tree->topLevelItem(1);
  QCOMPARE(traverse->text(0), QString::fromUtf8("traverse 1 at 34:16 — 1 step"));
  QCOMPARE(traverse->childCount(), 2);
  QCOMPARE(traverse->child(0)->text(0), QStringLiteral("start"));
  QCOMPARE(traverse->child(1)->text(0), QStringLiteral("step 1: replaced input"));
  QCOMPARE(traverse->child(1)->text(1), QString::fromUtf8("−0.9"));

  // Picking a member lists its terms; picking a step lists its form's and jumps to the traverse.
  dock.activateRow(0, 2);
  QCOMPARE(dock.terms()->rowCount(), 3);
  QSignalSpy jumped(&dock, &TeachingDock::sourceActivated);
  dock.activateRow(1, 0);
  QCOMPARE(jumped.count(), 1);
  QCOMPARE(jumped.front().at(0).toInt(), 34);
  QCOMPARE(jumped.front().at(1).toInt(), 16);
  QCOMPARE(dock.terms()->rowCount(), 3);

  // A failed run says why.
  RunOutcome failed;
  failed.state = RunOutcome::State::Failed;
  failed.stage = QStringLiteral("spec");
  failed.diagnostics = {cert::Diagnostic::error("boom")};
  model.setOutcome(failed);
  QVERIFY2(dock.headlineText().contains(QStringLiteral("boom")), qPrintable(dock.headlineText()));
  QCOMPARE(dock.tree()->topLevelItemCount(), 0);
}

void TestTeachingDock::deepPolyExampleBackSubstitution_data() {
  QTest::addColumn<int>("layer");  // -1: the last layer
  QTest::addColumn<int>("neuron");
  QTest::addColumn<int>("minTerms");  // at least this many input terms in the last form
  // x11 = x9 + x10 + 1 (the last Affine): its lower bound back-substitutes to the constant 1.
  QTest::newRow("x11") << -1 << 0 << 0;
  // x8 = x5 - x6: -x6 takes x6's upper relaxation 0.5 x4 + 1, so x1 and x2 remain.
  QTest::newRow("x8") << 3 << 1 << 1;
}

void TestTeachingDock::deepPolyExampleBackSubstitution() {
  QFETCH(int, layer);
  QFETCH(int, neuron);
  QFETCH(int, minTerms);
  RunRequest r = deepPolyExample();
  QVERIFY(r.network);
  const int last = layer < 0 ? static_cast<int>(r.network->layers.size()) - 1 : layer;
  QCOMPARE(r.network->layers[static_cast<size_t>(last)].op, cert::LayerOp::Affine);
  r.lastLayer = last;
  r.trace = std::make_pair(last, int64_t(neuron));
  RunController c;
  const RunOutcome out = finish(c, r);
  QCOMPARE(out.state, RunOutcome::State::Done);
  if (!out.item.trace) QSKIP("the runtime does not record ItemResult::trace yet");
  const cert::NeuronTrace& t = *out.item.trace;
  QCOMPARE(t.layer, last);
  QCOMPARE(t.neuron, int64_t(neuron));
  QVERIFY(!t.traversals.empty());

  auto property = cert::readVnnlib(r.input.path.toStdString(), *r.network);
  QVERIFY(property.ok());
  const cert::InputBox& box = property->items.front().box;
  const double lower = out.item.layers[static_cast<size_t>(last)].lower[neuron];
  // The last form of a traverse over the input layer only, with at least `minTerms` terms (the
  // spec may go on to replace the inputs by the box's constants), concretized over the box.
  bool found = false;
  for (const cert::TraversalTrace& tr : t.traversals) {
    QVERIFY(!tr.forms.empty());
    QCOMPARE(tr.replaced.size() + 1, tr.forms.size());
    for (size_t k = 0; k < tr.forms.size(); ++k)
      qInfo("  %d:%d %s: %s", tr.line, tr.column, qPrintable(QString::number(k)),
            cert::studio::formatForm(tr.forms[k], r.network.get()).c_str());
    for (auto it = tr.forms.rbegin(); it != tr.forms.rend(); ++it) {
      bool inputsOnly = true;
      for (const cert::SymbolicTerm& term : it->terms) inputsOnly = inputsOnly && term.block == 0;
      if (!inputsOnly || static_cast<int>(it->terms.size()) < minTerms) continue;
      const double concrete = concretizeLowerOverInputs(*it, box.lower, box.upper);
      qInfo("traverse at %d:%d: %s = %.12g over the box (reported l = %.12g)", tr.line, tr.column,
            cert::studio::formatForm(*it, r.network.get()).c_str(), concrete, lower);
      found = found || std::abs(concrete - lower) <= 1e-9;
      break;
    }
  }
  QVERIFY2(found, "no traverse ends over the inputs at the reported lower bound");
}

void TestTeachingDock::deepZShowsNoiseSymbols() {
  RunRequest r = deepPolyExample();
  r.specText = readAll(kSource + QStringLiteral("/specs/deepz.cf"));
  r.specName = QStringLiteral("deepz.cf");
  r.lastLayer = 2;  // the first Relu
  r.trace = std::make_pair(2, int64_t(0));
  RunController c;
  const RunOutcome out = finish(c, r);
  QCOMPARE(out.state, RunOutcome::State::Done);
  if (!out.item.trace) QSKIP("the runtime does not record ItemResult::trace yet");
  TeachingModel model;
  model.setNetwork(r.network);
  model.setOutcome(out);
  QVERIFY(model.trace());
  bool sawZ = false;
  for (const auto& [name, f] : model.trace()->members) {
    if (name != "z") continue;
    sawZ = true;
    QVERIFY(f.sym);
    const QString text = model.formText(f);
    QVERIFY2(text.contains(QString::fromUtf8("ε[0:")), qPrintable(text));  // the input box's noise symbols
  }
  QVERIFY(sawZ);
  QVERIFY(model.trace()->traversals.empty());  // DeepZ does not back-substitute
  TeachingDock dock(model);
  QVERIFY(dock.tree()->topLevelItemCount() >= 1);
}

void TestTeachingDock::inputLayerTrace() {
  // The Input layer runs no rule: the run still succeeds and the dock says what it got.
  RunRequest r = deepPolyExample();
  r.lastLayer = 0;
  r.trace = std::make_pair(0, int64_t(1));
  RunController c;
  const RunOutcome out = finish(c, r);
  TeachingModel model;
  model.setNetwork(r.network);
  TeachingDock dock(model);
  model.setOutcome(out);
  QVERIFY(!dock.headlineText().isEmpty());
  qInfo("input layer: %s", qPrintable(dock.headlineText()));
}

void TestTeachingDock::steppedRunsInWindow() {
  QTemporaryDir dir;
  MainWindowOptions o = cert::studio::test::isolatedWindowOptions(dir);
  MainWindow w(o);
  QVERIFY(w.docks().find(QStringLiteral("TeachingDock")));
  QSignalSpy loaded(w.networkDock(), &NetworkDock::loadFinished);
  w.startUp(kSource + QStringLiteral("/specs/deeppoly.cf"), kSource + QStringLiteral("/resources/networks/deeppoly_example.onnx"));
  QVERIFY(loaded.wait(30000));
  RunInput in;
  in.kind = RunInput::Kind::Vnnlib;
  in.path = kSource + QStringLiteral("/resources/inputs/deeppoly_example.vnnlib");
  w.runSession()->bar()->setInput(in);

  // The whole network, as Run does.
  QSignalSpy ran(w.runSession(), &RunSession::runFinished);
  QVERIFY(w.runSession()->run());
  QVERIFY(ran.wait(60000));
  const RunOutcome whole = w.runSession()->controller()->lastOutcome();
  QCOMPARE(whole.state, RunOutcome::State::Done);

  TeachingSession* s = w.teaching();
  TeachingDock* dock = s->dock();
  QSignalSpy traced(s->controller(), &RunController::finished);
  w.networkDock()->selectLayer(1);
  QCOMPARE(dock->layer(), 1);
  dock->trace();
  QVERIFY(traced.wait(60000));
  // The "running" message gives way to the outcome, which clears by itself.
  QCOMPARE(w.statusBar()->currentMessage(), QStringLiteral("Teaching: trace ready"));
  QTRY_VERIFY_WITH_TIMEOUT(w.statusBar()->currentMessage().isEmpty(), TeachingSession::kStatusMs + 10000);
  // Picking a traverse puts the editor's cursor on it.
  {
    const cert::NeuronTrace* t = s->model()->trace();
    QVERIFY(t && !t->traversals.empty());
    dock->activateRow(1);
    int line = -1, index = -1;
    w.editors()->currentEditor()->getCursorPosition(&line, &index);
    QCOMPARE(line + 1, t->traversals.front().line);
    QCOMPARE(index + 1, t->traversals.front().column);
  }
  const int layers = static_cast<int>(whole.network->layers.size());
  for (int k = 1; k < layers; ++k) {
    const RunOutcome step = s->controller()->lastOutcome();
    QCOMPARE(step.state, RunOutcome::State::Done);
    QCOMPARE(step.item.layers.size(), size_t(k + 1));  // a run of layers 0..k
    QCOMPARE(step.item.layers[static_cast<size_t>(k)].lower, whole.item.layers[static_cast<size_t>(k)].lower);
    QCOMPARE(step.item.layers[static_cast<size_t>(k)].upper, whole.item.layers[static_cast<size_t>(k)].upper);
    QVERIFY2(dock->headlineText().contains(QStringLiteral("layers 0..%1").arg(k)) || !step.item.trace,
             qPrintable(dock->headlineText()));
    if (k + 1 < layers) {
      dock->stepForward();
      QVERIFY(traced.wait(60000));
    }
  }
  QCOMPARE(dock->layer(), layers - 1);
}

QTEST_MAIN(TestTeachingDock)
#include "tst_teaching_dock.moc"
