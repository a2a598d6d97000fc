// certc fmt: not implemented yet.
#include <cstdio>

#include "app/certc/commands.h"

namespace cert::cli {

int cmdFmt(int, char**) {
  std::fprintf(stderr, "certc fmt: not implemented yet\n");
  return 2;
}

}  // namespace cert::cli
