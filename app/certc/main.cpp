// certc: the command-line driver. Dispatches to one function per subcommand.
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: certc <net|eval|check|fmt|compile|run|soundness> ...\n");
    return 2;
  }
  std::fprintf(stderr, "certc: unknown command '%s'\n", argv[1]);
  return 2;
}
