// What each certc command takes, as data: its synopsis, what it does and every option it accepts.
// `certc COMMAND --help` prints it, and the commands check their options against it (so an option
// is documented exactly when it is accepted).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cert::cli {

struct OptionHelp {
  const char* name;   ///< without the leading "--"
  const char* value;  ///< the value's placeholder ("N", "FILE"); nullptr for a flag
  const char* text;
};

struct CommandHelp {
  const char* name;
  const char* synopsis;  ///< the positionals and the options a call needs
  const char* summary;   ///< one line, for `certc --help`
  const char* text;      ///< what the command does and prints, its exit codes
  std::vector<OptionHelp> options;
};

/// Every command, in the order `certc --help` lists them.
const std::vector<CommandHelp>& commandHelps();

/// The command named `name`; throws std::logic_error for a name no command has.
const CommandHelp& commandHelp(std::string_view name);

/// Its options' names (Args::unknown's `known`) and its flags' (Args' `flags`).
std::set<std::string> optionNames(const CommandHelp& help);
std::set<std::string> flagNames(const CommandHelp& help);

/// `certc COMMAND --help`'s text: usage line, description, one line per option.
std::string formatHelp(const CommandHelp& help);

}  // namespace cert::cli
