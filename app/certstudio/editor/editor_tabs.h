// The spec editors as tabs: new, open, save, save-as, close with the unsaved-changes prompt.
#pragma once

#include <QTabWidget>

#include <functional>

#include "app/certstudio/editor/spec_editor.h"  // full type: signals carry SpecEditor*

namespace cert::studio {


/// Owns the SpecEditors. Dialogs go through replaceable prompts so tests (and scripted runs)
/// answer them without a modal dialog.
class EditorTabs : public QTabWidget {
  Q_OBJECT

 public:
  enum class UnsavedChoice { Save, Discard, Cancel };
  /// Asked for a modified editor that is about to close.
  using UnsavedPrompt = std::function<UnsavedChoice(SpecEditor*)>;
  /// Asked for a path to save to; an empty string cancels.
  using SavePathPrompt = std::function<QString(SpecEditor*)>;

  /// The outcome of opening a file: the editor (null on error) and what to tell the person.
  struct OpenResult {
    SpecEditor* editor = nullptr;
    QString error;    ///< nothing opened
    QString warning;  ///< opened, with a caveat (shown in the editor too)
  };

  explicit EditorTabs(QWidget* parent = nullptr);

  /// A new tab with `text`; untitled when `path` is empty. The tab starts unmodified.
  SpecEditor* addEditor(const QString& text = {}, const QString& path = {});
  /// Opens `path`, or switches to its tab when it is already open.
  OpenResult openFile(const QString& path);
  /// Saves to the editor's path (asks for one when untitled). False when cancelled or failed.
  bool save(SpecEditor* editor);
  bool saveAs(SpecEditor* editor);
  /// Closes a tab, asking about unsaved changes. False when the person cancelled.
  bool closeEditor(SpecEditor* editor);
  /// Asks about every modified editor (without closing any). False when the person cancelled.
  bool resolveUnsavedChanges();

  SpecEditor* currentEditor() const;
  SpecEditor* editorAt(int index) const;
  QList<SpecEditor*> editors() const;
  SpecEditor* findByPath(const QString& path) const;
  /// The file paths of the open, saved-to-disk editors, in tab order.
  QStringList openFilePaths() const;

  void setUnsavedPrompt(UnsavedPrompt prompt) { unsavedPrompt_ = std::move(prompt); }
  void setSavePathPrompt(SavePathPrompt prompt) { savePathPrompt_ = std::move(prompt); }
  /// Where Save As starts for `editor`: its own file, unless that is a bundled spec (then the
  /// remembered spec folder or the documents folder, with the same file name).
  QString saveAsStartPath(const SpecEditor* editor) const;
  /// The folder the save dialog starts in when the window has no DialogFolders.
  void setDefaultDirectory(const QString& dir) { defaultDir_ = dir; }

 signals:
  void editorAdded(cert::studio::SpecEditor* editor);
  void editorTextChanged(cert::studio::SpecEditor* editor);
  void editorClosed(const QString& editorId);
  void fileSaved(const QString& path);
  void fileOpened(const QString& path);
  void currentEditorChanged(cert::studio::SpecEditor* editor);
  /// A failure the person should see (status bar, and a dialog when interactive).
  void errorOccurred(const QString& message);

 private:
  void updateTabTitle(SpecEditor* editor);
  UnsavedChoice askUnsaved(SpecEditor* editor);
  QString askSavePath(SpecEditor* editor);
  bool writeTo(SpecEditor* editor, const QString& path);

  UnsavedPrompt unsavedPrompt_;
  SavePathPrompt savePathPrompt_;
  QString defaultDir_;
  int untitledCount_ = 0;
};

}  // namespace cert::studio
