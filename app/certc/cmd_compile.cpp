// certc compile: not implemented yet.
#include <cstdio>

#include "app/certc/commands.h"

namespace cert::cli {

int cmdCompile(int, char**) {
  std::fprintf(stderr, "certc compile: not implemented yet\n");
  return 2;
}

}  // namespace cert::cli
