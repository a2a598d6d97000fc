// certc eval: not implemented yet.
#include <cstdio>

#include "app/certc/commands.h"

namespace cert::cli {

int cmdEval(int, char**) {
  std::fprintf(stderr, "certc eval: not implemented yet\n");
  return 2;
}

}  // namespace cert::cli
