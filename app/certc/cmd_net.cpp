// certc net: not implemented yet.
#include <cstdio>

#include "app/certc/commands.h"

namespace cert::cli {

int cmdNet(int, char**) {
  std::fprintf(stderr, "certc net: not implemented yet\n");
  return 2;
}

}  // namespace cert::cli
