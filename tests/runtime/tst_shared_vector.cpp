// SharedVector: the read-only view that batch results use for their columns of the batch's
// tensors. Copies share storage and keep it alive; writable() copies first; assignments own.
#include <QtTest>

#include <memory>
#include <vector>

#include "runtime/shared_vector.h"

using cert::SharedVector;

class TestSharedVector : public QObject {
  Q_OBJECT

 private slots:
  /// A column of shared storage: the view reads it in place and keeps it alive after the owner's
  /// other handles are gone.
  void viewsAndKeepsItsStorage() {
    auto storage = std::make_shared<std::vector<double>>(std::vector<double>{1, 2, 3, 4, 5, 6});
    const double* column = storage->data() + 3;
    SharedVector v(storage, column, 3);
    storage.reset();
    QCOMPARE(v.size(), Eigen::Index(3));
    QCOMPARE(v.data(), column);  // no copy
    QCOMPARE(v[0], 4.0);
    QCOMPARE(v.sum(), 15.0);
    const SharedVector copy = v;  // shares
    QCOMPARE(copy.data(), column);
    v = SharedVector();
    QCOMPARE(copy[2], 6.0);  // still alive through the copy
  }

  /// writable() makes the values its own: the storage and the other copies keep theirs.
  void writableCopiesFirst() {
    SharedVector a = Eigen::VectorXd(Eigen::Vector3d(1, 2, 3));
    SharedVector b = a;
    QCOMPARE(b.data(), a.data());
    b.writable()[1] = 20;
    QCOMPARE(b[1], 20.0);
    QCOMPARE(a[1], 2.0);
    QVERIFY(b.data() != a.data());
  }

  /// Assigning an expression (even one over itself) or moving a VectorXd in gives storage of its own.
  void assignmentsOwn() {
    Eigen::VectorXd x = Eigen::Vector3d(-1, 0, 2);
    const double* buffer = x.data();
    SharedVector v(std::move(x));
    QCOMPARE(v.data(), buffer);  // the VectorXd's buffer taken, not copied
    v = v.cwiseMax(0.0);
    QCOMPARE(v[0], 0.0);
    QCOMPARE(v[2], 2.0);
    SharedVector moved = std::move(v);
    QCOMPARE(moved.size(), Eigen::Index(3));
    QCOMPARE(v.size(), Eigen::Index(0));  // NOLINT: the moved-from view is empty
  }
};

QTEST_APPLESS_MAIN(TestSharedVector)
#include "tst_shared_vector.moc"
