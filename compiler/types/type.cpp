// The type lattice: subtyping, least upper bounds and printing.
#include "compiler/types/type.h"

namespace cert::types {
namespace {

const char* kindName(Kind k) {
  switch (k) {
    case Kind::Int: return "Int";
    case Kind::Float: return "Float";
    case Kind::Bool: return "Bool";
    case Kind::Neuron: return "Neuron";
    case Kind::Noise: return "Noise";
    case Kind::PolyExp: return "PolyExp";
    case Kind::SymExp: return "SymExp";
    case Kind::Ct: return "Ct";
    case Kind::Func: return "function";
    case Kind::Tuple: return "tuple";
    case Kind::Error: return "<error>";
  }
  return "?";
}

/// Subtyping between scalar value kinds.
bool kindBelow(Kind a, Kind b) {
  if (a == b) return true;
  switch (a) {
    case Kind::Int: return b == Kind::Float || b == Kind::PolyExp || b == Kind::SymExp;
    case Kind::Float: return b == Kind::PolyExp || b == Kind::SymExp;
    case Kind::Neuron: return b == Kind::PolyExp;
    case Kind::Noise: return b == Kind::SymExp;
    case Kind::Bool: return b == Kind::Ct;
    default: return false;
  }
}

bool isValueKind(Kind k) { return k != Kind::Func && k != Kind::Tuple && k != Kind::Error; }

}  // namespace

Type Type::fromName(const ast::TypeName& t) {
  return Type::of(static_cast<Kind>(static_cast<int>(t.base)), t.listDepth);
}

Type Type::func(std::vector<Type> params, Type result) {
  auto sig = std::make_shared<FuncSig>();
  sig->params = std::move(params);
  sig->result = std::move(result);
  return Type{Kind::Func, 0, std::move(sig)};
}

std::string paramList(const std::vector<Type>& params) {
  std::string s = "(";
  for (std::size_t i = 0; i < params.size(); ++i) s += (i ? ", " : "") + params[i].str();
  return s + ")";
}

std::string Type::str() const {
  std::string s;
  if (kind == Kind::Func && sig) s = paramList(sig->params) + " -> " + sig->result.str();
  else s = kindName(kind);
  for (int i = 0; i < listDepth; ++i) s += " List";
  return s;
}

bool isSubtype(const Type& a, const Type& b) {
  if (a.isError() || b.isError()) return true;
  if (a.listDepth != b.listDepth) return false;
  if (!isValueKind(a.kind) || !isValueKind(b.kind)) return false;
  return kindBelow(a.kind, b.kind);
}

std::optional<Type> join(const Type& a, const Type& b) {
  if (a.isError()) return b;
  if (b.isError()) return a;
  if (a.listDepth != b.listDepth || !isValueKind(a.kind) || !isValueKind(b.kind))
    return std::nullopt;
  for (Kind k : {a.kind, b.kind, Kind::Float, Kind::PolyExp, Kind::SymExp, Kind::Ct})
    if (kindBelow(a.kind, k) && kindBelow(b.kind, k)) return Type::of(k, a.listDepth);
  return std::nullopt;
}

Type promote(const Type& t) {
  if (t.kind == Kind::Neuron) return Type::of(Kind::PolyExp, t.listDepth);
  if (t.kind == Kind::Noise) return Type::of(Kind::SymExp, t.listDepth);
  return t;
}

bool isArithmetic(const Type& t) {
  if (t.listDepth != 0) return false;
  switch (t.kind) {
    case Kind::Int: case Kind::Float: case Kind::Neuron: case Kind::Noise: case Kind::PolyExp:
    case Kind::SymExp:
      return true;
    default:
      return false;
  }
}

}  // namespace cert::types
