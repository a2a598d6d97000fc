// LayerTableModel: formatting of layers (inputs, shape, neuron range, parameter count).
#include "app/certstudio/models/layer_table_model.h"

#include <QLocale>
#include <QStringList>

namespace cert::studio {

LayerTableModel::LayerTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void LayerTableModel::setNetwork(std::shared_ptr<const cert::Network> network) {
  beginResetModel();
  network_ = std::move(network);
  endResetModel();
}

int LayerTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !network_ ? 0 : static_cast<int>(network_->layers.size());
}

int LayerTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString LayerTableModel::formatShape(const std::vector<int64_t>& shape) {
  QStringList parts;
  for (int64_t d : shape) parts << QString::number(d);
  return parts.isEmpty() ? QStringLiteral("—") : parts.join(QChar(0x00D7));
}

QVariant LayerTableModel::display(const cert::Layer& layer, int column) const {
  switch (column) {
    case Index: return layer.index;
    case Name: return QString::fromStdString(layer.name);
    case Op: return QString::fromLatin1(cert::layerOpName(layer.op));
    case Inputs: {
      QStringList in;
      for (int i : layer.inputs) in << QString::number(i);
      return in.isEmpty() ? QStringLiteral("—") : in.join(QStringLiteral(", "));
    }
    case Shape: return formatShape(layer.shape);
    case Neurons: return QStringLiteral("[%1, %2)").arg(layer.start).arg(layer.end);
    case Params: return QLocale().toString(static_cast<qlonglong>(layer.parameterCount()));
    default: return {};
  }
}

QVariant LayerTableModel::raw(const cert::Layer& layer, int column) const {
  switch (column) {
    case Neurons: return static_cast<qlonglong>(layer.size());
    case Params: return static_cast<qlonglong>(layer.parameterCount());
    case Shape: {
      QVariantList dims;
      for (int64_t d : layer.shape) dims << static_cast<qlonglong>(d);
      return dims;
    }
    case Inputs: {
      QVariantList in;
      for (int i : layer.inputs) in << i;
      return in;
    }
    default: return display(layer, column);
  }
}

QString LayerTableModel::toolTip(const cert::Layer& layer) const {
  QStringList lines;
  lines << tr("%1 (%2), %3 neurons").arg(QString::fromStdString(layer.name),
                                         QString::fromLatin1(cert::layerOpName(layer.op)))
               .arg(layer.size());
  for (int i : layer.inputs) {
    if (i >= 0 && static_cast<std::size_t>(i) < network_->layers.size())
      lines << tr("input: %1 %2").arg(i).arg(QString::fromStdString(network_->layers[static_cast<std::size_t>(i)].name));
  }
  if (!layer.onnxNodes.empty()) {
    QStringList nodes;
    for (const std::string& n : layer.onnxNodes) nodes << QString::fromStdString(n);
    lines << tr("ONNX nodes: %1").arg(nodes.join(QStringLiteral(", ")));
  }
  return lines.join(QLatin1Char('\n'));
}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const {
  if (!network_ || !index.isValid() || index.row() >= rowCount()) return {};
  const cert::Layer& layer = network_->layers[static_cast<std::size_t>(index.row())];
  switch (role) {
    case Qt::DisplayRole: return display(layer, index.column());
    case Qt::UserRole: return raw(layer, index.column());
    case Qt::ToolTipRole: return toolTip(layer);
    case Qt::TextAlignmentRole:
      if (index.column() == Index || index.column() == Params)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
      return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    default: return {};
  }
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Index: return tr("#");
    case Name: return tr("Name");
    case Op: return tr("Op");
    case Inputs: return tr("Inputs");
    case Shape: return tr("Shape");
    case Neurons: return tr("Neurons");
    case Params: return tr("Params");
    default: return {};
  }
}

}  // namespace cert::studio
