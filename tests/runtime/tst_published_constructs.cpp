// The published-language constructs at run time, on seeded random networks, against the
// independent dense IBP of tests/support: a Ct-valued shape member (RefineZono's `Ct c`) leaves
// the interval members exactly as IBP computes them, list literals with min/max/sum/len/avg
// compute what their binary forms do, and a SymExp parameter times a PolyExp runs when every
// call passes a Float. Each run's bounds also contain sampled activations.
#include <QtTest>

#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "tests/support/random_network.h"
#include "tests/support/reference_ibp.h"
#include "tests/support/soundness_sampler.h"
#include "tests/support/spec_references.h"
#include "tests/support/test_paths.h"

using namespace cert;
using namespace cert::test;

namespace {

/// Networks of Affine, Conv and Relu layers only (what the construct specs cover).
std::vector<NamedNetwork> affineReluNetworks() {
  std::vector<NamedNetwork> out;
  for (uint64_t seed = 1; seed <= 4; ++seed)
    out.push_back({"mlp@" + std::to_string(seed),
                   randomMlp(6, {12, 9, 7}, {LayerOp::Relu, LayerOp::Relu, LayerOp::Relu}, 4, seed)});
  RandomNetworkBuilder b({1, 6, 6}, 11);
  int x = b.conv(0, 3, 3, 1, 1);
  x = b.activation(x, LayerOp::Relu);
  x = b.affine(x, 10);
  x = b.activation(x, LayerOp::Relu);
  b.affine(x, 3);
  out.push_back({"conv@11", b.build()});
  return out;
}

CompiledCertifier compileConstruct(const std::string& name) {
  auto cc = compileCertifier(readTextFile(sourcePath("tests/golden/ir/constructs/" + name + ".cf")));
  if (!cc.ok()) qFatal("%s does not compile: %s", name.c_str(), cc.diagnostics.front().message.c_str());
  return std::move(*cc.value);
}

}  // namespace

class TestPublishedConstructs : public QObject {
  Q_OBJECT

 private slots:
  void equalsIbp_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<int>("net");
    const size_t nets = affineReluNetworks().size();
    for (const char* spec : {"ct_member", "list_literal", "symexp_param"})
      for (size_t n = 0; n < nets; ++n)
        QTest::newRow((std::string(spec) + "/" + affineReluNetworks()[n].name).c_str()) << spec << static_cast<int>(n);
  }

  void equalsIbp() {
    QFETCH(QString, spec);
    QFETCH(int, net);
    const NamedNetwork nn = std::move(affineReluNetworks()[static_cast<size_t>(net)]);
    const CompiledCertifier cc = compileConstruct(spec.toStdString());
    for (uint64_t seed : {3u, 4u}) {
      const InputBox box = randomBox(nn.net.layers.front().size(), seed == 3 ? 0.05 : 0.4, seed);
      auto got = certifyBox(cc, nn.net, box);
      QVERIFY2(got.ok(), got.diagnostics.empty() ? "?" : got.diagnostics.front().message.c_str());
      auto ref = referenceIbp(nn.net, box);
      QVERIFY(ref.ok());
      std::string where;
      const double diff = maxRelativeDifference(toLayerBounds(*got.value), *ref.value, &where);
      QVERIFY2(diff >= 0, "layouts differ");
      QVERIFY2(diff <= 1e-9, qPrintable(QString("difference %1 at %2").arg(diff).arg(QString::fromStdString(where))));
      SamplingOptions sampling;
      sampling.uniformSamples = 100;
      sampling.randomVertices = 50;
      const SoundnessReport report = checkSoundness(nn.net, box, toLayerBounds(*got.value), sampling);
      QVERIFY2(report.sound(), report.describe().c_str());
    }
  }
};

QTEST_APPLESS_MAIN(TestPublishedConstructs)
#include "tst_published_constructs.moc"
