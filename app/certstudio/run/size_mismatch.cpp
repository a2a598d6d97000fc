// foldSizeMismatch: recognise the VNN-LIB reader's per-variable size errors and summarise them.
#include "app/certstudio/run/size_mismatch.h"

#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <map>

namespace cert::studio {
namespace {

struct Group {
  std::vector<std::size_t> members;  ///< indices into the input
  long long lowest = -1, highest = -1, limit = -1;
  long long more = 0;  ///< "... and N more inputs without bounds"
  SourceRange first;
};

void note(Group& g, std::size_t at, long long index, const SourceRange& r) {
  if (g.members.empty()) g.first = r;
  g.members.push_back(at);
  if (index >= 0) {
    g.lowest = g.lowest < 0 ? index : std::min(g.lowest, index);
    g.highest = std::max(g.highest, index);
  }
}

}  // namespace

cert::Diagnostics foldSizeMismatch(const cert::Diagnostics& diags) {
  static const QRegularExpression outOfRange(
      QStringLiteral("^([XY])_(\\d+) is out of range: the network has (\\d+) (inputs|outputs)"));
  static const QRegularExpression unbounded(QStringLiteral("^X_(\\d+) has no (bounds|lower bound|upper bound)"));
  static const QRegularExpression moreUnbounded(QStringLiteral("^\\.\\.\\. and (\\d+) more inputs without bounds"));
  std::map<char, Group> range;  // 'X', 'Y'
  Group open;
  for (std::size_t i = 0; i < diags.size(); ++i) {
    const cert::Diagnostic& d = diags[i];
    if (d.severity != cert::Severity::Error) continue;
    const QString m = QString::fromStdString(d.message);
    if (const auto r = outOfRange.match(m); r.hasMatch()) {
      Group& g = range[r.captured(1).at(0).toLatin1()];
      note(g, i, r.captured(2).toLongLong(), d.range);
      g.limit = r.captured(3).toLongLong();
    } else if (const auto u = unbounded.match(m); u.hasMatch()) {
      note(open, i, u.captured(1).toLongLong(), d.range);
    } else if (const auto more = moreUnbounded.match(m); more.hasMatch()) {
      note(open, i, -1, d.range);
      open.more += more.captured(1).toLongLong();
    }
  }
  std::vector<std::size_t> members;
  for (const auto& [var, g] : range) members.insert(members.end(), g.members.begin(), g.members.end());
  members.insert(members.end(), open.members.begin(), open.members.end());
  if (members.size() <= 1) return diags;  // one message says it well enough
  std::sort(members.begin(), members.end());

  QStringList parts;
  for (const auto& [var, g] : range) {
    const bool inputs = var == 'X';
    parts << QStringLiteral("it uses %1_0..%1_%2 but the network has %3 %4 (%1_%5..%1_%2 out of range: %6 names)")
                 .arg(QChar::fromLatin1(var))
                 .arg(g.highest)
                 .arg(g.limit)
                 .arg(inputs ? QStringLiteral("inputs") : QStringLiteral("outputs"))
                 .arg(g.lowest)
                 .arg(g.members.size());
  }
  if (!open.members.empty()) {
    const long long count = static_cast<long long>(open.members.size()) - (open.more > 0 ? 1 : 0) + open.more;
    parts << QStringLiteral("it leaves %1 of the network's inputs without bounds (from X_%2 on)").arg(count).arg(open.lowest);
  }
  const QString msg = QStringLiteral("the property does not fit this network: %1. Is the VNN-LIB file for another network?")
                          .arg(parts.join(QStringLiteral("; ")));
  std::vector<bool> drop(diags.size(), false);
  for (std::size_t at : members) drop[at] = true;
  std::map<std::size_t, cert::Diagnostic> summaryAt;  // where the first folded message was
  summaryAt[members.front()] = cert::Diagnostic::error(msg.toStdString(), diags[members.front()].range);
  cert::Diagnostics out;
  for (std::size_t i = 0; i < diags.size(); ++i) {
    if (const auto s = summaryAt.find(i); s != summaryAt.end()) out.push_back(s->second);
    if (!drop[i]) out.push_back(diags[i]);
  }
  return out;
}

}  // namespace cert::studio
