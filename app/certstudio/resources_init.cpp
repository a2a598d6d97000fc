// ensureResources: Q_INIT_RESOURCE must be called from the global namespace.
#include "app/certstudio/resources_init.h"

#include <QtGlobal>

static void initCertstudioResources() { Q_INIT_RESOURCE(certstudio); }

namespace cert::studio {

void ensureResources() {
  static const bool done = (initCertstudioResources(), true);
  (void)done;
}

}  // namespace cert::studio
