// The AST dump: declarations, then expressions depth-first, one node per line.
#include "compiler/printer/ast_dump.h"

namespace cert::printer {
namespace {

using ast::Expr;
using ast::ExprKind;

/// The fields that identify a node of each kind, as printed after the kind.
std::string fields(const Expr& e) {
  switch (e.kind) {
    case ExprKind::IntLit: return std::to_string(e.intValue);
    case ExprKind::FloatLit: return e.text;
    case ExprKind::BoolLit: return e.boolValue ? "true" : "false";
    case ExprKind::Name:
    case ExprKind::Member:
    case ExprKind::Call: return e.name;
    case ExprKind::PrevIndexed: return e.prevIndex == 0 ? "prev_0" : "prev_1";
    case ExprKind::Unary: return ast::unaryOpSpelling(e.unaryOp);
    case ExprKind::Binary: return ast::binaryOpSpelling(e.binaryOp);
    case ExprKind::Builtin: return ast::builtinName(e.builtin);
    case ExprKind::Traverse: return ast::directionName(e.direction);
    case ExprKind::Lp: return ast::lpGoalName(e.goal);
    default: return {};
  }
}

class Dumper {
 public:
  explicit Dumper(const DumpOptions& o) : o_(o) {}

  std::string run(const ast::Program& p) {
    out_ = "Program\n";
    for (const auto& d : p.order) {
      switch (d.kind) {
        case ast::DeclKind::Shape: shape(*p.shape); break;
        case ast::DeclKind::Func: func(p.funcs[d.index], d.index); break;
        case ast::DeclKind::Transformer: transformer(p.transformers[d.index]); break;
        case ast::DeclKind::Flow: flow(p.flows[d.index]); break;
      }
    }
    return std::move(out_);
  }

 private:
  std::string at(const SourceRange& r) const {
    if (!o_.positions) return {};
    return " @" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.col);
  }
  void line(int depth, const std::string& text) {
    out_ += std::string(static_cast<std::size_t>(depth) * 2, ' ') + text + "\n";
  }
  void param(int depth, const char* what, const ast::Param& p) {
    line(depth, std::string(what) + " " + ast::typeNameString(p.type) + " " + p.name + at(p.range));
  }

  void expr(int depth, const Expr& e) {
    std::string text = ast::exprKindName(e.kind);
    const std::string f = fields(e);
    if (!f.empty()) text += " " + f;
    text += at(e.range);
    if (o_.types) text += " : " + o_.types->of(e).str();
    line(depth, text);
    for (const auto& k : e.kids) expr(depth + 1, *k);
  }

  void shape(const ast::ShapeDecl& s) {
    line(1, "Shape" + at(s.range));
    for (const auto& m : s.members) param(2, "Member", m);
    for (const auto& c : s.constraints) {
      line(2, "Constraint");
      expr(3, *c);
    }
  }

  void func(const ast::FuncDecl& f, int index) {
    std::string text = "Func " + f.name + at(f.range);
    if (o_.funcTypes && static_cast<std::size_t>(index) < o_.funcTypes->size())
      text += " : " + (*o_.funcTypes)[index].str();
    line(1, text);
    for (const auto& p : f.params) param(2, "Param", p);
    expr(2, *f.body);
  }

  void transformer(const ast::TransformerDecl& t) {
    line(1, "Transformer " + t.name + at(t.range));
    for (const auto& r : t.rules) {
      line(2, "Rule " + r.op + at(r.range));
      expr(3, *r.body);
    }
  }

  void flow(const ast::FlowDecl& f) {
    line(1, std::string("Flow ") + ast::directionName(f.direction) + " " + f.transformer +
                at(f.range));
    line(2, "Priority");
    expr(3, *f.priority);
    line(2, "Stop");
    expr(3, *f.stop);
  }

  const DumpOptions& o_;
  std::string out_;
};

}  // namespace

std::string dumpAst(const ast::Program& program, const DumpOptions& options) {
  return Dumper(options).run(program);
}

}  // namespace cert::printer
