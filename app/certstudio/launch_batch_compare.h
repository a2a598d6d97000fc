// Scripted start-up steps for batches and comparisons (--batch, --compare): screenshots and demos.
#pragma once

#include <QString>
#include <QStringList>

namespace cert::studio {

class MainWindow;

/// Runs a batch over rows `rows` ("FIRST:COUNT", or "all") of the Run bar's dataset.
void scriptBatch(MainWindow& window, const QString& rows);

/// Opens each spec in turn, runs it with the Run bar's settings and pins the result in the
/// Compare dock; the first is the baseline.
void scriptComparison(MainWindow& window, const QStringList& specPaths);

}  // namespace cert::studio
