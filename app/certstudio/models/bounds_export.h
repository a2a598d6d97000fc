// Bounds export: every layer's per-neuron [l, u] (and the comparison's) as CSV or JSON.
#pragma once

#include <QByteArray>

namespace cert::studio {

class BoundsModel;

/// `layer,name,op,neuron,lower,upper` (plus `cmp_lower,cmp_upper` with a comparison), one row
/// per neuron of every layer; full double precision.
QByteArray boundsCsv(const BoundsModel& model);

/// `{"spec": ..., "verified": ..., "layers": [{"layer", "name", "op", "lower", "upper"}], "margins":
/// {...}, "comparison": {...}}` — the layers part follows certc run --json.
QByteArray boundsJson(const BoundsModel& model);

}  // namespace cert::studio
