// IrDock: rule/pass combos, the monospace IR view, its highlights and click-to-source.
#include "app/certstudio/docks/ir_dock.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalBlocker>
#include <QTextBlock>
#include <QVBoxLayout>

namespace cert::studio {

IrDock::IrDock(QWidget* parent) : QDockWidget(tr("IR"), parent) {
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* row = new QHBoxLayout;
  transformer_ = new QComboBox(body);
  op_ = new QComboBox(body);
  stage_ = new QComboBox(body);
  transformer_->setToolTip(tr("Transformer"));
  op_->setToolTip(tr("Operator"));
  stage_->setToolTip(tr("The IR after lowering, after each pass that changed it; green lines are what that pass changed"));
  row->addWidget(transformer_);
  row->addWidget(op_);
  row->addWidget(stage_, 1);
  layout->addLayout(row);
  view_ = new QPlainTextEdit(body);
  view_->setReadOnly(true);
  view_->setLineWrapMode(QPlainTextEdit::NoWrap);
  view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  view_->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
  layout->addWidget(view_, 1);
  status_ = new QLabel(body);
  status_->setWordWrap(true);
  layout->addWidget(status_);
  setWidget(body);

  connect(transformer_, &QComboBox::currentIndexChanged, this, [this] {
    if (filling_) return;
    const QString keep = op_->currentText();
    filling_ = true;
    op_->clear();
    const int t = transformer_->currentIndex();
    if (t >= 0 && t < static_cast<int>(rules_.size())) op_->addItems(rules_[static_cast<size_t>(t)].ops);
    if (op_->findText(keep) >= 0) op_->setCurrentIndex(op_->findText(keep));
    filling_ = false;
    compileChosen();
  });
  connect(op_, &QComboBox::currentIndexChanged, this, [this] {
    if (!filling_) compileChosen();
  });
  connect(stage_, &QComboBox::currentIndexChanged, this, [this] {
    if (!filling_) showStage();
  });
  connect(view_, &QPlainTextEdit::cursorPositionChanged, this, &IrDock::onCursorMoved);
}

void IrDock::setSpecText(const std::string& text) {
  text_ = text;
  std::vector<SpecRules> rules = rulesOf(text);
  if (rules.empty() && !rules_.empty()) {  // a spec that does not parse: keep the last rules
    compileChosen();
    return;
  }
  rules_ = std::move(rules);
  fillRules();
}

void IrDock::fillRules() {
  const QString keepT = transformer_->currentText(), keepOp = op_->currentText();
  filling_ = true;
  transformer_->clear();
  for (const SpecRules& r : rules_) transformer_->addItem(r.transformer);
  int t = transformer_->findText(keepT);
  if (t < 0) t = 0;
  transformer_->setCurrentIndex(t);
  op_->clear();
  if (t < static_cast<int>(rules_.size())) op_->addItems(rules_[static_cast<size_t>(t)].ops);
  int o = op_->findText(keepOp.isEmpty() ? QStringLiteral("Affine") : keepOp);
  op_->setCurrentIndex(o < 0 ? 0 : o);
  filling_ = false;
  compileChosen();
}

bool IrDock::selectRule(const QString& transformer, const QString& op) {
  const int t = transformer_->findText(transformer);
  if (t < 0) return false;
  transformer_->setCurrentIndex(t);  // refills the operators
  const int o = op_->findText(op);
  if (o < 0) return false;
  op_->setCurrentIndex(o);
  compileChosen();
  return true;
}

void IrDock::compileChosen() {
  const int keepStage = stage_->currentIndex();
  const bool wasLast = keepStage < 0 || keepStage == stage_->count() - 1;
  if (transformer_->currentText().isEmpty() || op_->currentText().isEmpty()) {
    stages_.clear();
    status_->setText(text_.empty() ? tr("No spec.") : tr("The spec has no transformer rules to show."));
  } else {
    cert::Result<std::vector<IrStage>> r = irStages(text_, transformer_->currentText(), op_->currentText());
    if (r.ok()) {
      stages_ = std::move(*r.value);
      status_->clear();
    } else {
      const cert::Diagnostic* e = nullptr;
      for (const auto& d : r.diagnostics)
        if (d.severity == cert::Severity::Error && !e) e = &d;
      status_->setText(tr("Showing the last IR that compiled. %1")
                           .arg(e ? QStringLiteral("%1:%2: %3").arg(e->range.begin.line).arg(e->range.begin.col)
                                        .arg(QString::fromStdString(e->message))
                                  : QString()));
      status_->setStyleSheet(QStringLiteral("color: #b00020"));
      return;  // keep showing the last good IR
    }
  }
  status_->setStyleSheet({});
  filling_ = true;
  stage_->clear();
  for (const IrStage& s : stages_) stage_->addItem(s.name);
  stage_->setCurrentIndex(wasLast ? stage_->count() - 1 : std::min(keepStage, stage_->count() - 1));
  filling_ = false;
  showStage();
}

void IrDock::selectStage(int stage) { stage_->setCurrentIndex(stage); }

QStringList IrDock::stageNames() const {
  QStringList out;
  for (const IrStage& s : stages_) out << s.name;
  return out;
}

const IrListing* IrDock::listing() const {
  const int s = stage_->currentIndex();
  return s >= 0 && s < static_cast<int>(stages_.size()) ? &stages_[static_cast<size_t>(s)].listing : nullptr;
}

QString IrDock::irText() const { return view_->toPlainText(); }

void IrDock::showStage() {
  const IrListing* l = listing();
  const QSignalBlocker block(view_);
  view_->setPlainText(l ? l->lines.join(QLatin1Char('\n')) : QString());
  highlighted_.clear();
  applySelections();
}

std::vector<int> IrDock::changedLines() const {
  std::vector<int> out;
  const int s = stage_->currentIndex();
  if (s <= 0 || s >= static_cast<int>(stages_.size())) return out;
  const auto& changed = stages_[static_cast<size_t>(s)].changed;
  for (size_t i = 0; i < changed.size(); ++i)
    if (changed[i]) out.push_back(static_cast<int>(i));
  return out;
}

void IrDock::applySelections() {
  QList<QTextEdit::ExtraSelection> sels;
  auto mark = [&](int line, const QColor& color) {
    QTextEdit::ExtraSelection s;
    s.cursor = QTextCursor(view_->document()->findBlockByNumber(line));
    s.format.setBackground(color);
    s.format.setProperty(QTextFormat::FullWidthSelection, true);
    sels << s;
  };
  for (int line : changedLines()) mark(line, QColor(205, 240, 200));
  for (int line : highlighted_) mark(line, QColor(255, 236, 150));
  view_->setExtraSelections(sels);
}

void IrDock::activateLine(int line) {
  const IrListing* l = listing();
  if (!l || line < 0 || line >= static_cast<int>(l->origins.size())) return;
  const cert::SourceRange& r = l->origins[static_cast<size_t>(line)];
  if (r.valid()) emit sourceRangeActivated(r);
}

void IrDock::onCursorMoved() {
  if (view_->textCursor().hasSelection()) return;  // selecting text to copy
  activateLine(view_->textCursor().blockNumber());
}

std::vector<int> IrDock::setSourceOffset(int offset) {
  highlighted_.clear();
  if (const IrListing* l = listing())
    for (size_t i = 0; i < l->origins.size(); ++i) {
      const cert::SourceRange& r = l->origins[i];
      if (r.valid() && r.begin.offset <= offset && offset < std::max(r.end.offset, r.begin.offset + 1))
        highlighted_.push_back(static_cast<int>(i));
    }
  applySelections();
  if (!highlighted_.empty()) {
    const QSignalBlocker block(view_);
    view_->setTextCursor(QTextCursor(view_->document()->findBlockByNumber(highlighted_.front())));
    view_->ensureCursorVisible();
  }
  return highlighted_;
}

}  // namespace cert::studio
