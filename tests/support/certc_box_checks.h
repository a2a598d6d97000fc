// Checks several CLI tests make of one small ONNX model with four inputs and three outputs: a
// VNN-LIB box over its inputs, the shipped specs, and `certc run` + `certc soundness` on each.
#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace cert::test {

/// Writes the VNN-LIB property the CLI product/decomposition tests use: X_0..X_3 in
/// [-1,1] x [-0.5,0.5] x [-1,0.25] x [0,1], unsafe when Y_0 <= Y_1. False when it cannot write.
bool writeFourInputBox(const QString& path);

/// The shipped specs (specs/<name>.cf) every operator must run under.
const std::vector<const char*>& shippedSpecNames();

/// `certc run SPEC --net NET --vnnlib PROP [extra...]` ends with exit code 0 and nothing on stderr,
/// then `certc soundness` with `samples` samples (seed `seed`) reports 0 violations over more than
/// `minNeurons` neurons. Failures are recorded with QVERIFY (check QTest::currentTestFailed()).
void verifyRunAndSoundness(const QString& specPath, const QString& net, const QString& prop, int samples, int seed,
                           int minNeurons, const QStringList& extraRunArgs = {});

}  // namespace cert::test
