// The text of File > New from Template: a commented minimal certifier (a bundled resource).
#pragma once

#include <QString>

namespace cert::studio {

/// :/templates/new_certifier.cf, an interval certifier for Affine and Relu with a comment on
/// each part of a spec.
struct SpecTemplate {
  static QString text();
};

}  // namespace cert::studio
