// Typed access to the IDE's persistent settings (QSettings underneath; keys live only here).
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

class QSettings;

namespace cert::studio {

/// The settings the IDE keeps between runs. Each value has one getter and one setter, so a key
/// name or type is never repeated across the code.
class AppSettings {
 public:
  /// Most recent files kept in File > Open Recent.
  static constexpr int kMaxRecentFiles = 10;

  /// `iniPath` empty: the person's settings (organization/application names); otherwise an INI
  /// file (tests use a temporary one).
  explicit AppSettings(const QString& iniPath = {});
  ~AppSettings();
  AppSettings(const AppSettings&) = delete;
  AppSettings& operator=(const AppSettings&) = delete;

  /// Most recent first; only files that still exist.
  QStringList recentFiles() const;
  /// Moves `path` to the front of the recent files.
  void addRecentFile(const QString& path);
  void clearRecentFiles();

  QByteArray windowGeometry() const;
  void setWindowGeometry(const QByteArray& geometry);
  /// QMainWindow::saveState() of the docks and toolbars.
  QByteArray windowState() const;
  void setWindowState(const QByteArray& state);

  /// The spec files open when the window last closed.
  QStringList openFiles() const;
  void setOpenFiles(const QStringList& paths);
  /// The network loaded when the window last closed.
  QString lastNetwork() const;
  void setLastNetwork(const QString& path);

  /// The folder a file dialog of `kind` ("spec", "network", "input") used last; empty if none.
  QString dialogFolder(const QString& kind) const;
  void setDialogFolder(const QString& kind, const QString& folder);
  /// The Run bar's input as chosen last: kind (0 dataset row, 1 VNN-LIB), files and row.
  int lastInputKind() const;
  QString lastDataset() const;
  QString lastVnnlib() const;
  int lastRow() const;
  void setLastInput(int kind, const QString& dataset, const QString& vnnlib, int row);
  /// The Run bar's eps as set last (none when never set or not a number).
  std::optional<double> lastEps() const;
  void setLastEps(double eps);
  /// The Run bar's bounds as chosen last, by the runtime's name ("all", "relu-unstable"); empty if none.
  QString lastBounds() const;
  void setLastBounds(const QString& name);

  /// The Run bar's dataset scaling as set last for a network (its path; empty: no network), as
  /// the Scaling dialog writes it: the pixel scale ("1/255"), the mean and the std ("0.4914,
  /// 0.4822, 0.4465"; empty: none); empty when never set for that network. A network's constants
  /// belong to how it was trained, so each network keeps its own.
  QStringList scalingFor(const QString& network) const;
  void setScalingFor(const QString& network, const QString& pixelScale, const QString& mean, const QString& std);
  /// Forgets the scaling of `network` (it then runs with the defaults).
  void forgetScalingFor(const QString& network);

  /// Writes pending changes to storage.
  void sync();

 private:
  std::unique_ptr<QSettings> settings_;
};

}  // namespace cert::studio
