// A banner over the Bounds dock's charts while they show bounds from before a failed run.
#pragma once

#include <QLabel>

namespace cert::studio {

class BoundsModel;

/// Visible (amber, with the failed run's summary) exactly while BoundsModel::isStale().
class StaleBanner : public QLabel {
  Q_OBJECT

 public:
  explicit StaleBanner(BoundsModel& model, QWidget* parent = nullptr);

 private:
  void refresh();

  BoundsModel& model_;
};

}  // namespace cert::studio
