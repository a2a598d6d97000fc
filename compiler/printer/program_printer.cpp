// Printing a whole program: declarations in source order, comments, long rules wrapped.
#include "compiler/printer/printer.h"

namespace cert::printer {
namespace {

using ast::Expr;
using ast::ExprKind;

constexpr std::size_t kWidth = 100;
constexpr int kIndent = 4;

std::string pad(int n) { return std::string(static_cast<std::size_t>(n), ' '); }

std::string params(const std::vector<ast::Param>& ps) {
  std::string s;
  for (std::size_t i = 0; i < ps.size(); ++i)
    s += (i ? ", " : "") + ast::typeNameString(ps[i].type) + " " + ps[i].name;
  return s;
}

/// A rule body (or any expression) starting at column `col` of a line indented by `indent`:
/// one line when it fits, else conditionals and tuples are split over lines.
std::string layout(const Expr& e, int indent, std::size_t col) {
  std::string one = printExpr(e);
  if (col + one.size() <= kWidth) return one;
  if (e.kind == ExprKind::Ternary) {
    const int inner = indent + kIndent;
    const auto branch = [&](const Expr& b) {
      if (b.kind == ExprKind::Ternary) return "(" + layout(b, inner, inner + 3) + ")";
      return layout(b, inner, inner + 2);
    };
    std::string cond = printExpr(e.kid(0));
    if (e.kid(0).kind == ExprKind::Ternary) cond = "(" + cond + ")";
    return cond + "\n" + pad(inner) + "? " + branch(e.kid(1)) + "\n" + pad(inner) + ": " +
           branch(e.kid(2));
  }
  if (e.kind == ExprKind::Tuple) {
    std::string s = "(\n";
    for (std::size_t i = 0; i < e.kids.size(); ++i)
      s += pad(indent + kIndent) + printExpr(e.kid(i)) + (i + 1 < e.kids.size() ? ",\n" : "\n");
    return s + pad(indent) + ")";
  }
  return one;
}

class ProgramPrinter {
 public:
  explicit ProgramPrinter(const ast::Program& p) : p_(p) {}

  std::string run() {
    const ast::DeclKind* prev = nullptr;
    for (const auto& d : p_.order) {
      // Consecutive functions (and flows) stay together; other declarations get a blank line.
      if (prev && !(*prev == d.kind && d.kind != ast::DeclKind::Transformer)) out_ += "\n";
      prev = &d.kind;
      switch (d.kind) {
        case ast::DeclKind::Shape: shape(*p_.shape); break;
        case ast::DeclKind::Func: func(p_.funcs[d.index]); break;
        case ast::DeclKind::Transformer: transformer(p_.transformers[d.index]); break;
        case ast::DeclKind::Flow: flow(p_.flows[d.index]); break;
      }
    }
    if (!p_.endComments.empty() && !p_.order.empty()) out_ += "\n";
    for (const auto& c : p_.endComments) out_ += c + "\n";
    return std::move(out_);
  }

 private:
  void leading(const ast::Trivia& t, int indent) {
    for (const auto& c : t.leading) out_ += pad(indent) + c + "\n";
  }
  void line(const std::string& text, const ast::Trivia& t) {
    out_ += text;
    if (!t.trailing.empty()) out_ += " " + t.trailing;
    out_ += "\n";
  }

  void shape(const ast::ShapeDecl& s) {
    leading(s.trivia, 0);
    const std::string head = "def Shape as (" + params(s.members) + ") {[";
    std::string cs;
    for (std::size_t i = 0; i < s.constraints.size(); ++i)
      cs += (i ? ", " : "") + printExpr(*s.constraints[i]);
    if (head.size() + cs.size() + 3 <= kWidth || s.constraints.empty()) {
      line(head + cs + "]};", s.trivia);
      return;
    }
    out_ += head + "\n";
    for (std::size_t i = 0; i < s.constraints.size(); ++i)
      out_ += pad(kIndent) + printExpr(*s.constraints[i]) +
              (i + 1 < s.constraints.size() ? ",\n" : "\n");
    line("]};", s.trivia);
  }

  void func(const ast::FuncDecl& f) {
    leading(f.trivia, 0);
    const std::string head = "func " + f.name + "(" + params(f.params) + ") =";
    const std::string body = printExpr(*f.body);
    if (head.size() + 1 + body.size() + 1 <= kWidth)
      line(head + " " + body + ";", f.trivia);
    else
      line(head + "\n" + pad(kIndent) + layout(*f.body, kIndent, kIndent) + ";", f.trivia);
  }

  void transformer(const ast::TransformerDecl& t) {
    leading(t.trivia, 0);
    out_ += "transformer " + t.name + " {\n";
    for (const auto& r : t.rules) {
      leading(r.trivia, kIndent);
      const std::string head = pad(kIndent) + r.op + " -> ";
      line(head + layout(*r.body, kIndent, head.size()) + ";", r.trivia);
    }
    for (const auto& c : t.closingComments) out_ += pad(kIndent) + c + "\n";
    line("}", t.trivia);
  }

  void flow(const ast::FlowDecl& f) {
    leading(f.trivia, 0);
    line(std::string("flow(") + ast::directionName(f.direction) + ", " + printExpr(*f.priority) +
             ", " + printExpr(*f.stop) + ", " + f.transformer + ");",
         f.trivia);
  }

  const ast::Program& p_;
  std::string out_;
};

}  // namespace

std::string printProgram(const ast::Program& program) { return ProgramPrinter(program).run(); }

}  // namespace cert::printer
