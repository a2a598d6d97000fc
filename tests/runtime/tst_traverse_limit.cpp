// A traverse that never finishes (its replacement brings back the terms it chose) is an error
// naming the layer and the spec position of the traverse, never a silent stop with a
// half-substituted form; the shipped DeepPoly traverse on the same network finishes.
#include <QtTest>

#include <regex>
#include <sstream>

#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "tests/support/random_network.h"
#include "tests/support/test_paths.h"

using namespace cert;

namespace {

Property onePoint(const Network& net) {
  Property p;
  PropertyItem item;
  item.label = 0;
  item.center = Eigen::VectorXd::Constant(net.inputSize(), 0.1);
  item.box = {item.center.array() - 0.05, item.center.array() + 0.05};
  p.items = {item};
  return p;
}

}  // namespace

class TestTraverseLimit : public QObject {
  Q_OBJECT

 private slots:
  void endlessTraverseIsAnErrorAtTheTraverse() {
    const std::string shipped = test::readTextFile(test::sourcePath("specs/deeppoly.cf"));
    // replace_lower gives back the term it replaces: every step chooses the same terms again.
    const std::regex rule(R"(func replace_lower\(Neuron n, Float c\) = [^\n]*)");
    QVERIFY(std::regex_search(shipped, rule));
    const std::string looping = std::regex_replace(shipped, rule, "func replace_lower(Neuron n, Float c) = c * n;");
    const Network net = test::randomMlp(3, {4}, {LayerOp::Relu}, 2, 7);

    const auto good = compileCertifier(shipped);
    QVERIFY(good.ok());
    QVERIFY(certify(*good, net, onePoint(net)).ok());

    const auto bad = compileCertifier(looping);
    QVERIFY(bad.ok());
    const auto r = certify(*bad, net, onePoint(net));
    QVERIFY(!r.ok());
    QCOMPARE(r.diagnostics.size(), size_t{1});
    const std::string& message = r.diagnostics.front().message;
    // The first layer that back-substitutes (the Affine layer 1) and the traverse's line.
    int line = 0;
    {
      std::istringstream in(looping);
      std::string text;
      for (int k = 1; std::getline(in, text); ++k)
        if (text.find("backsubs_lower") == 0 || text.find("func backsubs_lower") == 0) line = k;
    }
    QVERIFY(line > 0);
    QVERIFY2(message.find("layer 1 ") != std::string::npos, message.c_str());
    QVERIFY2(message.find("traverse at spec line " + std::to_string(line) + ":") != std::string::npos, message.c_str());
    QVERIFY2(message.find("did not finish") != std::string::npos, message.c_str());
  }
};

QTEST_APPLESS_MAIN(TestTraverseLimit)
#include "tst_traverse_limit.moc"
