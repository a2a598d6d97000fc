// EditorTabs: tab bookkeeping and the file operations behind File > New/Open/Save/Close.
#include "app/certstudio/editor/editor_tabs.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>

#include "app/certstudio/editor/spec_editor.h"
#include "app/certstudio/editor/spec_file.h"
#include "app/certstudio/settings/dialog_folders.h"

namespace cert::studio {
namespace {

QString normalizedPath(const QString& path) {
  const QFileInfo info(path);
  const QString canonical = info.canonicalFilePath();
  return canonical.isEmpty() ? info.absoluteFilePath() : canonical;
}

}  // namespace

EditorTabs::EditorTabs(QWidget* parent) : QTabWidget(parent) {
  setTabsClosable(true);
  setMovable(true);
  setDocumentMode(true);
  connect(this, &QTabWidget::tabCloseRequested, this, [this](int index) {
    if (SpecEditor* e = editorAt(index)) closeEditor(e);
  });
  connect(this, &QTabWidget::currentChanged, this, [this] { emit currentEditorChanged(currentEditor()); });
}

SpecEditor* EditorTabs::addEditor(const QString& text, const QString& path) {
  auto* editor = new SpecEditor(this);
  if (path.isEmpty()) editor->setUntitledName(tr("Untitled %1").arg(++untitledCount_));
  else editor->setFilePath(normalizedPath(path));
  editor->setText(text);
  editor->setModified(false);
  editor->SendScintilla(QsciScintillaBase::SCI_EMPTYUNDOBUFFER);
  connect(editor, &QsciScintilla::modificationChanged, this, [this, editor] { updateTabTitle(editor); });
  connect(editor, &QsciScintilla::textChanged, this, [this, editor] { emit editorTextChanged(editor); });
  const int index = addTab(editor, editor->displayName());
  updateTabTitle(editor);
  emit editorAdded(editor);
  setCurrentIndex(index);
  return editor;
}

EditorTabs::OpenResult EditorTabs::openFile(const QString& path) {
  OpenResult result;
  if (SpecEditor* open = findByPath(path)) {
    setCurrentWidget(open);
    result.editor = open;
    return result;
  }
  const SpecText spec = readSpecFile(path);
  if (!spec.ok()) {
    result.error = spec.error;
    emit errorOccurred(spec.error);
    return result;
  }
  result.editor = addEditor(spec.text, path);
  if (!spec.warning.isEmpty()) {
    result.warning = spec.warning;
    result.editor->setBanner(spec.warning);
    result.editor->setReadOnly(true);  // saving would write U+FFFD over the original bytes
  }
  emit fileOpened(result.editor->filePath());
  return result;
}

bool EditorTabs::writeTo(SpecEditor* editor, const QString& path) {
  const QString error = writeSpecFile(path, editor->text());
  if (!error.isEmpty()) {
    emit errorOccurred(error);
    return false;
  }
  editor->setFilePath(normalizedPath(path));
  editor->setModified(false);
  updateTabTitle(editor);
  emit fileSaved(editor->filePath());
  return true;
}

bool EditorTabs::save(SpecEditor* editor) {
  if (!editor) return false;
  if (editor->filePath().isEmpty()) return saveAs(editor);
  return writeTo(editor, editor->filePath());
}

bool EditorTabs::saveAs(SpecEditor* editor) {
  if (!editor) return false;
  const QString path = askSavePath(editor);
  return !path.isEmpty() && writeTo(editor, path);
}

bool EditorTabs::closeEditor(SpecEditor* editor) {
  if (!editor) return false;
  if (editor->isModified()) {
    setCurrentWidget(editor);
    switch (askUnsaved(editor)) {
      case UnsavedChoice::Cancel: return false;
      case UnsavedChoice::Save:
        if (!save(editor)) return false;
        break;
      case UnsavedChoice::Discard: break;
    }
  }
  const QString id = editor->id();
  removeTab(indexOf(editor));
  editor->deleteLater();
  emit editorClosed(id);
  return true;
}

bool EditorTabs::resolveUnsavedChanges() {
  for (SpecEditor* editor : editors()) {
    if (!editor->isModified()) continue;
    setCurrentWidget(editor);
    switch (askUnsaved(editor)) {
      case UnsavedChoice::Cancel: return false;
      case UnsavedChoice::Save:
        if (!save(editor)) return false;
        break;
      case UnsavedChoice::Discard: break;
    }
  }
  return true;
}

SpecEditor* EditorTabs::currentEditor() const { return qobject_cast<SpecEditor*>(currentWidget()); }

SpecEditor* EditorTabs::editorAt(int index) const { return qobject_cast<SpecEditor*>(widget(index)); }

QList<SpecEditor*> EditorTabs::editors() const {
  QList<SpecEditor*> out;
  for (int i = 0; i < count(); ++i)
    if (SpecEditor* e = editorAt(i)) out << e;
  return out;
}

SpecEditor* EditorTabs::findByPath(const QString& path) const {
  const QString wanted = normalizedPath(path);
  for (SpecEditor* e : editors())
    if (!e->filePath().isEmpty() && e->filePath() == wanted) return e;
  return nullptr;
}

QStringList EditorTabs::openFilePaths() const {
  QStringList out;
  for (SpecEditor* e : editors())
    if (!e->filePath().isEmpty()) out << e->filePath();
  return out;
}

void EditorTabs::updateTabTitle(SpecEditor* editor) {
  const int index = indexOf(editor);
  if (index < 0) return;
  setTabText(index, editor->displayName() + (editor->isModified() ? QStringLiteral(" *") : QString()));
  setTabToolTip(index, editor->filePath().isEmpty() ? tr("Not saved yet") : editor->filePath());
}

EditorTabs::UnsavedChoice EditorTabs::askUnsaved(SpecEditor* editor) {
  if (unsavedPrompt_) return unsavedPrompt_(editor);
  const auto button = QMessageBox::warning(
      this, tr("Unsaved changes"),
      tr("%1 has unsaved changes. Save them before closing?").arg(editor->displayName()),
      QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
  if (button == QMessageBox::Save) return UnsavedChoice::Save;
  if (button == QMessageBox::Discard) return UnsavedChoice::Discard;
  return UnsavedChoice::Cancel;
}

QString EditorTabs::saveAsStartPath(const SpecEditor* editor) const {
  const QString path = editor->filePath();
  const QFileInfo info(path);
  if (!path.isEmpty() && !DialogFolders::isBundledSpecFolder(info.absolutePath()) &&
      !DialogFolders::isUnsuitable(info.absolutePath()))
    return path;
  // A bundled spec or an untitled one: the remembered spec folder, else the documents folder.
  QString folder = DialogFolders::startFolder(this, QStringLiteral("spec"), defaultDir_);
  if (DialogFolders::isBundledSpecFolder(folder)) folder = DialogFolders::documentsFolder();
  const QString name = path.isEmpty() ? editor->displayName() + QStringLiteral(".cf") : info.fileName();
  return QDir(folder).filePath(name);
}

QString EditorTabs::askSavePath(SpecEditor* editor) {
  if (savePathPrompt_) return savePathPrompt_(editor);
  const QString chosen = QFileDialog::getSaveFileName(this, tr("Save spec as"), saveAsStartPath(editor),
                                                      tr("ConstraintFlow specs (*.cf);;All files (*)"));
  DialogFolders::remember(this, QStringLiteral("spec"), chosen);
  return chosen;
}

}  // namespace cert::studio
