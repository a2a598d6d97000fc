// Where file dialogs start: the folder used last for that kind of file, else the documents folder.
#pragma once

#include <QObject>
#include <QString>

class QWidget;

namespace cert::studio {

class AppSettings;

/// One per window (a child of it, found with of()). Remembers the folder of each kind of file
/// dialog in AppSettings, and never starts a dialog in a build tree (a folder with a
/// CMakeCache.txt at or above it): that falls back to the person's documents folder.
class DialogFolders : public QObject {
  Q_OBJECT

 public:
  DialogFolders(AppSettings& settings, QObject* parent);

  /// The DialogFolders of `widget`'s window, or null (a widget used on its own, e.g. in a test).
  static DialogFolders* of(const QWidget* widget);
  /// The documents folder (the home folder when there is none).
  static QString documentsFolder();
  /// True for a missing folder or one inside a CMake build tree.
  static bool isUnsuitable(const QString& folder);
  /// True for a folder inside the bundled specs/ (Save As never proposes it).
  static bool isBundledSpecFolder(const QString& folder);
  /// Where a dialog for `kind` starts: `widget`'s window's remembered folder when suitable, else
  /// `fallback` when suitable, else the documents folder.
  static QString startFolder(const QWidget* widget, const QString& kind, const QString& fallback = {});
  /// Remembers the folder of `chosenPath` (a file) for `kind` (no-op without a DialogFolders).
  static void remember(const QWidget* widget, const QString& kind, const QString& chosenPath);

  QString startFolder(const QString& kind, const QString& fallback = {}) const;
  void remember(const QString& kind, const QString& chosenPath);

 private:
  AppSettings& settings_;
};

}  // namespace cert::studio
