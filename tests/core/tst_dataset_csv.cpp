// Dataset CSV rows: parsing, scaling, clipping, normalization, HWC -> CHW, errors with line:col.
#include <QtTest>

#include <limits>

#include <fstream>

#include "core/network/network.h"
#include "core/property/dataset_csv.h"

using namespace cert;

namespace {

/// An Input layer of `shape` followed by a 10-output Affine layer (labels 0..9, as the CSVs
/// here use); optional normalization.
Network makeNet(std::vector<int64_t> shape, Eigen::VectorXd scale = {}, Eigen::VectorXd shift = {}) {
  Network net;
  net.name = "hand";
  net.inputShape = shape;
  Layer in;
  in.op = LayerOp::Input;
  in.shape = shape;
  net.layers.push_back(in);
  assignNeuronRanges(net);
  Layer out;
  out.op = LayerOp::Affine;
  out.shape = {10};
  out.inputs = {0};
  out.weight = Eigen::MatrixXd::Zero(10, net.inputSize());
  out.bias = Eigen::VectorXd::Zero(10);
  net.layers.push_back(out);
  assignNeuronRanges(net);
  net.normalization.scale = scale;
  net.normalization.shift = shift;
  return net;
}

Eigen::VectorXd vec(std::initializer_list<double> v) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double d : v) out[i++] = d;
  return out;
}

bool near(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  return a.size() == b.size() && (a - b).cwiseAbs().maxCoeff() < 1e-12;
}

std::string messages(const Diagnostics& ds) {
  std::string out;
  for (const auto& d : ds) out += formatDiagnostic("f", d) + "\n";
  return out;
}

}  // namespace

class TestDatasetCsv : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;

  std::string writeFile(const std::string& name, const std::string& text) {
    const std::string path = dir_.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

 private slots:
  void parsesRows() {
    auto r = parseDatasetCsv("7, 0,255 ,12.5\r\n\n  \n3,1,2,3", "t.csv");
    QVERIFY2(r.ok(), messages(r.diagnostics).c_str());
    QCOMPARE(r->size(), size_t{2});
    QCOMPARE((*r)[0].label, 7);
    QCOMPARE((*r)[0].pixels, (std::vector<double>{0, 255, 12.5}));
    QCOMPARE((*r)[0].start.line, 1);
    QCOMPARE((*r)[1].label, 3);
    QCOMPARE((*r)[1].pixels, (std::vector<double>{1, 2, 3}));
    QCOMPARE((*r)[1].start.line, 4);
    QCOMPARE((*r)[1].start.offset, 20);
  }

  void scalesAndClips() {
    const Network net = makeNet({4});
    auto rows = parseDatasetCsv("3,0,51,255,127.5\n", "t.csv");
    QVERIFY(rows.ok());
    auto p = datasetProperty(net, *rows, "t.csv", 0, 1, 0.1);
    QVERIFY2(p.ok(), messages(p.diagnostics).c_str());
    QCOMPARE(p->items.size(), size_t{1});
    const PropertyItem& it = p->items[0];
    QCOMPARE(it.label.value(), 3);
    QCOMPARE(it.name, std::string("row 0"));
    QCOMPARE(p->eps, 0.1);
    QVERIFY(near(it.center, vec({0.0, 0.2, 1.0, 0.5})));
    QVERIFY(near(it.box.lower, vec({0.0, 0.1, 0.9, 0.4})));  // 0 - 0.1 clipped at 0
    QVERIFY(near(it.box.upper, vec({0.1, 0.3, 1.0, 0.6})));  // 1 + 0.1 clipped at 1
  }

  void keepsRawPixelsWithPixelScaleOne() {
    // Networks trained on 0..255 inputs: x = pixels, eps in pixel units, clipped to [0, 255].
    const Network net = makeNet({4});
    auto rows = parseDatasetCsv("3,0,51,255,127.5\n", "t.csv");
    auto p = datasetProperty(net, *rows, "t.csv", 0, 1, 2.0, 1.0);
    QVERIFY2(p.ok(), messages(p.diagnostics).c_str());
    const PropertyItem& it = p->items[0];
    QVERIFY(near(it.center, vec({0.0, 51.0, 255.0, 127.5})));
    QVERIFY(near(it.box.lower, vec({0.0, 49.0, 253.0, 125.5})));
    QVERIFY(near(it.box.upper, vec({2.0, 53.0, 255.0, 129.5})));
    QVERIFY(!datasetProperty(net, *rows, "t.csv", 0, 1, 0.0, 0.0).ok());
    QVERIFY(!datasetProperty(net, *rows, "t.csv", 0, 1, 0.0, -1.0).ok());
  }

  void appliesNormalizationWithNegativeScale() {
    const Network net = makeNet({4}, vec({-2, 0.5, 1, 4}), vec({1, -1, 0, -0.5}));
    auto rows = parseDatasetCsv("1,0,51,255,127.5\n", "t.csv");
    auto p = datasetProperty(net, *rows, "t.csv", 0, 1, 0.1);
    QVERIFY2(p.ok(), messages(p.diagnostics).c_str());
    const PropertyItem& it = p->items[0];
    // raw boxes [0,0.1] [0.1,0.3] [0.9,1] [0.4,0.6]; raw centers 0 0.2 1 0.5
    QVERIFY(near(it.center, vec({1.0, -0.9, 1.0, 1.5})));
    QVERIFY(near(it.box.lower, vec({0.8, -0.95, 0.9, 1.1})));
    QVERIFY(near(it.box.upper, vec({1.0, -0.85, 1.0, 1.9})));
  }

  void transposesPixelMajorRows() {
    // C=3, H=1, W=2: the file holds R,G,B of pixel 0 then R,G,B of pixel 1.
    const Network net = makeNet({3, 1, 2});
    auto rows = parseDatasetCsv("5,10,20,30,40,50,60\n", "t.csv");
    auto p = datasetProperty(net, *rows, "t.csv", 0, 1, 0.0);
    QVERIFY2(p.ok(), messages(p.diagnostics).c_str());
    QVERIFY(near(p->items[0].center, vec({10, 40, 20, 50, 30, 60}) / 255.0));
    QVERIFY(near(p->items[0].box.lower, p->items[0].center));
    QVERIFY(near(p->items[0].box.upper, p->items[0].center));
  }

  void standardizesPerChannel() {
    // C=3, H=1, W=2 channels-first (pixel-major file): channel c of element i is i / 2. Raw
    // values 0.2 0.4 (R), 0.0 0.6 (G), 1.0 0.8 (B) as pixels / 255; eps 0.1 clips at 0 and 1.
    const Network net = makeNet({3, 1, 2});
    auto rows = parseDatasetCsv("5,51,0,255,102,153,204\n", "t.csv");
    const ChannelStandardization st{{0.5, 0.25, 0.0}, {0.5, 0.25, 2.0}};
    auto p = datasetProperty(net, *rows, "t.csv", 0, 1, 0.1, kDefaultPixelScale, st);
    QVERIFY2(p.ok(), messages(p.diagnostics).c_str());
    const PropertyItem& it = p->items[0];
    // raw boxes R [0.1,0.3] [0.3,0.5], G [0,0.1] [0.5,0.7], B [0.9,1] [0.7,0.9]
    QVERIFY(near(it.center, vec({(0.2 - 0.5) / 0.5, (0.4 - 0.5) / 0.5, -1.0, 1.4, 0.5, 0.4})));
    QVERIFY(near(it.box.lower, vec({-0.8, -0.4, -1.0, 1.0, 0.45, 0.35})));
    QVERIFY(near(it.box.upper, vec({-0.4, 0.0, -0.6, 1.8, 0.5, 0.45})));
    // Channels last ({H, W, C} = {8, 1, 3}: the channel is i % 3), one std for every channel.
    auto rows8 = parseDatasetCsv("1,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24\n", "t.csv");
    auto last = datasetProperty(makeNet({8, 1, 3}), *rows8, "t.csv", 0, 1, 0.0, 1.0, ChannelStandardization{{1, 2, 3}, {2}});
    QVERIFY2(last.ok(), messages(last.diagnostics).c_str());
    for (int i = 0; i < 24; ++i) QCOMPARE(last->items[0].center[i], (i + 1 - (1 + i % 3)) / 2.0);
    // Then the network's own normalization.
    auto both = datasetProperty(makeNet({3, 1, 2}, vec({2, 2, 2, 2, 2, 2}), vec({1, 1, 1, 1, 1, 1})), *rows, "t.csv", 0,
                                1, 0.0, kDefaultPixelScale, st);
    QVERIFY(near(both->items[0].center, 2.0 * vec({-0.6, -0.2, -1.0, 1.4, 0.5, 0.4}) + vec({1, 1, 1, 1, 1, 1})));
    // Refused: value counts that are neither 1 nor the channels, a std <= 0, values not finite.
    const double inf = std::numeric_limits<double>::infinity();
    for (const ChannelStandardization& bad :
         {ChannelStandardization{{0.1, 0.2}, {}}, ChannelStandardization{{}, {1, 1, 1, 1}}, ChannelStandardization{{}, {0.0}},
          ChannelStandardization{{}, {1, -1, 1}}, ChannelStandardization{{inf}, {}}}) {
      const auto r = datasetProperty(net, *rows, "t.csv", 0, 1, 0.1, kDefaultPixelScale, bad);
      QVERIFY(!r.ok());
    }
    // The comma lists certc and the IDE read (parseChannelValues) and the value rule they share.
    QCOMPARE(*parseChannelValues(" 0.5 , -1,2e-1 "), (std::vector<double>{0.5, -1, 0.2}));
    QVERIFY(parseChannelValues("  ")->empty());
    for (const char* bad : {"0.5,", ",1", "1,,2", "x", "inf", "1 2", "nan"}) QVERIFY2(!parseChannelValues(bad), bad);
    QVERIFY(!standardizationValuesProblem(st));
    QVERIFY(standardizationValuesProblem(ChannelStandardization{{}, {1, 0}})->find("std must be > 0") != std::string::npos);
    const auto flat = datasetProperty(makeNet({6}), *rows, "t.csv", 0, 1, 0.1, kDefaultPixelScale, st);
    QVERIFY(!flat.ok());
    QVERIFY2(messages(flat.diagnostics).find("1 channel (give one value)") != std::string::npos,
             messages(flat.diagnostics).c_str());
  }

  void keepsSingleChannelAndChannelsLastLayouts() {
    auto rows = parseDatasetCsv("5,10,20,30,40,50,60\n", "t.csv");
    const Eigen::VectorXd fileOrder = vec({10, 20, 30, 40, 50, 60}) / 255.0;
    QVERIFY(near(datasetRawInput(makeNet({1, 2, 3}), (*rows)[0]), fileOrder));
    QVERIFY(near(datasetRawInput(makeNet({6}), (*rows)[0]), fileOrder));
    auto rows8 = parseDatasetCsv(
        "1,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24\n", "t.csv");
    Eigen::VectorXd seq(24);
    for (int i = 0; i < 24; ++i) seq[i] = (i + 1) / 255.0;
    QVERIFY(near(datasetRawInput(makeNet({8, 1, 3}), (*rows8)[0]), seq));  // H, W, C already
  }

  void selectsRowsFromFile() {
    const std::string path = writeFile("rows.csv", "0,0\n1,51\n2,102\n");
    const Network net = makeNet({1});
    auto p = datasetProperty(net, path, 1, 2, 0.0);
    QVERIFY2(p.ok(), messages(p.diagnostics).c_str());
    QCOMPARE(p->items.size(), size_t{2});
    QCOMPARE(p->items[0].index, 1);
    QCOMPARE(p->items[1].label.value(), 2);
    QVERIFY(near(p->items[1].center, vec({0.4})));
    QCOMPARE(p->source, path);
  }

  void clipsCountPastTheEndWithWarning() {
    const std::string path = writeFile("short.csv", "0,0\n1,51\n2,102\n");
    auto p = datasetProperty(makeNet({1}), path, 1, 10, 0.0);
    QVERIFY(p.ok());
    QCOMPARE(p->items.size(), size_t{2});
    QCOMPARE(p.diagnostics.size(), size_t{1});
    QCOMPARE(p.diagnostics[0].severity, Severity::Warning);
    QVERIFY(p.diagnostics[0].message.find("has 3 rows") != std::string::npos);
  }

  void rejectsBadRequests() {
    const std::string path = writeFile("three.csv", "0,0\n1,51\n2,102\n");
    auto p = datasetProperty(makeNet({1}), path, 120, 1, 0.0);
    QVERIFY(!p.ok());
    QCOMPARE(p.diagnostics.size(), size_t{1});
    QCOMPARE(p.diagnostics[0].message, "row 120 requested; " + path + " has 3 rows");
    QVERIFY(!datasetProperty(makeNet({1}), path, -1, 1, 0.0).ok());
    QVERIFY(!datasetProperty(makeNet({1}), path, 0, 0, 0.0).ok());
    QVERIFY(!datasetProperty(makeNet({1}), path, 0, 1, -0.1).ok());
    auto missing = datasetProperty(makeNet({1}), dir_.filePath("nope.csv").toStdString(), 0, 1, 0.0);
    QVERIFY(!missing.ok());
    QVERIFY(missing.diagnostics[0].message.find("cannot read") != std::string::npos);
  }

  void rejectsRowsOfTheWrongSizeForTheNetwork() {
    const std::string path = writeFile("wide.csv", "\n0,1,2,3\n1,4,5,6\n");
    auto p = datasetProperty(makeNet({4}), path, 1, 1, 0.0);
    QVERIFY(!p.ok());
    QCOMPARE(p.diagnostics.size(), size_t{1});
    QCOMPARE(p.diagnostics[0].range.begin.line, 3);
    QCOMPARE(p.diagnostics[0].range.begin.col, 1);
    QVERIFY(p.diagnostics[0].message.find("has 3 values after the label; the network 'hand' takes 4") !=
            std::string::npos);
  }

  void reportsBadRows_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("col");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("not a number") << "1,2,abc\n" << 1 << 5 << "'abc' is not a number";
    QTest::newRow("second line") << "1,2,3\n4,5,6x\n" << 2 << 5 << "'6x' is not a number";
    QTest::newRow("count differs") << "1,2,3\n\n4,5\n" << 3 << 1 << "has 1 values after the label";
    QTest::newRow("empty file") << "" << 1 << 1 << "no rows";
    QTest::newRow("blank file") << "\n  \n" << 1 << 1 << "no rows";
    QTest::newRow("bad label") << "x,1,2\n" << 1 << 1 << "label 'x'";
    QTest::newRow("negative label") << "-1,1,2\n" << 1 << 1 << "not a non-negative integer";
    QTest::newRow("out of range") << "1,2,300\n" << 1 << 5 << "outside the pixel range";
    QTest::newRow("empty value") << "1, 2 ,\n" << 1 << 7 << "empty value";
    QTest::newRow("nan") << "1,nan\n" << 1 << 3 << "not a number";
  }

  void reportsBadRows() {
    QFETCH(QString, text);
    QFETCH(int, line);
    QFETCH(int, col);
    QFETCH(QString, fragment);
    auto r = parseDatasetCsv(text.toStdString(), "t.csv");
    QVERIFY(!r.ok());
    QVERIFY(!r.diagnostics.empty());
    const Diagnostic& d = r.diagnostics[0];
    QCOMPARE(d.severity, Severity::Error);
    QCOMPARE(d.range.begin.line, line);
    QCOMPARE(d.range.begin.col, col);
    QVERIFY2(d.message.find(fragment.toStdString()) != std::string::npos, d.message.c_str());
  }

  void reportsSeveralBadRows() {
    auto r = parseDatasetCsv("1,a,b\n2,3,4\n3,c,5\n", "t.csv");
    QCOMPARE(r.diagnostics.size(), size_t{2});  // one per bad row
    QCOMPARE(r.diagnostics[0].range.begin.line, 1);
    QCOMPARE(r.diagnostics[1].range.begin.line, 3);
  }
};

QTEST_APPLESS_MAIN(TestDatasetCsv)
#include "tst_dataset_csv.moc"
