// certc check: not implemented yet.
#include <cstdio>

#include "app/certc/commands.h"

namespace cert::cli {

int cmdCheck(int, char**) {
  std::fprintf(stderr, "certc check: not implemented yet\n");
  return 2;
}

}  // namespace cert::cli
