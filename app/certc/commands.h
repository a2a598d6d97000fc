// The certc subcommands: one function per command, one file per command (cmd_<name>.cpp).
#pragma once

namespace cert::cli {

/// Each returns the process exit code; argv[0] is "certc", argv[1] the command name.
int cmdNet(int argc, char** argv);
int cmdEval(int argc, char** argv);
int cmdCheck(int argc, char** argv);
int cmdFmt(int argc, char** argv);
int cmdCompile(int argc, char** argv);
int cmdRun(int argc, char** argv);
int cmdSoundness(int argc, char** argv);
int cmdProve(int argc, char** argv);

}  // namespace cert::cli
