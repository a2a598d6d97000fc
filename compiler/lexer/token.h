// Tokens of ConstraintFlow: kinds, the keyword table and how a token is named in diagnostics.
#pragma once

#include <string>
#include <string_view>

#include "core/diagnostics/diagnostic.h"

namespace cert::lexer {

enum class TokenKind {
  End,    ///< end of input
  Error,  ///< bytes the lexer rejected (it has reported them)
  Ident,
  Int,
  Float,
  // keywords
  KwDef, KwShape, KwAs, KwFunc, KwTransformer, KwFlow, KwForward, KwBackward,
  KwCurr, KwPrev, KwPrev0, KwPrev1, KwCurrList, KwEps, KwTrue, KwFalse,
  KwIf, KwThen, KwElse, KwFi, KwAnd, KwOr, KwIn, KwSigma, KwSigmaTangent,
  KwSigmaTangentTable, KwTanhTangentTable,
  KwTraverse, KwMap, KwMapList, KwDot, KwConcat,
  KwSum, KwLen, KwAvg, KwMin, KwMax, KwArgmin, KwArgmax, KwLp, KwMinimize, KwMaximize,
  // types
  KwInt, KwFloat, KwBool, KwPolyExp, KwSymExp, KwNeuron, KwNoise, KwCt, KwList,
  // metadata
  KwWeight, KwBias, KwLayer, KwLastLayer, KwEquations,
  // punctuation
  Plus, Minus, Star, Slash, EqEq, NotEq, Lt, Le, Gt, Ge, Bang, Question, Colon, Arrow,
  Assign, Comma, Semi, Dot, LBracket, RBracket, LParen, RParen, LBrace, RBrace,
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string_view text;  ///< points into the lexed source
  SourceRange range;
};

/// The keyword spelled `word`, or Ident. `ZonoExp` (older published specs) reads as SymExp.
TokenKind keywordKind(std::string_view word);
/// The fixed spelling of a keyword or punctuation kind ("func", "->"); "" for others.
const char* tokenSpelling(TokenKind k);
bool isKeyword(TokenKind k);
bool isTypeKeyword(TokenKind k);
bool isMetadataKeyword(TokenKind k);
/// How diagnostics name a token: "';'", "'func'", "identifier 'x'", "number '1.5'", "end of file".
std::string describeToken(const Token& t);

}  // namespace cert::lexer
