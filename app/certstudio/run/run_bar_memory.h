// The Run bar's choices (input file and row, eps, which neurons get back-substituted bounds)
// remembered between sessions.
#pragma once

#include <QObject>

namespace cert::studio {

class AppSettings;
class RunBar;

/// Puts the choices made last back into the Run bar (an input only when its file still exists,
/// an eps only inside the bar's range), then saves every change of them to the settings. The
/// dataset scaling is remembered per network: opening a network puts its own back, or the
/// defaults for a network never scaled (another network's mean and std would certify rows it was
/// not trained on without a word).
class RunBarMemory : public QObject {
  Q_OBJECT

 public:
  RunBarMemory(RunBar& bar, AppSettings& settings, QObject* parent = nullptr);

 private:
  void restore();
  void restoreInput();
  /// The scaling remembered for the bar's network, when every value parses; else the defaults.
  void restoreScaling();
  void saveInput();
  void saveChoices();

  RunBar& bar_;
  AppSettings& settings_;
};

}  // namespace cert::studio
