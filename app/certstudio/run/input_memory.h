// The Run bar's input (dataset or VNN-LIB file, row) remembered between sessions.
#pragma once

#include <QObject>

namespace cert::studio {

class AppSettings;
class RunBar;

/// Puts the input chosen last back into the Run bar (when its file still exists), then saves
/// every change of it to the settings.
class InputMemory : public QObject {
  Q_OBJECT

 public:
  InputMemory(RunBar& bar, AppSettings& settings, QObject* parent = nullptr);

 private:
  void restore();
  void save();

  RunBar& bar_;
  AppSettings& settings_;
};

}  // namespace cert::studio
