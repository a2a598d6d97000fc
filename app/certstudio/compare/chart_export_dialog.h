// Asks for a chart image's pixel size and DPI before export.
#pragma once

#include <QDialog>

class QSpinBox;

namespace cert::studio {

/// Width, height (pixels) and DPI, starting from the on-screen size at 96 DPI.
class ChartExportDialog : public QDialog {
  Q_OBJECT

 public:
  ChartExportDialog(const QSize& initial, QWidget* parent = nullptr);
  QSize pixels() const;
  int dpi() const;

 private:
  QSpinBox* width_ = nullptr;
  QSpinBox* height_ = nullptr;
  QSpinBox* dpi_ = nullptr;
};

}  // namespace cert::studio
