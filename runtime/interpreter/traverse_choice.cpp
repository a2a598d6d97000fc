// ItemRun: which blocks each row of a traverse step replaces: the choices of blocks whose step
// is a sign-split product or that the stop keeps whole, and the greatest priority per row (the
// rows of a sign-split block asked only when its priority can win one).
#include "runtime/interpreter/item_run.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cert::interp {

using ir::Instr;
using ir::Opcode;

std::optional<ItemRun::Choice> ItemRun::stoppedChoice(const Instr& i, int b, int64_t cols) {
  if (b < 0 || static_cast<size_t>(b) >= states.size()) return std::nullopt;
  for (const Instr& k : i.regions[1]->body)
    if (k.op == Opcode::Coeff) return std::nullopt;  // a stop per coefficient: term frames
  auto noCoefficients = [] { return Tensor::scalar(0); };  // the stop reads none (checked above)
  const Tensor stop = asTensor(termValueOver(*i.regions[1], b, false, cols, nullptr, noCoefficients));
  if (stop.v.size() != 1 || stop.v[0] == 0 || std::isnan(stop.v[0])) return std::nullopt;
  Choice ch;
  ch.priority = Tensor::scalar(0).expand(n_, 1, 1);
  ch.rowActive.assign(static_cast<size_t>(n_), false);
  return ch;
}

std::optional<ItemRun::Choice> ItemRun::signSplitChoice(const Instr& i, int b, const CoefBlock& blk) {
  if (!signSplitApplies(i, b, blk.cols())) return std::nullopt;
  auto noCoefficients = [] { return Tensor::scalar(0); };  // the regions read none (signSplitApplies)
  Choice ch;
  ch.priority = asTensor(termValueOver(*i.regions[0], b, false, blk.cols(), nullptr, noCoefficients)).expand(n_, 1, 1);
  ch.rowsPending = true;  // bestPriorities asks the block's rows when its priority can win one
  return ch;
}

std::optional<std::vector<double>> ItemRun::bestPriorities(const Lin& e, std::map<int, Choice>& blocks) {
  const double ninf = -std::numeric_limits<double>::infinity();
  std::vector<double> best(static_cast<size_t>(n_), ninf);
  bool any = false;
  auto raise = [&](const Choice& ch) {
    for (int64_t r = 0; r < n_; ++r)
      if (ch.rowActive[static_cast<size_t>(r)]) {
        best[static_cast<size_t>(r)] = std::max(best[static_cast<size_t>(r)], ch.priority.at(r, 0, 0));
        any = true;
      }
  };
  // The pending blocks' rows (a pass over each block) are asked greatest priority first, and not
  // at all for a block whose priority is below the best of every row so far: it cannot be chosen
  // in this step (with a priority such as -n[layer], every later layer's block while the earliest
  // layer's has a term in each row). A NaN priority is never below: such a block is asked.
  std::vector<std::pair<double, int>> pending;
  for (auto& [b, ch] : blocks) {
    if (!ch.rowsPending) {
      raise(ch);
      continue;
    }
    double greatest = ninf;
    for (int64_t r = 0; r < n_; ++r) {
      const double p = ch.priority.at(r, 0, 0);
      if (std::isnan(p)) {
        greatest = std::numeric_limits<double>::infinity();
        break;
      }
      greatest = std::max(greatest, p);
    }
    pending.emplace_back(greatest, b);
  }
  std::stable_sort(pending.begin(), pending.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
  for (const auto& [greatest, b] : pending) {
    Choice& ch = blocks.at(b);
    bool canWin = false;
    for (int64_t r = 0; r < n_ && !canWin; ++r) canWin = !(ch.priority.at(r, 0, 0) < best[static_cast<size_t>(r)]);
    if (canWin) ch.rowActive = backend_.nonZeroRows(e.blocks.at(b), sharedKernelRows_);
    else ch.rowActive.assign(static_cast<size_t>(n_), false);  // kept as it is in this step
    ch.rowsPending = false;
    raise(ch);
  }
  if (!any) return std::nullopt;
  return best;
}

}  // namespace cert::interp
