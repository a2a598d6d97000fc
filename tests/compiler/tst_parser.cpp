// Parser: precedence and associativity, the equivalent forms (juxtaposition, if-fi, parentheses,
// signs), rule bodies, ranges and ids, and error messages with recovery.
#include <QtTest>
#include <set>

#include "compiler/ast/equal.h"
#include "compiler/ast/walk.h"
#include "compiler/parser/parser.h"

using cert::ast::Expr;
using cert::ast::ExprKind;

namespace {

/// The tree as an S-expression: (+ a (* b c)), (call f a b), (member l curr), ...
std::string sexpr(const Expr& e) {
  std::string head;
  switch (e.kind) {
    case ExprKind::IntLit: return std::to_string(e.intValue);
    case ExprKind::FloatLit: return e.text;
    case ExprKind::BoolLit: return e.boolValue ? "true" : "false";
    case ExprKind::Name: return e.name;
    case ExprKind::Curr: return "curr";
    case ExprKind::Prev: return "prev";
    case ExprKind::PrevIndexed: return e.prevIndex ? "prev_1" : "prev_0";
    case ExprKind::CurrList: return "curr_list";
    case ExprKind::Eps: return "eps";
    case ExprKind::Error: return "<error>";
    case ExprKind::Unary: head = cert::ast::unaryOpSpelling(e.unaryOp); break;
    case ExprKind::Binary: head = cert::ast::binaryOpSpelling(e.binaryOp); break;
    case ExprKind::Ternary: head = "?"; break;
    case ExprKind::Member: head = "member " + e.name; break;
    case ExprKind::Call: head = "call " + e.name; break;
    case ExprKind::Builtin: head = cert::ast::builtinName(e.builtin); break;
    case ExprKind::Traverse: head = std::string("traverse ") + cert::ast::directionName(e.direction); break;
    case ExprKind::Lp: head = std::string("lp ") + cert::ast::lpGoalName(e.goal); break;
    default: head = cert::ast::exprKindName(e.kind); break;
  }
  for (const auto& k : e.kids) head += " " + sexpr(*k);
  return "(" + head + ")";
}

/// Parses `func t(...) = EXPR;` and returns the body as an S-expression ("" on errors).
std::string body(const std::string& expr) {
  const auto r = cert::parser::parse("func t(Float x) = " + expr + ";");
  if (!r.diagnostics.empty() || r.program.funcs.size() != 1) return "<parse error>";
  return sexpr(*r.program.funcs[0].body);
}

QStringList messages(const std::string& text) {
  QStringList out;
  for (const auto& d : cert::parser::parse(text).diagnostics)
    out << QString("%1:%2: %3").arg(d.range.begin.line).arg(d.range.begin.col).arg(
        QString::fromStdString(d.message));
  return out;
}

const char* kShape = "def Shape as (Float l, Float u) {[curr[l] <= curr]};\n";

}  // namespace

class TestParser : public QObject {
  Q_OBJECT

 private slots:
  void precedence_data() {
    QTest::addColumn<QString>("expr");
    QTest::addColumn<QString>("tree");
    QTest::newRow("* over +") << "a + b * c" << "(+ a (* b c))";
    QTest::newRow("left assoc -") << "a - b - c" << "(- (- a b) c)";
    QTest::newRow("left assoc /") << "a / b * c" << "(* (/ a b) c)";
    QTest::newRow("comparison over and") << "a < b and c >= d" << "(and (< a b) (>= c d))";
    QTest::newRow("and over or") << "a or b and c" << "(or a (and b c))";
    QTest::newRow("== below <") << "a < b == c > d" << "(== (< a b) (> c d))";
    QTest::newRow("In with +") << "a In b + c" << "(In a (+ b c))";
    QTest::newRow("?: loosest") << "a or b ? c + d : e" << "(? (or a b) (+ c d) e)";
    QTest::newRow("?: right assoc") << "a ? b : c ? d : e" << "(? a b (? c d e))";
    QTest::newRow("?: in the middle") << "a ? b ? c : d : e" << "(? a (? b c d) e)";
    QTest::newRow("prefix binds tighter") << "-a * b" << "(* (- a) b)";
    QTest::newRow("postfix binds tighter than prefix") << "-n[layer]" << "(- (member layer n))";
    QTest::newRow("not") << "!a and b" << "(and (! a) b)";
    QTest::newRow("sigma prefix") << "sigma x + 1" << "(+ (sigma x) 1)";
    QTest::newRow("sigma call form") << "sigma(x) * 2" << "(* (sigma x) 2)";
    QTest::newRow("parentheses") << "(a + b) * c" << "(* (+ a b) c)";
    QTest::newRow("method chain") << "e.dot(w).map(f)" << "(Map (Dot e w) f)";
    QTest::newRow("member of method") << "p.concat(q)[l]" << "(member l (Concat p q))";
    QTest::newRow("if then else fi") << "if a then b else c fi + 1" << "(+ (? a b c) 1)";
    QTest::newRow("negative literal folds") << "-1" << "-1";
    QTest::newRow("folds through parens") << "-(2.5)" << "-2.5";
    QTest::newRow("plus sign on literal") << "+3" << "3";
    QTest::newRow("x-1 is subtraction") << "x-1" << "(- x 1)";
    QTest::newRow("minus minus literal") << "a - -1" << "(- a -1)";
    QTest::newRow("double negation") << "- -x" << "(- (- x))";
    QTest::newRow("juxtaposition") << "f a b" << "(call f a b)";
    QTest::newRow("juxtaposition with postfix args") << "f n[l] c.map(g)"
                                                     << "(call f (member l n) (Map c g))";
    // Juxtaposition as the published grammar (constraintflow-gpu's dsl.g4, its ANTLR parser run
    // on each of these) reads it: every argument a whole expression, names in it not called.
    QTest::newRow("juxtaposed argument takes + b") << "f a + b" << "(call f (+ a b))";
    QTest::newRow("juxtaposed last argument takes * 2") << "g a b * 2" << "(call g a (* b 2))";
    QTest::newRow("juxtaposed argument takes ?:") << "g a > b ? a : b" << "(call g (? (> a b) a b))";
    QTest::newRow("juxtaposition between ? and :") << "g a > b ? h a : b" << "(call g (? (> a b) (call h a) b))";
    QTest::newRow("juxtaposed last argument takes ?:") << "g a b ? c : d" << "(call g a (? b c d))";
    QTest::newRow("juxtaposed argument takes ==") << "g a == b" << "(call g (== a b))";
    QTest::newRow("juxtaposed ! and sigma arguments") << "g !a sigma b" << "(call g (! a) (sigma b))";
    QTest::newRow("juxtaposed if-fi argument") << "g if a > b then a else b fi c" << "(call g (? (> a b) a b) c)";
    QTest::newRow("juxtaposed method and builtin") << "g a.map(f) max(a, b)" << "(call g (Map a f) (max a b))";
    QTest::newRow("name then '-' is subtraction") << "f - a" << "(- f a)";
    QTest::newRow("call then '-' is subtraction") << "g(a) - b" << "(- (call g a) b)";
    QTest::newRow("call then '- 1' is subtraction") << "g(a) - 1" << "(- (call g a) 1)";
    QTest::newRow("one parenthesized argument then '-'") << "g (h a) - 1" << "(- (call g (call h a)) 1)";
    QTest::newRow("negated juxtaposition") << "- g a + b" << "(- (call g (+ a b)))";
    QTest::newRow("juxtaposition as an operand") << "2 * g a b" << "(* 2 (call g a b))";
    QTest::newRow("juxtaposed parenthesized args") << "f (a) (b + c)" << "(call f a (+ b c))";
    QTest::newRow("call then juxtaposition") << "f(a) b" << "(call f a b)";
    QTest::newRow("nested juxtaposition is flat") << "f g a" << "(call f g a)";
    // An argument name before '(' is not a call (the published grammar's parse: `VAR exprs`
    // with the name as a variable): `pick c (x) (y)` has three arguments, `g c(a)` two.
    QTest::newRow("juxtaposed name then parenthesized args") << "pick c (x * n[l]) (y)"
                                                             << "(call pick c (* x (member l n)) y)";
    QTest::newRow("juxtaposed name then '(' is no call") << "g c(a) b" << "(call g c a b)";
    QTest::newRow("call then two parenthesized args") << "g(c)(a)(b)" << "(call g c a b)";
    QTest::newRow("partial call") << "stop(x)" << "(call stop x)";
    QTest::newRow("builtins") << "max(a, b) + sum(l) + len(l) + avg(l) + min(l)"
                              << "(+ (+ (+ (+ (max a b) (sum l)) (len l)) (avg l)) (min l))";
    QTest::newRow("argmax") << "argmax(p, f)" << "(argmax p f)";
    QTest::newRow("lp") << "lp(maximize, e, c1, c2)" << "(lp maximize e c1 c2)";
    QTest::newRow("list literal") << "[a, b]" << "(List a b)";
    QTest::newRow("traverse")
        << "e.traverse(backward, p, false, r){e <= n}.map(f)"
        << "(Map (traverse backward e p false r (<= e n)) f)";
    QTest::newRow("bindings") << "prev_0 + prev_1 + curr_list + eps + prev + curr"
                              << "(+ (+ (+ (+ (+ prev_0 prev_1) curr_list) eps) prev) curr)";
  }

  // A '-' after a juxtaposed argument starts the next argument (the published grammar's reading
  // of these), with a warning: that grammar reads `f a - b - c` as f(a - b, -c).
  void juxtaposedMinusStartsAnArgumentWithAWarning_data() {
    QTest::addColumn<QString>("expr");
    QTest::addColumn<QString>("tree");
    QTest::newRow("g c - a") << "g c - a" << "(call g c (- a))";
    QTest::newRow("after a product") << "g c * d - a" << "(call g (* c d) (- a))";
    QTest::newRow("negated factor") << "g c - a * b" << "(call g c (* (- a) b))";
    QTest::newRow("after a parenthesized argument") << "g a (b) - 1" << "(call g a b -1)";
    QTest::newRow("after f(a) b") << "g(a) b - c" << "(call g a b (- c))";
    QTest::newRow("signed integer after f(a)") << "g(a) -1" << "(call g a -1)";
    QTest::newRow("signed integer after f(a) and before more") << "g (a) -1 (b)" << "(call g a -1 b)";
  }

  void juxtaposedMinusStartsAnArgumentWithAWarning() {
    QFETCH(QString, expr);
    QFETCH(QString, tree);
    const auto r = cert::parser::parse("func t(Float x) = " + expr.toStdString() + ";");
    QCOMPARE(r.program.funcs.size(), size_t(1));
    QCOMPARE(QString::fromStdString(sexpr(*r.program.funcs[0].body)), tree);
    QCOMPARE(r.diagnostics.size(), size_t(1));
    QCOMPARE(r.diagnostics[0].severity, cert::Severity::Warning);
    QVERIFY2(QString::fromStdString(r.diagnostics[0].message).contains("starts another argument"),
             r.diagnostics[0].message.c_str());
  }

  void precedence() {
    QFETCH(QString, expr);
    QFETCH(QString, tree);
    QCOMPARE(QString::fromStdString(body(expr.toStdString())), tree);
  }

  void equivalentFormsGiveEqualTrees_data() {
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::newRow("juxtaposition") << "f a b" << "f(a, b)";
    QTest::newRow("if-fi") << "if c then a else b fi" << "c ? a : b";
    QTest::newRow("redundant parens") << "((a) + ((b) * (c)))" << "a + b * c";
    QTest::newRow("sign") << "(-1) * x" << "-1 * x";
    QTest::newRow("sigma") << "sigma(x)" << "sigma x";
  }

  void equivalentFormsGiveEqualTrees() {
    QFETCH(QString, a);
    QFETCH(QString, b);
    QCOMPARE(QString::fromStdString(body(a.toStdString())),
             QString::fromStdString(body(b.toStdString())));
  }

  void ruleBodies() {
    const auto r = cert::parser::parse(std::string(kShape) +
                                       "transformer t {\n"
                                       "  Relu -> a ? (x, y) : (b ? (1, 2) : (3, 4));\n"
                                       "  Abs -> ((a) ? ((x, y)) : (z, w));\n"
                                       "  Affine -> p, q;\n"
                                       "}\n"
                                       "flow(forward, p, true, t);");
    QVERIFY(r.diagnostics.empty());
    const auto& rules = r.program.transformers.at(0).rules;
    QCOMPARE(rules.size(), std::size_t(3));
    QCOMPARE(QString::fromStdString(sexpr(*rules[0].body)),
             QString("(? a (Tuple x y) (? b (Tuple 1 2) (Tuple 3 4)))"));
    QCOMPARE(QString::fromStdString(sexpr(*rules[1].body)), QString("(? a (Tuple x y) (Tuple z w))"));
    QCOMPARE(QString::fromStdString(sexpr(*rules[2].body)), QString("(Tuple p q)"));
    QCOMPARE(QString::fromStdString(rules[2].op), QString("Affine"));
  }

  void declarations() {
    const auto r = cert::parser::parse(
        "def Shape as (Float l, PolyExp L, Neuron List ns) {[curr[l] <= curr, curr In curr[L]]};\n"
        "func f(Neuron n, Float List w) = n[l];\n"
        "transformer t { Relu -> (prev[l], prev, prev); }\n"
        "flow(backward, f, stop(1), t);\n");
    QVERIFY(r.diagnostics.empty());
    const auto& p = r.program;
    QVERIFY(p.shape.has_value());
    QCOMPARE(p.shape->members.size(), std::size_t(3));
    QCOMPARE(p.shape->members[2].type.base, cert::ast::BaseType::Neuron);
    QCOMPARE(p.shape->members[2].type.listDepth, 1);
    QCOMPARE(p.shape->constraints.size(), std::size_t(2));
    QCOMPARE(p.funcs.at(0).params.at(1).type.listDepth, 1);
    QCOMPARE(p.flows.at(0).direction, cert::ast::Direction::Backward);
    QCOMPARE(QString::fromStdString(p.flows[0].transformer), QString("t"));
    QCOMPARE(QString::fromStdString(sexpr(*p.flows[0].stop)), QString("(call stop 1)"));
    const std::vector<cert::ast::DeclRef> order = {{cert::ast::DeclKind::Shape, 0},
                                                   {cert::ast::DeclKind::Func, 0},
                                                   {cert::ast::DeclKind::Transformer, 0},
                                                   {cert::ast::DeclKind::Flow, 0}};
    QVERIFY(p.order == order);
  }

  void rangesAndIds() {
    const std::string text = "func t(Float x) = (a + b) * c;";
    const auto r = cert::parser::parse(text);
    QVERIFY(r.diagnostics.empty());
    const Expr& mul = *r.program.funcs[0].body;
    QCOMPARE(mul.range.begin.col, 19);  // includes the '(' of its left operand
    QCOMPARE(mul.range.end.offset, static_cast<int>(text.size()) - 1);
    const Expr& add = mul.kid(0);
    QCOMPARE(add.range.begin.col, 19);
    QCOMPARE(add.range.end.col, 26);
    QCOMPARE(add.kid(1).range.begin.col, 24);
    std::set<int> ids;
    cert::ast::forEachExpr(r.program, [&](const Expr& e) { ids.insert(e.id); });
    QCOMPARE(static_cast<int>(ids.size()), r.program.exprCount);
    QCOMPARE(*ids.begin(), 0);
    QCOMPARE(*ids.rbegin(), r.program.exprCount - 1);
  }

  void errorMessages_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("unclosed paren")
        << "func f(Float x) =\n  (x + (x * 2);\n"
        << QStringList{"2:15: expected ')' to close '(' at 2:3, found ';'"};
    QTest::newRow("missing semicolon at end of line reported after the last token")
        << "func f(Float x) = x\nfunc g(Float y) = y;\n"
        << QStringList{"1:20: expected ';' after function 'f', found 'func'"};
    QTest::newRow("expected expression")
        << "func f(Float x) = x + ;" << QStringList{"1:23: expected an expression, found ';'"};
    QTest::newRow("metadata used as a value")
        << "func f(Float x) = layer;"
        << QStringList{"1:19: expected an expression ('layer' is metadata: write n[layer]), "
                       "found 'layer'"};
    QTest::newRow("reserved word as a name")
        << "func map(Float x) = x;"
        << QStringList{"1:6: expected a function name ('map' is a reserved word), found 'map'"};
    QTest::newRow("missing colon")
        << "func f(Float x) = x ? 1 ;"
        << QStringList{"1:25: expected ':' to match '?' at 1:21, found ';'"};
    QTest::newRow("bad method")
        << "func f(PolyExp x) = x.mop(g);"
        << QStringList{"1:23: expected 'map', 'map_list', 'dot', 'concat' or 'traverse' after "
                       "'.', found identifier 'mop'"};
    QTest::newRow("unclosed transformer")
        << "transformer t {\n  Relu -> (a, b);\n"
        << QStringList{"2:18: expected '}' to close '{' at 1:15, found end of file"};
    QTest::newRow("two errors, two statements")
        << "func f(Float x) = (x;\nfunc g(Float y) = y +;\nfunc h(Float z) = z;"
        << QStringList{"1:21: expected ')' to close '(' at 1:19, found ';'",
                       "2:22: expected an expression, found ';'"};
    QTest::newRow("recovery inside a transformer")
        << "transformer t {\n  Relu -> (a b c;\n  Abs -> (a, );\n  Affine -> (a, b);\n}"
        << QStringList{"2:17: expected ')' to close '(' at 2:11, found ';'",
                       "3:14: expected an expression, found ')'"};
    QTest::newRow("missing ';' between rules resumes at the next rule")
        << "transformer t {\n  Relu -> (a, b)\n  Abs -> (a, b);\n}"
        << QStringList{"2:17: expected ';' after the rule for 'Relu', found identifier 'Abs'"};
    QTest::newRow("missing ';' after a name: the next rule is not an argument")
        << "transformer t {\n  Relu -> x\n  Abs -> (a, b);\n  Sigmoid -> g(x)\n  Tanh -> y;\n}"
        << QStringList{"2:12: expected ';' after the rule for 'Relu', found identifier 'Abs'",
                       "4:18: expected ';' after the rule for 'Sigmoid', found identifier 'Tanh'"};
    QTest::newRow("garbage at top level")
        << "Relu -> x;\nfunc f(Float x) = x;"
        << QStringList{"1:1: expected a declaration ('def Shape as', 'func', 'transformer' or "
                       "'flow'), found identifier 'Relu'"};
    QTest::newRow("lexer error is not reported twice")
        << "func f(Float x) = x && x;" << QStringList{"1:21: unexpected characters '&&' (write 'and')"};
  }

  void errorMessages() {
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    QCOMPARE(messages(text.toStdString()), expected);
  }

  void recoveredDeclarationsStay() {
    const auto r = cert::parser::parse("func f(Float x) = (x;\nfunc g(Float y) = y;\n");
    QCOMPARE(r.program.funcs.size(), std::size_t(2));
    QVERIFY(r.program.funcs[0].recovered);
    QVERIFY(!r.program.funcs[1].recovered);
  }

  void nestingLimit() {
    const int depth = cert::parser::kMaxNesting + 50;
    const std::string text = "func f(Float x) = " + std::string(depth, '(') + "x" +
                             std::string(depth, ')') + ";\nfunc g(Float y) = y +;";
    const QStringList m = messages(text);
    QCOMPARE(m.size(), 2);
    QVERIFY2(m[0].contains("nested too deeply"), qPrintable(m[0]));
    QVERIFY2(m[1].startsWith("2:"), qPrintable(m[1]));
  }

  void longChainsAreBounded() {
    std::string chain = "x";
    for (int i = 0; i < cert::parser::kMaxExprHeight + 10; ++i) chain += " + x";
    const QStringList m = messages("func f(Float x) = " + chain + ";");
    QCOMPARE(m.size(), 1);
    QVERIFY2(m[0].contains("too deeply nested"), qPrintable(m[0]));
    // A long but legal chain is fine.
    std::string ok = "x";
    for (int i = 0; i < 300; ++i) ok += " + x";
    QVERIFY(messages("func f(Float x) = " + ok + ";").isEmpty());
  }

  void errorCountIsCapped() {
    std::string text;
    for (int i = 0; i < 500; ++i) text += "func f(Float x) = ;\n";
    const auto r = cert::parser::parse(text);
    QCOMPARE(static_cast<int>(r.diagnostics.size()), cert::parser::kMaxErrors + 1);
    QCOMPARE(QString::fromStdString(r.diagnostics.back().message),
             QString("too many errors; stopping here"));
  }
};

QTEST_APPLESS_MAIN(TestParser)
#include "tst_parser.moc"
