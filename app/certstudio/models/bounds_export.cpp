// boundsCsv / boundsJson over a BoundsModel.
#include "app/certstudio/models/bounds_export.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/certstudio/models/bounds_model.h"

namespace cert::studio {
namespace {

QString exact(double v) { return QString::number(v, 'g', 17); }

QJsonArray array(const Eigen::Ref<const Eigen::VectorXd>& v) {
  QJsonArray a;
  for (Eigen::Index i = 0; i < v.size(); ++i) a.append(v[i]);
  return a;
}

QJsonObject runObject(const BoundsModel& model, const BoundsModel::Run& run) {
  QJsonObject o;
  o[QStringLiteral("spec")] = run.label;
  o[QStringLiteral("verified")] = run.verified;
  QJsonArray layers;
  for (int l = 0; l < static_cast<int>(run.layers.size()); ++l) {
    const cert::LayerBoundsResult& b = run.layers[static_cast<size_t>(l)];
    layers.append(QJsonObject{{QStringLiteral("layer"), l},
                              {QStringLiteral("name"), model.layerName(l)},
                              {QStringLiteral("op"), model.layerOp(l)},
                              {QStringLiteral("size"), static_cast<int>(b.lower.size())},
                              {QStringLiteral("lower"), array(b.lower)},
                              {QStringLiteral("upper"), array(b.upper)}});
  }
  o[QStringLiteral("layers")] = layers;
  if (run.marginLower.size())
    o[QStringLiteral("margins")] =
        QJsonObject{{QStringLiteral("lower"), array(run.marginLower)}, {QStringLiteral("upper"), array(run.marginUpper)}};
  return o;
}

}  // namespace

QByteArray boundsCsv(const BoundsModel& model) {
  const BoundsModel::Run* run = model.run();
  const BoundsModel::Run* cmp = model.comparison();
  QByteArray out = cmp ? "layer,name,op,neuron,lower,upper,cmp_lower,cmp_upper\n" : "layer,name,op,neuron,lower,upper\n";
  if (!run) return out;
  for (int l = 0; l < model.layerCount(); ++l) {
    const cert::LayerBoundsResult& b = *model.bounds(l);
    const cert::LayerBoundsResult* c = cmp ? model.bounds(l, cmp) : nullptr;
    const QString prefix = QStringLiteral("%1,\"%2\",%3,").arg(l).arg(model.layerName(l).replace(QLatin1Char('"'), QStringLiteral("\"\"")), model.layerOp(l));
    for (Eigen::Index i = 0; i < b.lower.size(); ++i) {
      QString row = prefix + QStringLiteral("%1,%2,%3").arg(i).arg(exact(b.lower[i]), exact(b.upper[i]));
      if (cmp) row += c && i < c->lower.size() ? QStringLiteral(",%1,%2").arg(exact(c->lower[i]), exact(c->upper[i])) : QStringLiteral(",,");
      out += row.toUtf8() + '\n';
    }
  }
  return out;
}

QByteArray boundsJson(const BoundsModel& model) {
  QJsonObject o;
  if (const BoundsModel::Run* run = model.run()) o = runObject(model, *run);
  if (const BoundsModel::Run* cmp = model.comparison()) o[QStringLiteral("comparison")] = runObject(model, *cmp);
  if (model.network()) o[QStringLiteral("network")] = QString::fromStdString(model.network()->name);
  return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

}  // namespace cert::studio
