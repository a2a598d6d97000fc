// Text form of IR programs.
#include "compiler/ir/ir_printer.h"

#include <cstdio>
#include <sstream>

namespace cert::ir {

std::string printShape(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.frames.size(); ++i) {
    if (i) out += ", ";
    out += frameKindName(s.frames[i].kind);
    if (!s.frames[i].materialized) out += "*";
  }
  return out + "]";
}

namespace {

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void printRegion(std::ostringstream& os, const Region& r, int indent, bool withOrigins, bool annotate);

/// "    ; layer-form product; sign-split L/U; last use %0, %1" ("" when the analyses found nothing).
std::string annotation(const Instr& i) {
  std::string out;
  if (i.layerForm != LayerForm::None) out += i.layerForm == LayerForm::Product ? "; layer-form product" : "; layer-form matmul";
  if (!i.signSplitPositive.empty()) out += "; sign-split " + i.signSplitPositive + "/" + i.signSplitNegative;
  if (i.signScale) out += "; sign-scale " + number(i.signScale->first) + "/" + number(i.signScale->second);
  if (!i.intervalProduct.empty()) out += "; interval-product " + i.intervalProduct;
  for (size_t k = 0; k < i.lastUses.size(); ++k)
    out += (k ? ", %" : "; last use %") + std::to_string(i.lastUses[k]);
  return out.empty() ? out : "    " + out;
}

void printInstr(std::ostringstream& os, const Instr& i, int indent, bool withOrigins, bool annotate) {
  std::string line(static_cast<size_t>(indent), ' ');
  if (i.op != Opcode::Yield)
    line += "%" + std::to_string(i.id) + " : " + elemTypeName(i.type) + printShape(i.shape) + " = ";
  line += opcodeName(i.op);
  switch (i.op) {
    case Opcode::Const: line += " " + number(i.number); break;
    case Opcode::Member:
    case Opcode::Meta: line += " " + i.name + " of " + neuronRefName(i.ref); break;
    case Opcode::Neuron: line += std::string(" ") + neuronRefName(i.ref); break;
    case Opcode::Unary:
    case Opcode::Binary: line += " " + i.name; break;
    case Opcode::Reduce: line += " " + i.name + " over " + frameKindName(i.frame); break;
    case Opcode::MatMul: line += std::string(" over ") + frameKindName(i.frame); break;
    case Opcode::Traverse: line += " " + i.direction; break;
    case Opcode::Lp: line += " " + i.name; break;
    default: break;
  }
  for (size_t k = 0; k < i.operands.size(); ++k)
    line += (k ? ", %" : " %") + std::to_string(i.operands[k]);
  if (withOrigins && i.origin.valid())
    line += "    @" + std::to_string(i.origin.begin.line) + ":" + std::to_string(i.origin.begin.col);
  if (annotate) line += annotation(i);
  os << line << "\n";
  static const char* kTraverseRegions[] = {"priority", "stop", "replace"};
  for (size_t k = 0; k < i.regions.size(); ++k) {
    const char* title = i.op == Opcode::Traverse && k < 3 ? kTraverseRegions[k] : "body";
    os << std::string(static_cast<size_t>(indent + 2), ' ') << title << " {\n";
    printRegion(os, *i.regions[k], indent + 4, withOrigins, annotate);
    os << std::string(static_cast<size_t>(indent + 2), ' ') << "}\n";
  }
}

void printRegion(std::ostringstream& os, const Region& r, int indent, bool withOrigins, bool annotate) {
  for (const Instr& i : r.body) printInstr(os, i, indent, withOrigins, annotate);
}

}  // namespace

std::string printProgram(const Program& p, bool withOrigins, bool annotate) {
  std::ostringstream os;
  os << "program " << p.transformer << "." << p.op << " {\n";
  printRegion(os, p.body, 2, withOrigins, annotate);
  os << "  return";
  for (size_t k = 0; k < p.results.size(); ++k) {
    os << (k ? ", " : " ");
    if (k < p.memberNames.size()) os << p.memberNames[k] << "=";
    os << "%" << p.results[k];
  }
  os << "\n}\n";
  return os.str();
}

}  // namespace cert::ir
