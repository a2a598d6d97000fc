// The g-BCSR layouts of the last run: what the Sparsity dock draws for one layer and member.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

#include "app/certstudio/run/run_job.h"
#include "runtime/gbcsr/block_info.h"

namespace cert::studio {

/// Holds ItemResult::layouts of the last Done run and picks the blocks of one layer and shape
/// member (batch item 0). Rows are the layer's neurons (drawn from 0 = the layer's first neuron);
/// columns are global (every neuron of the network, then noise symbols). No painting: tests read it.
class SparsityModel : public QObject {
  Q_OBJECT

 public:
  /// A layer's column range in the global numbering.
  struct LayerSpan {
    int index = 0;
    qint64 start = 0, end = 0;
  };

  explicit SparsityModel(QObject* parent = nullptr);

  /// Takes the layouts of a Done outcome; Failed clears; Cancelled keeps the previous run.
  void setOutcome(const RunOutcome& outcome);
  void clear();
  bool hasRun() const { return network_ != nullptr && !layouts_.empty(); }

  void setLayer(int layer);
  int layer() const { return layer_; }
  /// Picks a member by name ("L"); kept across layers and runs while present.
  void setMember(const QString& member);
  QString member() const { return member_; }
  /// Every member present in the last run's layouts, in order of first appearance.
  QStringList members() const { return members_; }

  /// The selected layer and member have a layout.
  bool hasSelection() const { return selection_ != nullptr; }
  /// The blocks of batch item 0 of the selection (offsets global, as stored).
  const std::vector<cert::gbcsr::BlockInfo>& blocks() const;
  /// The rows (global start, count): the selected layer's neurons, or one row for a Float member.
  qint64 rowStart() const { return rowStart_; }
  qint64 rows() const { return rows_; }
  /// All columns: the network's neurons, or further when a block reaches noise symbols.
  qint64 cols() const { return cols_; }
  std::vector<LayerSpan> layerSpans() const;
  QString layerName(int layer) const;

  /// Sum of the blocks' bytes, and rows * cols * 8.
  qint64 usedBytes() const;
  qint64 denseBytes() const { return rows() * cols_ * 8; }
  /// "Memory: 400 B in 1 block vs 397,600 B dense (50 x 994 x 8) — 0.1 %".
  QString footerText() const;
  /// Why nothing is drawn ("" when there is a selection).
  QString emptyText() const;

  /// The block under (row local, col global), or -1.
  int blockAt(qint64 row, qint64 col) const;
  /// "Diagonal — rows 0..49, cols 784..833, 400 B, density 1".
  QString blockText(int index) const;

 signals:
  void changed();

 private:
  void select();

  std::shared_ptr<const cert::Network> network_;
  std::vector<cert::LayerLayout> layouts_;
  QStringList members_;
  QString member_;
  int layer_ = -1;
  qint64 cols_ = 0;
  qint64 rowStart_ = 0, rows_ = 0;
  const cert::MemberLayout* selection_ = nullptr;
  std::vector<cert::gbcsr::BlockInfo> blocks_;
};

}  // namespace cert::studio
