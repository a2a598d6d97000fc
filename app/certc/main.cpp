// certc: the command-line driver. Dispatches to one function per subcommand.
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "app/certc/commands.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int, char**);
  const char* summary;
};

const Command kCommands[] = {
    {"net", cert::cli::cmdNet, "NET.onnx                          list the imported layers"},
    {"eval", cert::cli::cmdEval, "NET.onnx --data F.csv [--index I] [--count N]  concrete logits"},
    {"check", cert::cli::cmdCheck, "SPEC.cf                         type-check a spec"},
    {"fmt", cert::cli::cmdFmt, "SPEC.cf                           print the spec canonically"},
    {"compile", cert::cli::cmdCompile, "SPEC.cf --emit=ast|ir|shapes   show a compiler stage"},
    {"run", cert::cli::cmdRun, "SPEC.cf --net N.onnx (--data F.csv | --vnnlib F) --eps E  certify"},
    {"soundness", cert::cli::cmdSoundness, "SPEC.cf --net N.onnx (...) --eps E --samples N  sample-check bounds"},
    {"prove", cert::cli::cmdProve, "SPEC.cf [--transformer T] [--op Op] [--timeout S]  prove rules with z3"},
};

void usage(FILE* out) {
  std::fprintf(out, "usage: certc <command> [args]\n\ncommands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  %-8s %s\n", c.name, c.summary);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  for (const auto& c : kCommands) {
    if (std::strcmp(argv[1], c.name)) continue;
    // A last resort: the importer and the readers bound what they allocate, but a network they
    // accept may still need more memory than this machine has while it is certified.
    try {
      return c.run(argc, argv);
    } catch (const std::bad_alloc&) {
      std::fprintf(stderr, "certc %s: error: out of memory (the network or the property is too large for this machine)\n",
                   c.name);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "certc %s: error: %s\n", c.name, e.what());
    }
    return 1;
  }
  std::fprintf(stderr, "certc: unknown command '%s' (try certc --help)\n", argv[1]);
  return 2;
}
