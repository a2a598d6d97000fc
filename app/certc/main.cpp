// certc: the command-line driver. Dispatches to one function per subcommand.
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "app/certc/command_help.h"
#include "app/certc/commands.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int, char**);
};

/// The commands by name; their synopsis, options and text are in command_help.cpp.
const Command kCommands[] = {
    {"net", cert::cli::cmdNet},         {"eval", cert::cli::cmdEval},       {"check", cert::cli::cmdCheck},
    {"fmt", cert::cli::cmdFmt},         {"compile", cert::cli::cmdCompile}, {"run", cert::cli::cmdRun},
    {"soundness", cert::cli::cmdSoundness}, {"prove", cert::cli::cmdProve},
};

void usage(FILE* out) {
  std::fprintf(out, "usage: certc <command> [args]\n\ncommands:\n");
  for (const auto& h : cert::cli::commandHelps())
    std::fprintf(out, "  %-9s  %s: %s\n", h.name, h.summary, h.synopsis);
  std::fprintf(out, "\ncertc <command> --help (or certc help <command>) lists a command's options.\n");
}

bool isHelp(const char* arg) { return !std::strcmp(arg, "--help") || !std::strcmp(arg, "-h"); }

/// `certc help COMMAND` or `certc COMMAND ... --help`: the command's help on stdout, exit 0.
int commandHelp(const char* name) {
  for (const auto& h : cert::cli::commandHelps())
    if (!std::strcmp(name, h.name)) {
      std::fputs(cert::cli::formatHelp(h).c_str(), stdout);
      return 0;
    }
  std::fprintf(stderr, "certc: unknown command '%s' (try certc --help)\n", name);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (isHelp(argv[1]) || !std::strcmp(argv[1], "help")) {
    if (argc > 2 && !std::strcmp(argv[1], "help")) return commandHelp(argv[2]);
    usage(stdout);
    return 0;
  }
  for (const auto& c : kCommands) {
    if (std::strcmp(argv[1], c.name)) continue;
    for (int i = 2; i < argc; ++i)
      if (isHelp(argv[i])) return commandHelp(c.name);
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
