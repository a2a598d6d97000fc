// changedLines / markChangedLines: hand-written before/after listings with the marks a reader
// expects (new lines, moved lines, repeated lines, empty sides).
#include <QtTest>

#include <string>
#include <vector>

#include "compiler/ir/changed_lines.h"

using namespace cert;

namespace {

using Lines = std::vector<std::string>;

}  // namespace

class TestChangedLines : public QObject {
  Q_OBJECT
 private slots:
  void unchangedListingHasNoMarks() {
    const Lines l = {"program t.Relu {", "  %0 = const 0", "  return %0", "}"};
    QCOMPARE(ir::changedLines(l, l), std::vector<bool>(4, false));
  }

  void insertedAndReplacedLines() {
    const Lines before = {"program t.Affine {", "  %1 = meta weight", "  %2 = member l", "  %3 = binary mul %1, %2",
                          "  return %3", "}"};
    const Lines now = {"program t.Affine {", "  %1 = meta weight", "  %2 = member l", "  %9 = const 2",
                       "  %3 = binary add %1, %2", "  return %3", "}"};
    // %9 is new, the binary line changed its operator; everything else is kept in order.
    QCOMPARE(ir::changedLines(before, now), (std::vector<bool>{false, false, false, true, true, false, false}));
  }

  void deletedLinesMarkNothing() {
    const Lines before = {"a", "b", "c", "d"};
    const Lines now = {"a", "d"};
    QCOMPARE(ir::changedLines(before, now), (std::vector<bool>{false, false}));
  }

  void movedLineIsMarkedOnce() {
    // "c" moved to the front: a longest common subsequence keeps a, b; c is the moved line.
    const Lines before = {"a", "b", "c"};
    const Lines now = {"c", "a", "b"};
    QCOMPARE(ir::changedLines(before, now), (std::vector<bool>{true, false, false}));
  }

  void repeatedLinesMatchAsManyTimesAsTheyOccur() {
    const Lines before = {"}", "x", "}"};
    const Lines now = {"}", "}", "x", "}"};
    // Three of the four lines match (}, x, }); the extra "}" is the second line (earliest tie).
    QCOMPARE(ir::changedLines(before, now), (std::vector<bool>{false, true, false, false}));
  }

  void emptySides() {
    QCOMPARE(ir::changedLines({}, {"a", "b"}), (std::vector<bool>{true, true}));
    QCOMPARE(ir::changedLines({"a"}, {}), std::vector<bool>{});
  }

  void markedText() {
    const std::string before = "program t.Relu {\n  %0 = member l\n  return %0\n}\n";
    const std::string now = "program t.Relu {\n  %0 = member l\n  %1 = unary neg %0\n  return %1\n}\n";
    QCOMPARE(ir::markChangedLines(before, now),
             std::string("  program t.Relu {\n    %0 = member l\n+   %1 = unary neg %0\n+   return %1\n  }\n"));
  }

  void splitLinesLikeGetline() {
    QCOMPARE(ir::splitLines("a\nb\n"), (Lines{"a", "b"}));
    QCOMPARE(ir::splitLines("a\n\nb"), (Lines{"a", "", "b"}));
    QCOMPARE(ir::splitLines(""), Lines{});
  }
};

QTEST_APPLESS_MAIN(TestChangedLines)
#include "tst_changed_lines.moc"
