// g-BCSR element-wise ops, select, reductions, slices and round trips: every kind (pair) on random
// layouts with non-zero and infinite defaults, against the same ops on the dense form (exact).
#include <QtTest>

#include <limits>

#include "tests/support/gbcsr_reference/elementwise.h"
#include "tests/support/gbcsr_reference/random.h"
#include "tests/support/gbcsr_reference/reshape.h"

using namespace cert::gbcsr;
Q_DECLARE_METATYPE(cert::gbcsr::Kind)

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const std::vector<Kind> kAllKinds{Kind::Dense, Kind::Constant, Kind::Diagonal, Kind::Broadcast, Kind::Kernel, Kind::Csr};
const std::vector<double> kDefaults{0.0, 1.5, -kInf, kInf};

/// Extents and blocks of kind k; Kernel blocks get a fixed geometry (12 x 32 Toeplitz matrix).
Tensor makeTensor(std::mt19937& rng, Kind k, double def, int64_t batch = 3, int64_t rows = 17, int64_t cols = 37) {
  if (k != Kind::Kernel) return randomTensor(rng, batch, rows, cols, def, {k}, 3);
  Tensor t = Tensor::filled(batch, rows, cols, def);
  KernelBlock kb;
  cert::ConvGeometry& g = kb.geometry;
  g.inChannels = 2, g.inHeight = g.inWidth = 4, g.outChannels = 3, g.outHeight = g.outWidth = 2;
  g.kernelH = g.kernelW = 2, g.strideH = g.strideW = 2;
  kb.weight = cert::test::valuesOf(Eigen::VectorXd::Random(3 * 2 * 2 * 2));
  std::uniform_int_distribution<int64_t> r0(0, rows - 12), c0(0, cols - 32);
  t.add(Block{Box::of(0, batch, r0(rng), 12, c0(rng), 32), kb});
  return t;
}

DenseTensor zipDense(const DenseTensor& a, const DenseTensor& b, BinOp op) {
  DenseTensor r = a;
  for (size_t i = 0; i < a.size(); ++i) r[i] = a[i].binaryExpr(b[i], [op](double x, double y) { return apply(op, x, y); });
  return r;
}

QByteArray name(Kind k) { return kindName(k); }

}  // namespace

class TestGbcsrOps : public QObject {
  Q_OBJECT

 private slots:
  void binaryOps_data() {
    QTest::addColumn<Kind>("ka");
    QTest::addColumn<Kind>("kb");
    QTest::addColumn<double>("da");
    QTest::addColumn<double>("db");
    int seed = 0;
    for (Kind a : kAllKinds)
      for (Kind b : kAllKinds)
        for (double da : kDefaults)
          for (double db : {0.0, 1.0, -2.5, kInf})
            QTest::addRow("%s-%s-%g-%g-%d", name(a).data(), name(b).data(), da, db, seed++) << a << b << da << db;
  }
  void binaryOps() {
    QFETCH(Kind, ka);
    QFETCH(Kind, kb);
    QFETCH(double, da);
    QFETCH(double, db);
    std::mt19937 rng(uint32_t(qHash(QTest::currentDataTag())));
    const Tensor a = makeTensor(rng, ka, da), b = makeTensor(rng, kb, db);
    // Also b on a's layout, so that every block pair meets exactly.
    Tensor bSame = Tensor::filled(a.batch, a.rows, a.cols, db);
    for (const Block& x : a.blocks) bSame.add(Block{x.box, randomData(rng, kb, x.box)});
    for (BinOp op : {BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div, BinOp::Min, BinOp::Max, BinOp::Lt, BinOp::Le,
                     BinOp::Gt, BinOp::Ge, BinOp::Eq, BinOp::Ne})
      for (const Tensor* y : std::vector<const Tensor*>{&b, &bSame}) {
        QVERIFY(sameValues(toDense(binary(a, *y, op)), zipDense(toDense(a), toDense(*y), op)));
        QVERIFY(sameValues(toDense(binary(*y, a, op)), zipDense(toDense(*y), toDense(a), op)));
      }
    for (BinOp op : {BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div, BinOp::Min, BinOp::Max})
      for (double s : {0.0, 1.0, -3.0, kInf, -kInf}) {
        const Tensor st = Tensor::filled(a.batch, a.rows, a.cols, s);
        QVERIFY(sameValues(toDense(binary(a, op, s)), zipDense(toDense(a), toDense(st), op)));
        QVERIFY(sameValues(toDense(binary(s, op, a)), zipDense(toDense(st), toDense(a), op)));
      }
  }

  void shortcuts() {
    std::mt19937 rng(7);
    const Tensor a = makeTensor(rng, Kind::Kernel, 0.0);
    const Tensor same = binary(a, BinOp::Mul, 1.0);
    QCOMPARE(same.blocks.size(), size_t(1));
    QCOMPARE(same.blocks[0].kind(), Kind::Kernel);
    QCOMPARE(binary(a, BinOp::Mul, 0.0).blocks.size(), size_t(0));  // x * 0 = 0 = the default
    QCOMPARE(binary(a, BinOp::Mul, 2.0).blocks[0].kind(), Kind::Kernel);
    QCOMPARE(binary(a, BinOp::Max, kInf).blocks.size(), size_t(0));
    const Tensor d = makeTensor(rng, Kind::Diagonal, -kInf);
    for (const Block& b : binary(d, BinOp::Mul, 3.0).blocks) QCOMPARE(b.kind(), Kind::Diagonal);
    QCOMPARE(binary(d, BinOp::Add, 1.0).defaultValue, -kInf);
  }

  void unaryOps_data() {
    QTest::addColumn<Kind>("k");
    QTest::addColumn<double>("def");
    for (Kind k : kAllKinds)
      for (double d : kDefaults) QTest::addRow("%s-%g", name(k).data(), d) << k << d;
  }
  void unaryOps() {
    QFETCH(Kind, k);
    QFETCH(double, def);
    std::mt19937 rng(uint32_t(qHash(QTest::currentDataTag())));
    const Tensor a = makeTensor(rng, k, def);
    for (UnOp op : {UnOp::Neg, UnOp::Abs, UnOp::Sigma, UnOp::Relu, UnOp::Clamp, UnOp::Not}) {
      DenseTensor ref = toDense(a);
      for (auto& m : ref) m = m.unaryExpr([op](double x) { return apply(op, x, -0.5, 0.75); });
      QVERIFY(sameValues(toDense(unary(a, op, -0.5, 0.75)), ref));
    }
  }

  void selectOp_data() {
    QTest::addColumn<Kind>("kc");
    QTest::addColumn<Kind>("ka");
    for (Kind c : kAllKinds)
      for (Kind a : kAllKinds) QTest::addRow("%s-%s", name(c).data(), name(a).data()) << c << a;
  }
  void selectOp() {
    QFETCH(Kind, kc);
    QFETCH(Kind, ka);
    std::mt19937 rng(uint32_t(qHash(QTest::currentDataTag())));
    for (double dc : {0.0, 1.0}) {
      const Tensor c = binary(makeTensor(rng, kc, dc), BinOp::Gt, 0.3);
      const Tensor a = makeTensor(rng, ka, -kInf), b = makeTensor(rng, Kind::Dense, kInf);
      DenseTensor ref = toDense(a);
      const DenseTensor cd = toDense(c), ad = toDense(a), bd = toDense(b);
      for (size_t i = 0; i < ref.size(); ++i) ref[i] = (cd[i].array() != 0).select(ad[i], bd[i]);
      QVERIFY(sameValues(toDense(select(c, a, b)), ref));
    }
  }

  void reductions_data() {
    QTest::addColumn<Kind>("k");
    for (Kind k : kAllKinds) QTest::addRow("%s", name(k).data()) << k;
  }
  void reductions() {
    QFETCH(Kind, k);
    std::mt19937 rng(uint32_t(qHash(QTest::currentDataTag())));
    for (double def : {0.0, -kInf})
      for (int dim : {0, 1, 2})
        for (ReduceOp op : {ReduceOp::Sum, ReduceOp::Max, ReduceOp::Min}) {
          const Tensor a = makeTensor(rng, k, def);
          const DenseTensor d = toDense(a), r = toDense(reduce(a, dim, op));
          for (int64_t b = 0; b < (dim == 0 ? 1 : a.batch); ++b)
            for (int64_t i = 0; i < (dim == 1 ? 1 : a.rows); ++i)
              for (int64_t j = 0; j < (dim == 2 ? 1 : a.cols); ++j) {
                const int64_t n = dim == 0 ? a.batch : dim == 1 ? a.rows : a.cols;
                double acc = op == ReduceOp::Sum ? 0.0 : (op == ReduceOp::Max ? -kInf : kInf);
                for (int64_t t = 0; t < n; ++t) {
                  const double v = d[size_t(dim == 0 ? t : b)](dim == 1 ? t : i, dim == 2 ? t : j);
                  acc = op == ReduceOp::Sum ? acc + v : op == ReduceOp::Max ? std::max(acc, v) : std::min(acc, v);
                }
                const double got = r[size_t(b)](i, j);
                QVERIFY2(got == acc || std::abs(got - acc) <= 1e-12 * (1 + std::abs(acc)), qPrintable(QString::number(got)));
              }
        }
  }

  void sliceAndWrite_data() { reductions_data(); }
  void sliceAndWrite() {
    QFETCH(Kind, k);
    std::mt19937 rng(uint32_t(qHash(QTest::currentDataTag())));
    for (double def : kDefaults) {
      const Tensor a = makeTensor(rng, k, def);
      for (auto [c0, n] : {std::pair<int64_t, int64_t>{0, 37}, {3, 10}, {20, 17}, {5, 0}}) {
        const Tensor s = sliceCols(a, c0, n);
        const DenseTensor d = toDense(a), sd = toDense(s);
        for (size_t i = 0; i < d.size(); ++i) QVERIFY(sameValues({sd[i]}, {d[i].middleCols(c0, n)}));
        if (n == 0) continue;
        const Tensor part = makeTensor(rng, Kind::Dense, -def + 1.0, a.batch, a.rows, n);
        DenseTensor ref = d;
        const DenseTensor pd = toDense(part);
        for (size_t i = 0; i < ref.size(); ++i) ref[i].middleCols(c0, n) = pd[i];
        const Tensor w = writeCols(a, c0, part);
        QVERIFY(sameValues(toDense(w), ref));
        Tensor check = Tensor::filled(w.batch, w.rows, w.cols, w.defaultValue);
        for (const Block& b : w.blocks) check.add(b);  // throws on overlap
      }
    }
  }

  void repeat() {
    std::mt19937 rng(3);
    const Tensor a = makeTensor(rng, Kind::Dense, 2.0, 1);
    const Tensor r = repeatBatch(a, 4);
    const DenseTensor d = toDense(a), rd = toDense(r);
    for (const auto& m : rd) QVERIFY(sameValues({m}, d));
    for (const Block& b : r.blocks) QVERIFY(b.shared());
  }

  void roundTrip_data() { unaryOps_data(); }
  void roundTrip() {
    QFETCH(Kind, k);
    QFETCH(double, def);
    std::mt19937 rng(uint32_t(qHash(QTest::currentDataTag())));
    const Tensor a = makeTensor(rng, k, def);
    const DenseTensor d = toDense(a);
    QVERIFY(sameValues(toDense(fromDense(d, def)), d));
    QVERIFY(sameValues(toDense(fromDense(d, def, {0, 5, 12, 17}, {0, 1, 20, 37})), d));
    QVERIFY(sameValues(toDense(fromDense(d, -def + 2)), d));
  }
};

QTEST_APPLESS_MAIN(TestGbcsrOps)
#include "tst_gbcsr_ops.moc"
