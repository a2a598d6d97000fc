// The keyword table and token names for diagnostics.
#include "compiler/lexer/token.h"

#include <array>
#include <unordered_map>
#include <utility>

namespace cert::lexer {
namespace {

using Entry = std::pair<std::string_view, TokenKind>;

constexpr std::array kKeywords = {
    Entry{"def", TokenKind::KwDef}, Entry{"Shape", TokenKind::KwShape},
    Entry{"as", TokenKind::KwAs}, Entry{"func", TokenKind::KwFunc},
    Entry{"transformer", TokenKind::KwTransformer}, Entry{"flow", TokenKind::KwFlow},
    Entry{"forward", TokenKind::KwForward}, Entry{"backward", TokenKind::KwBackward},
    Entry{"curr", TokenKind::KwCurr}, Entry{"prev", TokenKind::KwPrev},
    Entry{"prev_0", TokenKind::KwPrev0}, Entry{"prev_1", TokenKind::KwPrev1},
    Entry{"curr_list", TokenKind::KwCurrList}, Entry{"eps", TokenKind::KwEps},
    Entry{"true", TokenKind::KwTrue}, Entry{"false", TokenKind::KwFalse},
    Entry{"if", TokenKind::KwIf}, Entry{"then", TokenKind::KwThen},
    Entry{"else", TokenKind::KwElse}, Entry{"fi", TokenKind::KwFi},
    Entry{"and", TokenKind::KwAnd}, Entry{"or", TokenKind::KwOr},
    Entry{"In", TokenKind::KwIn}, Entry{"sigma", TokenKind::KwSigma},
    Entry{"sigma_tangent", TokenKind::KwSigmaTangent},
    Entry{"sigma_tangent_table", TokenKind::KwSigmaTangentTable},
    Entry{"tanh_tangent_table", TokenKind::KwTanhTangentTable},
    Entry{"traverse", TokenKind::KwTraverse}, Entry{"map", TokenKind::KwMap},
    Entry{"map_list", TokenKind::KwMapList}, Entry{"dot", TokenKind::KwDot},
    Entry{"concat", TokenKind::KwConcat}, Entry{"sum", TokenKind::KwSum},
    Entry{"len", TokenKind::KwLen}, Entry{"avg", TokenKind::KwAvg},
    Entry{"min", TokenKind::KwMin}, Entry{"max", TokenKind::KwMax},
    Entry{"argmin", TokenKind::KwArgmin}, Entry{"argmax", TokenKind::KwArgmax},
    Entry{"lp", TokenKind::KwLp}, Entry{"minimize", TokenKind::KwMinimize},
    Entry{"maximize", TokenKind::KwMaximize}, Entry{"Int", TokenKind::KwInt},
    Entry{"Float", TokenKind::KwFloat}, Entry{"Bool", TokenKind::KwBool},
    Entry{"PolyExp", TokenKind::KwPolyExp}, Entry{"SymExp", TokenKind::KwSymExp},
    Entry{"Neuron", TokenKind::KwNeuron}, Entry{"Noise", TokenKind::KwNoise},
    Entry{"Ct", TokenKind::KwCt}, Entry{"List", TokenKind::KwList},
    Entry{"weight", TokenKind::KwWeight}, Entry{"bias", TokenKind::KwBias},
    Entry{"layer", TokenKind::KwLayer}, Entry{"last_layer", TokenKind::KwLastLayer},
    Entry{"equations", TokenKind::KwEquations},
};

constexpr std::array kPunct = {
    Entry{"+", TokenKind::Plus}, Entry{"-", TokenKind::Minus}, Entry{"*", TokenKind::Star},
    Entry{"/", TokenKind::Slash}, Entry{"==", TokenKind::EqEq}, Entry{"!=", TokenKind::NotEq},
    Entry{"<", TokenKind::Lt}, Entry{"<=", TokenKind::Le}, Entry{">", TokenKind::Gt},
    Entry{">=", TokenKind::Ge}, Entry{"!", TokenKind::Bang}, Entry{"?", TokenKind::Question},
    Entry{":", TokenKind::Colon}, Entry{"->", TokenKind::Arrow}, Entry{"=", TokenKind::Assign},
    Entry{",", TokenKind::Comma}, Entry{";", TokenKind::Semi}, Entry{".", TokenKind::Dot},
    Entry{"[", TokenKind::LBracket}, Entry{"]", TokenKind::RBracket},
    Entry{"(", TokenKind::LParen}, Entry{")", TokenKind::RParen},
    Entry{"{", TokenKind::LBrace}, Entry{"}", TokenKind::RBrace},
};

}  // namespace

TokenKind keywordKind(std::string_view word) {
  static const std::unordered_map<std::string_view, TokenKind> table = [] {
    std::unordered_map<std::string_view, TokenKind> m(kKeywords.begin(), kKeywords.end());
    m.emplace("ZonoExp", TokenKind::KwSymExp);
    return m;
  }();
  const auto it = table.find(word);
  return it == table.end() ? TokenKind::Ident : it->second;
}

const char* tokenSpelling(TokenKind k) {
  for (const auto& [spelling, kind] : kKeywords)
    if (kind == k) return spelling.data();
  for (const auto& [spelling, kind] : kPunct)
    if (kind == k) return spelling.data();
  return "";
}

bool isKeyword(TokenKind k) { return k >= TokenKind::KwDef && k <= TokenKind::KwEquations; }

bool isTypeKeyword(TokenKind k) { return k >= TokenKind::KwInt && k <= TokenKind::KwCt; }

bool isMetadataKeyword(TokenKind k) {
  return k >= TokenKind::KwWeight && k <= TokenKind::KwEquations;
}

std::string describeToken(const Token& t) {
  switch (t.kind) {
    case TokenKind::End: return "end of file";
    case TokenKind::Ident: return "identifier '" + std::string(t.text) + "'";
    case TokenKind::Int:
    case TokenKind::Float: return "number '" + std::string(t.text) + "'";
    case TokenKind::Error: return "invalid input";
    default: return "'" + std::string(t.text) + "'";
  }
}

}  // namespace cert::lexer
