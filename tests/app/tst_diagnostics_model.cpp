// The Problems list's model: rows from several sources, a diagnostic that two sources report
// about the same file (a Run of the open spec fails with the errors its own check shows) listed
// once, and listed again from the other source when the first withdraws it.
#include <QtTest>

#include "app/certstudio/models/diagnostics_model.h"

using cert::studio::DiagnosticsModel;

namespace {

cert::Diagnostic at(cert::Severity s, const std::string& message, int line, int col) {
  cert::Diagnostic d = s == cert::Severity::Error ? cert::Diagnostic::error(message) : cert::Diagnostic::warning(message);
  d.range.begin = {line, col, 0};
  d.range.end = {line, col + 3, 0};
  return d;
}

QStringList rows(const DiagnosticsModel& m) {
  QStringList out;
  for (int r = 0; r < m.rowCount(); ++r)
    out << m.data(m.index(r, DiagnosticsModel::File)).toString() + " " +
               m.data(m.index(r, DiagnosticsModel::Location)).toString() + " " +
               m.data(m.index(r, DiagnosticsModel::Message)).toString();
  return out;
}

}  // namespace

class TestDiagnosticsModel : public QObject {
  Q_OBJECT

 private slots:
  void repeatFromAnotherSourceListedOnce() {
    DiagnosticsModel m;
    const cert::Diagnostic e = at(cert::Severity::Error, "'slope' takes 1 argument; got 3", 23, 74);
    const cert::Diagnostic w = at(cert::Severity::Warning, "function 'f' is never used", 5, 6);
    // The Run of spec.cf fails with the same error and one of its own, before the editor's check.
    const cert::Diagnostic lowering = at(cert::Severity::Error, "a product of two symbolic expressions", 30, 2);
    m.setDiagnostics("run", "Run: spec.cf", {e, lowering}, "spec.cf");
    m.setDiagnostics("editor-1", "spec.cf", {w, e});
    // Listed once, from the file's own check.
    QCOMPARE(rows(m), (QStringList{"Run: spec.cf 30:2 a product of two symbolic expressions",
                                   "spec.cf 5:6 function 'f' is never used", "spec.cf 23:74 'slope' takes 1 argument; got 3"}));
    QCOMPARE(m.count(cert::Severity::Error), 2);
    QCOMPARE(m.count(cert::Severity::Warning), 1);
    // The editor's check no longer reports it (say, before its next check): the run's row shows
    // (the editor's rows, replaced, come after the run's).
    m.setDiagnostics("editor-1", "spec.cf", {w});
    QCOMPARE(rows(m), (QStringList{"Run: spec.cf 23:74 'slope' takes 1 argument; got 3",
                                   "Run: spec.cf 30:2 a product of two symbolic expressions",
                                   "spec.cf 5:6 function 'f' is never used"}));
    m.setDiagnostics("run", {}, {});
    QCOMPARE(rows(m), (QStringList{"spec.cf 5:6 function 'f' is never used"}));
  }

  void differentFileSeverityOrNodeIsNoRepeat() {
    DiagnosticsModel m;
    const cert::Diagnostic e = at(cert::Severity::Error, "expected ';'", 3, 1);
    m.setDiagnostics("editor-1", "a.cf", {e});
    m.setDiagnostics("editor-2", "b.cf", {e});  // another file, same text and place
    m.setDiagnostics("run", "Run: a.cf", {at(cert::Severity::Warning, "expected ';'", 3, 1)}, "a.cf");
    cert::Diagnostic n1 = cert::Diagnostic::error("unsupported operator"), n2 = n1;
    n1.node = "Conv_1";
    n2.node = "Conv_2";
    m.setDiagnostics("network", "net.onnx", {n1, n2});
    QCOMPARE(m.rowCount(), 5);
    QCOMPARE(m.count(cert::Severity::Error), 4);
  }
};

QTEST_GUILESS_MAIN(TestDiagnosticsModel)
#include "tst_diagnostics_model.moc"
