// The operators of Unary, Binary and Reduce instructions as an enum with one name table (for
// printing and parsing), and Instr::name's type: a name that knows its operator.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cert::ir {

/// An operator of a Unary (neg not sigma sigma_tangent abs sigma_tangent_table tanh_tangent_table), Binary (add sub mul div min max lt
/// le gt ge eq ne in and or) or Reduce (sum max min len avg all) instruction; None: no operator
/// (a member or metadata name, or an operator this table does not know).
enum class Op : std::uint8_t {
  None,
  Add, Sub, Mul, Div, Min, Max, Lt, Le, Gt, Ge, Eq, Ne, In, And, Or,
  Neg, Not, Sigma, SigmaTangent, Abs, SigmaTangentTable, TanhTangentTable,
  Sum, Avg, Len, All,
};

/// The printed name of `op` ("add", "sigma_tangent", ...); "" for None.
const char* opName(Op op);

/// The operator printed as `name`; None when there is none.
Op parseOp(std::string_view name);

/// Instr::name: a member or metadata name, or an operator's printed name. The operator is
/// resolved once when the name is set, so passes and executors compare enums (`i.name == Op::Add`)
/// and printing uses the text unchanged.
class Name {
 public:
  Name() = default;
  explicit Name(std::string text) : text_(std::move(text)), op_(parseOp(text_)) {}
  explicit Name(Op op) : text_(opName(op)), op_(op) {}
  Name& operator=(std::string text) {
    text_ = std::move(text);
    op_ = parseOp(text_);
    return *this;
  }
  Name& operator=(const char* text) { return *this = std::string(text); }
  Name& operator=(Op op) {
    text_ = opName(op);
    op_ = op;
    return *this;
  }

  Op op() const { return op_; }
  const std::string& str() const { return text_; }
  const char* c_str() const { return text_.c_str(); }
  bool empty() const { return text_.empty(); }
  void clear() {
    text_.clear();
    op_ = Op::None;
  }
  operator const std::string&() const { return text_; }  // NOLINT: a name reads as its text

  friend bool operator==(const Name& a, Op b) { return a.op_ == b; }
  friend bool operator==(const Name& a, const Name& b) { return a.text_ == b.text_; }
  friend bool operator==(const Name& a, std::string_view b) { return a.text_ == b; }
  friend bool operator==(const Name& a, const char* b) { return a.text_ == b; }
  friend auto operator<=>(const Name& a, const Name& b) { return a.text_ <=> b.text_; }
  friend std::string operator+(const std::string& a, const Name& b) { return a + b.text_; }
  friend std::string operator+(const char* a, const Name& b) { return a + b.text_; }
  friend std::string operator+(const Name& a, const std::string& b) { return a.text_ + b; }
  friend std::string operator+(const Name& a, const char* b) { return a.text_ + b; }

 private:
  std::string text_;
  Op op_ = Op::None;
};

}  // namespace cert::ir
