// Registers the IDE's Qt resources (icons), which live in a static library.
#pragma once

namespace cert::studio {

/// Makes :/icons/... available. Static libraries drop the resource initializer unless someone
/// references it, so every widget that uses an icon calls this first; it is cheap after the first call.
void ensureResources();

}  // namespace cert::studio
