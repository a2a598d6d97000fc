// Command-line arguments of one certc subcommand: positionals and --name[=value] options.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cert::cli {

/// Parsed arguments. Options take a value ("--eps 0.1" or "--eps=0.1") unless declared as flags.
class Args {
 public:
  /// Parses argv[first..]; `flags` are options without a value (e.g. "json-stdout", "dense").
  Args(int argc, char** argv, int first, const std::set<std::string>& flags = {});

  const std::vector<std::string>& positionals() const { return positionals_; }
  bool has(const std::string& name) const { return options_.count(name) > 0; }
  std::optional<std::string> get(const std::string& name) const;
  std::string getOr(const std::string& name, const std::string& fallback) const;
  /// Parses an option as a number; sets `error` when it is present but not a number.
  std::optional<double> number(const std::string& name, std::string* error) const;
  /// Parses an option as comma-separated numbers ("0.49,0.48,0.45"); sets `error` when one is not
  /// a number.
  std::optional<std::vector<double>> numbers(const std::string& name, std::string* error) const;
  /// Parses an option as a 64-bit integer; sets `error` when it is not one or out of range.
  std::optional<int64_t> integer(const std::string& name, std::string* error) const;
  /// Options given that are not in `known` (for a clear "unknown option" error).
  std::vector<std::string> unknown(const std::set<std::string>& known) const;
  /// Parse errors (e.g. an option missing its value).
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::vector<std::string> positionals_;
  std::map<std::string, std::string> options_;
  std::vector<std::string> errors_;
};

}  // namespace cert::cli
