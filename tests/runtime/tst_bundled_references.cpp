// Every shipped spec on every bundled network (resources/networks) equals its hand-written
// reference to 1e-9, with the margins of the same run, and the compiled bounds contain sampled
// concrete activations. The inputs are the ones a user gets: mnist_10.csv row 0 at eps 0.01
// (0.002 for the deep MLP), and the VNN-LIB box of the DeepPoly paper example.
#include <QtTest>

#include <algorithm>
#include <filesystem>

#include "core/property/vnnlib.h"
#include "runtime/executor.h"
#include "tests/support/bundled_inputs.h"
#include "tests/support/soundness_sampler.h"
#include "tests/support/spec_references.h"
#include "tests/support/test_paths.h"

using namespace cert;
using namespace cert::test;

namespace {

struct Case {
  Network net;
  Property prop;
};

Case load(const std::string& name) {
  Case c;
  c.net = bundledNetwork(name);
  if (name != "deeppoly_example") {
    c.prop = mnistRows(c.net, 0, 1, name == "mlp_784_100x6_10" ? 0.002 : 0.01);
    return c;
  }
  Result<Property> prop = readVnnlib(sourcePath("resources/inputs/deeppoly_example.vnnlib"), c.net);
  if (!prop.ok()) qFatal("cannot build the property for %s", name.c_str());
  c.prop = std::move(*prop.value);
  return c;
}


}  // namespace

class TestBundledReferences : public QObject {
  Q_OBJECT

 private slots:
  void everyBundledNetworkIsCovered() {
    // The list is read from the folder; make sure it is not silently empty.
    QVERIFY(bundledNetworkNames().size() >= 8);
  }

  void matchesReference_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("net");
    for (const std::string& net : bundledNetworkNames())
      for (const std::string& spec : specsWithReferences())
        QTest::newRow((spec + "/" + net).c_str()) << QString::fromStdString(spec) << QString::fromStdString(net);
  }

  void matchesReference() {
    QFETCH(QString, spec);
    QFETCH(QString, net);
    const Case c = load(net.toStdString());
    const CompiledCertifier cc = compiledSpec(spec.toStdString());
    const InputBox& box = c.prop.items.front().box;

    auto compiled = certifyBox(cc, c.net, box);
    QVERIFY2(compiled.ok(), compiled.diagnostics.empty() ? "?" : compiled.diagnostics.front().message.c_str());
    auto ref = referenceFor(spec.toStdString(), c.net, box);
    QVERIFY2(ref.ok(), ref.diagnostics.empty() ? "?" : ref.diagnostics.front().message.c_str());

    std::string where;
    const double diff = maxRelativeDifference(toLayerBounds(*compiled.value), *ref.value, &where);
    QVERIFY2(diff >= 0, "layouts differ");
    QVERIFY2(diff <= 1e-9, qPrintable(QString("difference %1 at %2").arg(diff).arg(QString::fromStdString(where))));

    SamplingOptions sampling;
    sampling.uniformSamples = 20;
    sampling.randomVertices = 20;
    const SoundnessReport report = checkSoundness(c.net, box, toLayerBounds(*compiled.value), sampling);
    QVERIFY2(report.sound(), report.describe().c_str());
  }
};

QTEST_APPLESS_MAIN(TestBundledReferences)
#include "tst_bundled_references.moc"
