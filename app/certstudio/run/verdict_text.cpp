// verdictText: the deciding margin row (labelled) or unsafe atom (VNN-LIB) of one item.
#include "app/certstudio/run/verdict_text.h"

#include <QStringList>

#include <cmath>
#include <limits>

namespace cert::studio {
namespace {

QString num(double v) { return QString::number(v, 'g', 4); }

QString coeffTerm(double c, int j, bool first) {
  const QString y = QStringLiteral("Y_%1").arg(j);
  const double a = std::fabs(c);
  const QString body = a == 1.0 ? y : QStringLiteral("%1*%2").arg(QString::number(a, 'g', 6), y);
  if (first) return c < 0 ? QStringLiteral("-") + body : body;
  return (c < 0 ? QStringLiteral(" - ") : QStringLiteral(" + ")) + body;
}

VerdictText labelled(const cert::PropertyItem& item, const cert::ItemResult& r) {
  VerdictText t;
  t.heading = QStringLiteral("Margins y_label - y_j");
  Eigen::Index row = 0;
  const double m = r.marginLower.minCoeff(&row);
  t.deciding = m;
  t.hasDeciding = true;
  // Row r is y_label - y_j over the outputs j != label, in order.
  const int label = item.label.value_or(r.label.value_or(0));
  const int j = static_cast<int>(row) < label ? static_cast<int>(row) : static_cast<int>(row) + 1;
  const QString which = QStringLiteral("(y_%1 - y_%2)").arg(label).arg(j);
  if (r.verdict == cert::Verdict::Verified)
    t.text = QStringLiteral("verified: smallest margin lower bound %1 > 0 %2").arg(num(m), which);
  else if (m > 0)
    t.text = QStringLiteral("not verified: smallest margin lower bound %1 %2 is within the rounding slack of 0").arg(num(m), which);
  else
    t.text = QStringLiteral("not verified: smallest margin lower bound %1 <= 0 %2").arg(num(m), which);
  return t;
}

VerdictText unsafeRegion(const cert::PropertyItem& item, const cert::ItemResult& r) {
  VerdictText t;
  t.heading = QStringLiteral("Unsafe region (VNN-LIB): an atom whose upper bound is < 0 refutes its conjunction");
  // Rows: the atoms of every conjunction, in order. Per conjunction, its best (lowest) atom.
  Eigen::Index row = 0;
  int worst = -1;           // the conjunction whose best atom is highest
  int worstAtom = -1;       // that atom's index within its conjunction
  double worstUpper = -std::numeric_limits<double>::infinity();
  bool emptyConjunction = false;
  for (size_t c = 0; c < item.unsafe.size(); ++c) {
    double best = std::numeric_limits<double>::infinity();
    int bestAtom = -1;
    for (size_t a = 0; a < item.unsafe[c].size(); ++a, ++row) {
      if (row >= r.marginUpper.size()) return {};
      if (r.marginUpper[row] < best || bestAtom < 0) {
        best = r.marginUpper[row];
        bestAtom = static_cast<int>(a);
      }
    }
    if (bestAtom < 0) emptyConjunction = true;
    if (bestAtom >= 0 && (worst < 0 || best > worstUpper)) {
      worst = static_cast<int>(c);
      worstAtom = bestAtom;
      worstUpper = best;
    }
  }
  if (emptyConjunction && r.verdict != cert::Verdict::Verified) {
    t.text = QStringLiteral("not verified: an unsafe conjunction has no output atom to refute");
    return t;
  }
  if (worst < 0) return {};
  t.deciding = worstUpper;
  t.hasDeciding = true;
  const QString atom = atomText(item.unsafe[static_cast<size_t>(worst)][static_cast<size_t>(worstAtom)]);
  const QString which = item.unsafe.size() > 1 ? QStringLiteral("unsafe conjunction %1 of %2").arg(worst + 1).arg(item.unsafe.size())
                                               : QStringLiteral("the unsafe region");
  if (r.verdict == cert::Verdict::Verified) {
    if (item.unsafe.size() > 1)
      t.text = QStringLiteral("verified: all %1 unsafe conjunctions are refuted; the closest, conjunction %2, needs %3 but its upper bound is %4")
                   .arg(item.unsafe.size()).arg(worst + 1).arg(atom, num(worstUpper));
    else
      t.text = QStringLiteral("verified: the unsafe region needs %1 but its upper bound is %2").arg(atom, num(worstUpper));
  } else if (worstUpper < 0) {
    t.text = QStringLiteral("not verified: %1 needs %2; its upper bound %3 is within the rounding slack of 0").arg(which, atom, num(worstUpper));
  } else {
    t.text = QStringLiteral("not verified: %1 is not refuted: its lowest atom %2 has upper bound %3 >= 0").arg(which, atom, num(worstUpper));
  }
  return t;
}

}  // namespace

QString atomText(const cert::OutputInequality& atom) {
  QString s;
  for (Eigen::Index j = 0; j < atom.coeffs.size(); ++j)
    if (atom.coeffs[j] != 0) s += coeffTerm(atom.coeffs[j], static_cast<int>(j), s.isEmpty());
  if (s.isEmpty()) s = QStringLiteral("0");
  const double rhs = atom.constant == 0 ? 0.0 : -atom.constant;
  return QStringLiteral("%1 >= %2").arg(s, QString::number(rhs, 'g', 6));
}

VerdictText verdictText(const cert::PropertyItem& item, const cert::ItemResult& result) {
  if (result.verdict == cert::Verdict::Invalid) {
    VerdictText t;
    t.text = QStringLiteral("invalid, no verdict: %1").arg(QString::fromStdString(result.reason));
    return t;
  }
  VerdictText t;
  if (!item.unsafe.empty() && result.marginUpper.size() > 0) t = unsafeRegion(item, result);
  else if (result.marginLower.size() > 0 && (item.label || result.label)) t = labelled(item, result);
  if (t.text.isEmpty()) {
    t = {};
    t.text = result.verdict == cert::Verdict::Verified ? QStringLiteral("verified") : QStringLiteral("not verified: no label, no margins");
  }
  return t;
}

}  // namespace cert::studio
