// StaleBanner: follows BoundsModel::changed.
#include "app/certstudio/docks/stale_banner.h"

#include "app/certstudio/models/bounds_model.h"

namespace cert::studio {

StaleBanner::StaleBanner(BoundsModel& model, QWidget* parent) : QLabel(parent), model_(model) {
  setObjectName(QStringLiteral("StaleBanner"));
  setWordWrap(true);
  setTextFormat(Qt::RichText);
  setStyleSheet(QStringLiteral("QLabel { background: #fff3cd; color: #6b4e00; border: 1px solid #e0c36a; "
                               "border-radius: 3px; padding: 3px 6px; }"));
  connect(&model_, &BoundsModel::changed, this, &StaleBanner::refresh);
  refresh();
}

void StaleBanner::refresh() {
  const bool stale = model_.isStale();
  if (stale)
    setText(tr("<b>Stale:</b> these bounds are from an earlier run; the last run failed (%1). "
               "They are kept for reference until a run succeeds.")
                .arg(model_.staleReason().toHtmlEscaped()));
  setToolTip(stale ? model_.staleReason() : QString());
  setVisible(stale);
}

}  // namespace cert::studio
