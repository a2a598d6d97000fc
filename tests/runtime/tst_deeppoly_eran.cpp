// specs/deeppoly_eran.cf (the best concretization over back-substitution depths, as ERAN keeps
// it): on the random zoo its bounds equal the independent reference (DeepPolyOptions::eran()),
// and compared with deeppoly.cf's they are tighter far more often than looser (looser can
// happen: a tighter l, u can switch a later Relu's area rule to a lower line that is worse here).
#include <QtTest>

#include <string>

#include "runtime/executor.h"
#include "tests/support/random_network.h"
#include "tests/support/reference_deeppoly.h"
#include "tests/support/spec_references.h"

using namespace cert;
using namespace cert::test;

class TestDeepPolyEran : public QObject {
  Q_OBJECT

 private slots:
  void matchesReferenceAndIsTighter();
};

void TestDeepPolyEran::matchesReferenceAndIsTighter() {
  const CompiledCertifier eran = compiledSpec("deeppoly_eran"), plain = compiledSpec("deeppoly");
  int tighter = 0, looser = 0, nets = 0;
  for (uint64_t seed : {3u, 4u}) {
    for (const NamedNetwork& nn : randomNetworkZoo(seed)) {
      const InputBox box = randomBox(nn.net.inputSize(), 0.3, seed + 10);
      const auto ref = referenceDeepPoly(nn.net, box, DeepPolyOptions::eran());
      const auto a = certifyBox(eran, nn.net, box);
      const auto b = certifyBox(plain, nn.net, box);
      if (!ref.ok()) {
        QVERIFY2(!a.ok(), nn.name.c_str());
        continue;
      }
      if (!a.ok()) continue;  // an operator the shipped DeepPoly specs have no rule for (a general clip)
      QVERIFY2(b.ok(), nn.name.c_str());
      ++nets;
      std::string where;
      const double d = maxRelativeDifference(toLayerBounds(*a.value), *ref.value, &where);
      QVERIFY2(d >= 0 && d <= 1e-9, (nn.name + ": " + where).c_str());
      for (size_t k = 0; k < a.value->size(); ++k) {
        const auto& e = (*a.value)[k];
        const auto& p = (*b.value)[k];
        for (Eigen::Index i = 0; i < e.lower.size(); ++i) {
          if (e.lower[i] > p.lower[i] + 1e-6) ++tighter;
          if (e.upper[i] < p.upper[i] - 1e-6) ++tighter;
          if (e.lower[i] < p.lower[i] - 1e-6) ++looser;
          if (e.upper[i] > p.upper[i] + 1e-6) ++looser;
        }
      }
    }
  }
  QVERIFY(nets > 5);
  QVERIFY(tighter > 0);
  QVERIFY2(tighter > 10 * looser, (std::to_string(tighter) + " tighter, " + std::to_string(looser) + " looser").c_str());
}

QTEST_GUILESS_MAIN(TestDeepPolyEran)
#include "tst_deeppoly_eran.moc"
