// Type checker: the lattice, the type of expressions in functions and rules, and the error
// (message and column of the offending sub-expression) for ill-typed ones.
#include <QtTest>

#include "compiler/frontend.h"
#include "compiler/types/type.h"

using cert::types::Kind;
using cert::types::Type;

namespace {

const std::string kPrelude =
    "def Shape as (Float l, Float u, PolyExp L, SymExp Z) {[curr[l] <= curr]};\n"
    "func lo(Neuron n, Float c) = c >= 0 ? c * n[l] : c * n[u];\n"
    "func sub(Neuron n, Float c) = c * n[L];\n"
    "func zl(Noise e, Float c) = -c;\n"
    "func cmp(Neuron a, Neuron b) = a[l] > b[l];\n"
    "func three(Int a, Neuron n, Float c) = n[layer] > a;\n"
    "func prio(Neuron n) = n[layer];\n"
    "func fl2(Float x) = x;\n";
const std::string kFlow = "flow(forward, prio, false, tr);\n";
const std::string kHead =
    "func t(Neuron n, Float c, PolyExp p, SymExp s, Int i, Bool b, Noise z, Float List fl, "
    "Neuron List nl, Ct k) = ";

/// The errors of a run as "COL: message" where COL is relative to `exprStart` on its line.
QStringList errors(const cert::FrontendResult& fe, int line, int exprStart) {
  QStringList out;
  for (const auto& d : fe.diagnostics) {
    if (d.severity != cert::Severity::Error) continue;
    const QString where = d.range.begin.line == line
                              ? QString::number(d.range.begin.col - exprStart + 1)
                              : QString("line %1").arg(d.range.begin.line);
    out << where + ": " + QString::fromStdString(d.message);
  }
  return out;
}

}  // namespace

class TestTypecheck : public QObject {
  Q_OBJECT

 private slots:
  void lattice() {
    const auto t = [](Kind k, int depth = 0) { return Type::of(k, depth); };
    QVERIFY(isSubtype(t(Kind::Int), t(Kind::Float)));
    QVERIFY(isSubtype(t(Kind::Int), t(Kind::PolyExp)));
    QVERIFY(isSubtype(t(Kind::Float), t(Kind::SymExp)));
    QVERIFY(isSubtype(t(Kind::Neuron), t(Kind::PolyExp)));
    QVERIFY(isSubtype(t(Kind::Noise), t(Kind::SymExp)));
    QVERIFY(isSubtype(t(Kind::Bool), t(Kind::Ct)));
    QVERIFY(isSubtype(t(Kind::Int, 1), t(Kind::Float, 1)));
    QVERIFY(!isSubtype(t(Kind::Float), t(Kind::Int)));
    QVERIFY(!isSubtype(t(Kind::Neuron), t(Kind::SymExp)));
    QVERIFY(!isSubtype(t(Kind::PolyExp), t(Kind::SymExp)));
    QVERIFY(!isSubtype(t(Kind::Float), t(Kind::Ct)));
    QVERIFY(!isSubtype(t(Kind::Float, 1), t(Kind::Float)));
    QCOMPARE(QString::fromStdString(join(t(Kind::Int), t(Kind::Neuron))->str()), QString("PolyExp"));
    QCOMPARE(QString::fromStdString(join(t(Kind::Float), t(Kind::Noise))->str()), QString("SymExp"));
    QCOMPARE(QString::fromStdString(join(t(Kind::Int), t(Kind::Float))->str()), QString("Float"));
    QCOMPARE(QString::fromStdString(join(t(Kind::Bool), t(Kind::Ct))->str()), QString("Ct"));
    QVERIFY(!join(t(Kind::PolyExp), t(Kind::SymExp)).has_value());
    QVERIFY(!join(t(Kind::Bool), t(Kind::Float)).has_value());
    QCOMPARE(QString::fromStdString(Type::func({t(Kind::Neuron), t(Kind::Float)}, t(Kind::Bool)).str()),
             QString("(Neuron, Float) -> Bool"));
  }

  void functionBodies_data() {
    QTest::addColumn<QString>("expr");
    QTest::addColumn<QString>("expected");  // a type, or "COL: error message"
    // Arithmetic: least upper bounds, Neuron/Noise promoted.
    QTest::newRow("int + int") << "i + 1" << "Int";
    QTest::newRow("int + float") << "i + c" << "Float";
    QTest::newRow("int / int") << "i / 2" << "Float";
    QTest::newRow("neuron + neuron") << "n + n" << "PolyExp";
    QTest::newRow("float * neuron") << "c * n" << "PolyExp";
    QTest::newRow("neuron negated") << "-n" << "PolyExp";
    QTest::newRow("noise scaled") << "c * z + 1" << "SymExp";
    QTest::newRow("poly + sym") << "p + s" << "PolyExp";
    QTest::newRow("poly / float") << "p / c" << "PolyExp";
    QTest::newRow("lists element-wise") << "fl + fl" << "Float List";
    // Comparisons and logic.
    QTest::newRow("float compare") << "c <= i" << "Bool";
    QTest::newRow("poly compare") << "p <= n" << "Ct";
    QTest::newRow("In") << "n In s" << "Ct";
    QTest::newRow("bool and bool") << "b and c > 0" << "Bool";
    QTest::newRow("ct or bool") << "k or b" << "Ct";
    QTest::newRow("not ct") << "!k" << "Ct";
    QTest::newRow("bool equality") << "b == true" << "Bool";
    QTest::newRow("ternary join") << "b ? n : 0.0" << "PolyExp";
    QTest::newRow("if fi") << "if b then 1 else c fi" << "Float";
    QTest::newRow("sigma") << "sigma(i)" << "Float";
    // Members and metadata.
    QTest::newRow("member") << "n[L]" << "PolyExp";
    QTest::newRow("metadata") << "n[weight]" << "Float List";
    QTest::newRow("member of list maps") << "nl[u]" << "Float List";
    QTest::newRow("layer") << "n[layer] + n[last_layer]" << "Int";
    QTest::newRow("equations") << "n[equations]" << "PolyExp List";
    // Lists and builtins.
    QTest::newRow("dot") << "nl.dot(fl)" << "PolyExp";
    QTest::newRow("dot of sym") << "nl[Z].dot(fl)" << "SymExp";
    QTest::newRow("concat") << "fl.concat(nl[l])" << "Float List";
    QTest::newRow("max list") << "max(fl)" << "Float";
    QTest::newRow("max two") << "max(i, c)" << "Float";
    QTest::newRow("sum neurons") << "sum(nl)" << "PolyExp";
    QTest::newRow("len") << "len(nl)" << "Int";
    QTest::newRow("avg ints") << "avg(nl[layer])" << "Float";
    QTest::newRow("argmax") << "argmax(nl, cmp)" << "Neuron List";
    QTest::newRow("map_list") << "nl.map_list(prio)" << "Int List";
    QTest::newRow("list literal") << "[i, c]" << "Float List";
    QTest::newRow("lp") << "lp(minimize, p, [p >= 0], k)" << "Float";
    // Calls, partial application, map and traverse.
    QTest::newRow("call") << "lo(n, i)" << "Float";
    QTest::newRow("juxtaposition") << "lo n c" << "Float";
    QTest::newRow("map on poly") << "p.map(lo)" << "Float";
    QTest::newRow("map returning poly") << "p.map(sub)" << "PolyExp";
    QTest::newRow("map on sym") << "s.map(zl)" << "Float";
    QTest::newRow("traverse") << "p.traverse(backward, prio, false, sub){p <= n}" << "PolyExp";
    QTest::newRow("traverse with partial stop")
        << "p.traverse(forward, prio, three(2), sub){true}" << "PolyExp";
    // Errors: column relative to the expression, message.
    QTest::newRow("nonlinear *") << "c + p * n" << "5: '*' needs one side of type Float; got PolyExp * Neuron";
    QTest::newRow("/ by poly") << "c / p" << "1: '/' needs a right side of type Float; got Float / PolyExp";
    QTest::newRow("+ on bool") << "b + 1" << "1: '+' needs numbers or symbolic values (Int, Float, Neuron, Noise, PolyExp, SymExp); got Bool + Int";
    QTest::newRow("list + scalar") << "fl + c" << "1: '+' needs both sides to be lists or neither; got Float List + Float";
    QTest::newRow("compare bool float") << "b < c" << "1: '<' cannot compare Bool and Float";
    QTest::newRow("and on float") << "c and b" << "1: 'and' needs Bool or Ct operands; got Float and Bool";
    QTest::newRow("In reversed") << "s In p" << "1: 'In' needs a PolyExp on the left and a SymExp on the right; got SymExp In PolyExp";
    QTest::newRow("condition is Ct") << "(p >= 0) ? 1 : 2" << "1: a condition must be Bool; got Ct (a comparison involving a PolyExp, SymExp or Neuron is a constraint, not a Bool)";
    QTest::newRow("branches disagree") << "b ? p : s" << "1: the branches of '?:' have no common type: PolyExp and SymExp";
    QTest::newRow("sigma of poly") << "sigma(p)" << "1: 'sigma' needs Int or Float; got PolyExp";
    QTest::newRow("unary minus on bool") << "-b" << "1: '-' needs a number or a symbolic value; got Bool";
    QTest::newRow("undefined name") << "c + cc" << "5: undefined name 'cc'; did you mean 'c'?";
    QTest::newRow("shape member as a name") << "u" << "1: undefined name 'u' ('u' is a shape member: read it as n[u])";
    QTest::newRow("undefined function") << "loo(n, c)" << "1: undefined function 'loo'; did you mean 'lo'?";
    QTest::newRow("unknown member") << "n[LL]" << "1: unknown member 'LL'; did you mean 'L'?";
    QTest::newRow("member of poly") << "p[l]" << "1: '[l]' reads a member of a Neuron or a Neuron List; got PolyExp";
    QTest::newRow("too many args") << "lo(n, c, c)" << "1: 'lo' takes 2 arguments; got 3";
    QTest::newRow("argument type") << "lo(n, p)" << "7: argument 2 of 'lo' ('c') expects Float; got PolyExp";
    QTest::newRow("partial as value") << "lo(n) + 1" << "1: 'lo' takes 2 arguments; got 1 (a partial application is only allowed where a function is expected)";
    QTest::newRow("function as value") << "prio * 2" << "1: 'prio' is a function (Neuron); call it with 1 argument";
    QTest::newRow("parameter applied") << "c n" << "1: 'c' is a parameter of type Float, not a function";
    QTest::newRow("map function signature") << "p.map(zl)" << "7: the function given to 'map' on a PolyExp must be a function (Neuron, Float) -> PolyExp; got (Noise, Float) -> Float";
    QTest::newRow("map on a list") << "fl.map(lo)" << "1: 'map' needs a PolyExp or a SymExp; got Float List (use map_list on a list)";
    QTest::newRow("traverse replace signature") << "p.traverse(backward, prio, false, cmp){true}" << "35: the replacement function of 'traverse' must be a function (Neuron, Float) -> PolyExp; got (Neuron, Neuron) -> Bool";
    QTest::newRow("traverse replace may return Float") << "p.traverse(backward, prio, false, lo){true}" << "PolyExp";
    QTest::newRow("traverse stop signature") << "p.traverse(backward, prio, prio, sub){true}" << "28: the stop condition of 'traverse' must be a function (Neuron) -> Bool or (Neuron, Float) -> Bool (or a constant); got (Neuron) -> Int";
    QTest::newRow("traverse invariant") << "p.traverse(backward, prio, false, sub){c}" << "40: the invariant of 'traverse' must be a constraint (Ct); got Float";
    QTest::newRow("traverse on sym") << "s.traverse(backward, prio, false, sub){true}" << "1: 'traverse' needs a PolyExp; got SymExp";
    QTest::newRow("max of poly") << "max(p, c)" << "1: 'max' needs Int or Float arguments; got PolyExp and Float";
    QTest::newRow("max arity") << "max(c, c, c)" << "1: 'max' takes 1 or 2 arguments; got 3";
    QTest::newRow("sum of scalar") << "sum(c)" << "1: 'sum' needs a list of numbers or symbolic values; got Float";
    QTest::newRow("dot of two neuron lists") << "nl.dot(nl)" << "1: 'dot' needs two lists, one of them of Int or Float; got Neuron List and Neuron List";
    QTest::newRow("tuple in a function") << "(c, c)" << "1: a tuple is only allowed as the result of a rule";
    QTest::newRow("curr in a function") << "curr[l]" << "1: 'curr' is only available in transformer rules and shape constraints";
    QTest::newRow("prev in a function") << "prev" << "1: 'prev' is only available in transformer rules";
    QTest::newRow("one error for a chain") << "(c + p * n) * 2 + sigma(c + p * n)" << "6: '*' needs one side of type Float; got PolyExp * Neuron\n29: '*' needs one side of type Float; got PolyExp * Neuron";
  }

  void functionBodies() {
    QFETCH(QString, expr);
    QFETCH(QString, expected);
    const std::string text = kPrelude + kHead + expr.toStdString() + ";\ntransformer tr { Relu -> " +
                             "(0, 0, 0, 0); }\n" + kFlow;
    const auto fe = cert::runFrontend(text);
    const int line = 9;
    const QStringList errs = errors(fe, line, static_cast<int>(kHead.size()) + 1);
    const bool wantsError = expected.contains(": ");
    if (wantsError) {
      QCOMPARE(errs.join('\n'), expected);
    } else {
      QVERIFY2(errs.isEmpty(), qPrintable(errs.join('\n')));
      const auto& t = fe.funcTypes.back();
      QVERIFY(t.kind == Kind::Func);
      QCOMPARE(QString::fromStdString(t.sig->result.str()), expected);
      QCOMPARE(QString::fromStdString(fe.types.of(*fe.program.funcs.back().body).str()), expected);
    }
  }

  void ruleBindings_data() {
    QTest::addColumn<QString>("op");
    QTest::addColumn<QString>("expr");
    QTest::addColumn<QString>("expected");
    QTest::newRow("Affine prev") << "Affine" << "prev" << "Neuron List";
    QTest::newRow("Avgpool prev") << "Avgpool" << "prev[l]" << "Float List";
    QTest::newRow("Relu prev") << "Relu" << "prev" << "Neuron";
    QTest::newRow("Sigmoid prev") << "Sigmoid" << "prev[l]" << "Float";
    QTest::newRow("HardTanh prev") << "HardTanh" << "prev" << "Neuron";
    QTest::newRow("Neuron_add prev_0") << "Neuron_add" << "prev_0 + prev_1" << "PolyExp";
    QTest::newRow("Neuron_list_mult prev_1") << "Neuron_list_mult" << "prev_1" << "Neuron List";
    QTest::newRow("rev_Affine curr_list") << "rev_Affine" << "curr_list" << "Neuron List";
    QTest::newRow("rev_Relu prev") << "rev_Relu" << "prev" << "Neuron";
    QTest::newRow("curr") << "Relu" << "curr" << "Neuron";
    QTest::newRow("prev in Neuron_add")
        << "Neuron_add" << "prev" << "1: 'prev' is not available in a 'Neuron_add' rule; use prev_0 and prev_1";
    QTest::newRow("prev_0 in Relu")
        << "Relu" << "prev_0"
        << "1: 'prev_0' is only available in rules for two-input operators (Neuron_add, "
           "Neuron_mult, Neuron_max, Neuron_min); use prev in a 'Relu' rule";
    QTest::newRow("curr_list in Affine")
        << "Affine" << "curr_list" << "1: 'curr_list' is only available in the rules of reverse (rev_) operators";
    QTest::newRow("unknown operator")
        << "Relux" << "prev" << "line-op: unknown operator 'Relux'; did you mean 'Relu'?";
  }

  void ruleBindings() {
    QFETCH(QString, op);
    QFETCH(QString, expr);
    QFETCH(QString, expected);
    // len([e]) accepts a value of any type, so the rule's result type-checks whatever e is.
    const std::string head = "transformer tr { " + op.toStdString() + " -> ";
    const std::string text = "def Shape as (Float l, Int n) {[]};\n"
                             "func prio(Neuron n) = n[layer];\n" + head + "(0, len([" +
                             expr.toStdString() + "])); }\n" + kFlow;
    const auto fe = cert::runFrontend(text);
    const int exprCol = static_cast<int>(head.size()) + 10;
    QStringList errs;
    for (const auto& d : fe.diagnostics) {
      if (d.severity != cert::Severity::Error) continue;
      const bool atOp = d.range.begin.col == 18;
      errs << (atOp ? QString("line-op") : QString::number(d.range.begin.col - exprCol + 1)) +
                  ": " + QString::fromStdString(d.message);
    }
    if (expected.contains(": ")) {
      QCOMPARE(errs.join('\n'), expected);
      return;
    }
    QVERIFY2(errs.isEmpty(), qPrintable(errs.join('\n')));
    const auto& tuple = *fe.program.transformers.at(0).rules.at(0).body;
    const auto& list = tuple.kid(1).kid(0);
    QCOMPARE(QString::fromStdString(fe.types.of(list.kid(0)).str()), expected);
  }

  void ruleResults_data() {
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("expected");
    QTest::newRow("ok") << "(prev[l], prev[u], prev, prev)" << "";
    QTest::newRow("ok nested conditional")
        << "prev[l] >= 0 ? (prev[l], prev[u], prev, prev) : (prev[u] <= 0 ? (0, 0, 0, 0) : (0, prev[u], 0, prev))" << "";
    QTest::newRow("arity") << "(prev[l], prev[u], prev)"
                           << "9: rule 'Relu' returns 3 values; the shape has 4 members (l, u, L, U)";
    QTest::newRow("arity in a branch") << "prev[l] >= 0 ? (prev[l], prev[u], prev, prev) : (0, 0)"
                                       << "57: rule 'Relu' returns 2 values; the shape has 4 members (l, u, L, U)";
    QTest::newRow("single value") << "prev"
                                  << "9: rule 'Relu' returns 1 value; the shape has 4 members (l, u, L, U)";
    QTest::newRow("member type") << "(prev[l], prev[u], prev[l] <= prev, prev)"
                                 << "28: member 'L' expects PolyExp; got Ct";
    QTest::newRow("Float member gets PolyExp") << "(prev, prev[u], prev, prev)"
                                               << "10: member 'l' expects Float; got Neuron";
    QTest::newRow("rule condition must be Bool")
        << "prev >= 0 ? (0, 0, 0, 0) : (1, 1, 1, 1)"
        << "9: a condition must be Bool; got Ct (a comparison involving a PolyExp, SymExp or Neuron is a constraint, not a Bool)";
  }

  void ruleResults() {
    QFETCH(QString, body);
    QFETCH(QString, expected);
    const std::string text =
        "def Shape as (Float l, Float u, PolyExp L, PolyExp U) {[curr[l] <= curr]};\n"
        "func prio(Neuron n) = n[layer];\n"
        "transformer tr {\n"
        "Relu -> " + body.toStdString() + ";\n}\n" + kFlow;
    const auto fe = cert::runFrontend(text);
    QCOMPARE(errors(fe, 4, 1).join('\n'), expected);
  }

  void flowChecks() {
    const auto run = [](const std::string& flow) {
      const auto fe = cert::runFrontend(
          "def Shape as (Float l) {[]};\nfunc prio(Neuron n) = n[layer];\n"
          "func stop(Neuron n, Float c) = false;\nfunc add(Float a, Float b) = a + b;\n"
          "transformer box { Relu -> prev[l]; }\n" + flow + "\n");
      return errors(fe, 6, 1).join('\n');
    };
    QCOMPARE(run("flow(forward, prio, stop, box);"), QString());
    QCOMPARE(run("flow(forward, prio, true, box);"), QString());
    QCOMPARE(run("flow(backward, 0, false, box);"), QString());
    QCOMPARE(run("flow(forward, prio, stop, bx);"),
             QString("27: unknown transformer 'bx'; did you mean 'box'?"));
    QCOMPARE(run("flow(forward, add, false, box);"),
             QString("15: the flow's priority must be a function (Neuron) -> Float or (Neuron, Float) "
                     "-> Float (or a constant); got (Float, Float) -> Float"));
    QCOMPARE(run("flow(forward, prio, 1.5, box);"),
             QString("21: the flow's stop condition must be a function (Neuron) -> Bool or (Neuron, "
                     "Float) -> Bool (or a constant); got Float"));
  }

  void declarationChecks() {
    const auto fe = cert::runFrontend(
        "def Shape as (Float l, Float l) {[]};\n"
        "func f(Float x, Int x) = 1;\n"
        "func g(Float y) = h(y);\nfunc h(Float z) = g(z) + f(z, 1);\n"
        "transformer t { Relu -> (0, 0); }\ntransformer t { Relu -> (0, 0); }\n"
        "flow(forward, 0, true, t);\n");
    QStringList errs;
    for (const auto& d : fe.diagnostics)
      if (d.severity == cert::Severity::Error)
        errs << QString("%1:%2: %3").arg(d.range.begin.line).arg(d.range.begin.col).arg(
            QString::fromStdString(d.message));
    QCOMPARE(errs.join('\n'),
             QString("1:30: shape member 'l' is already declared at 1:21\n"
                     "2:21: parameter 'x' is already declared at 2:14\n"
                     "3:6: function 'g' is recursive (g -> h -> g); calls are inlined, so "
                     "recursion is not allowed\n"
                     "6:13: transformer 't' is already defined at 5:13"));
  }

  void errorsAreCapped() {
    std::string body = "x0";
    for (int i = 1; i < 500; ++i) body += " + x" + std::to_string(i);
    const auto fe = cert::runFrontend("def Shape as (Float l) {[]};\nfunc f(Float y) = " + body +
                                      ";\ntransformer t { Relu -> f(1); }\nflow(forward, 0, true, t);\n");
    int errors = 0, summaries = 0;
    for (const auto& d : fe.diagnostics) {
      errors += d.severity == cert::Severity::Error;
      summaries += d.message == "too many errors; 400 more not shown";
    }
    QCOMPARE(errors, 101);  // 100 shown and the summary
    QCOMPARE(summaries, 1);
  }

  void sideTableIsIndexedById() {
    const auto fe = cert::runFrontend(kPrelude + kHead + "c * n;\n" +
                                      "transformer tr { Relu -> (0, 0, 0, 0); }\n" + kFlow);
    const auto& body = *fe.program.funcs.back().body;
    QCOMPARE(QString::fromStdString(fe.types.of(body).str()), QString("PolyExp"));
    QCOMPARE(QString::fromStdString(fe.types.of(body.kid(0)).str()), QString("Float"));
    QCOMPARE(QString::fromStdString(fe.types.of(body.kid(1).id).str()), QString("Neuron"));
    QVERIFY(fe.types.of(-1).isError());
    QVERIFY(fe.types.of(fe.program.exprCount).isError());
  }
};

QTEST_APPLESS_MAIN(TestTypecheck)
#include "tst_typecheck.moc"
