// The verdict of one run in words, per property kind: the number shown is the one that decides it.
#pragma once

#include <QString>

#include "core/property/property.h"
#include "runtime/executor.h"

namespace cert::studio {

/// What decides a verdict and how to say it.
struct VerdictText {
  /// "Margins y_label - y_j" (labelled items) or "Unsafe region (VNN-LIB)"; empty without margins.
  QString heading;
  /// "verified: smallest margin lower bound 0.31 > 0 (y_7 - y_3)", "verified: the unsafe region
  /// needs Y_0 - Y_3 >= 0 but its upper bound is -1.2", "invalid, no verdict: REASON", ...
  QString text;
  /// The bound that decides the verdict: the smallest margin lower bound (labelled), or the
  /// largest over unsafe conjunctions of the smallest atom upper bound (VNN-LIB). NaN when none.
  double deciding = 0;
  bool hasDeciding = false;
};

/// `coeffs . y + constant >= 0` as "Y_0 - Y_3 >= 0" (the constant moved to the right side).
QString atomText(const cert::OutputInequality& atom);

/// The verdict of `result` for `item` (the property item it certified) in words.
/// Labelled: the margin row with the smallest lower bound decides (verified when it is > 0).
/// VNN-LIB: each unsafe conjunction is refuted by its atom with the smallest upper bound (< 0);
/// the conjunction whose best atom is highest decides. Invalid results say why, no number.
VerdictText verdictText(const cert::PropertyItem& item, const cert::ItemResult& result);

}  // namespace cert::studio
