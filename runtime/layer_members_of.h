// The executor's side of LayerMembers: converting one layer's state (runtime values) to dense form.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "runtime/backend/backend.h"
#include "runtime/dense_values.h"
#include "runtime/layer_members.h"

namespace cert {

/// The members `names` (shape order) of one layer's state over its n neurons; broadcast rows and
/// constants are expanded; blocks are read through `backend`. Members missing from `state` are
/// left out.
LayerMembers denseMembers(const runtime::Backend& backend, const std::map<std::string, runtime::Value>& state, const std::vector<std::string>& names,
                          int64_t n);

}  // namespace cert
