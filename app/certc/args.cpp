// Command-line argument parsing for certc subcommands.
#include "app/certc/args.h"

#include "core/property/dataset_csv.h"

#include <cerrno>
#include <cstdlib>

namespace cert::cli {

Args::Args(int argc, char** argv, int first, const std::set<std::string>& flags) {
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || a == "--") {
      positionals_.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    const auto eq = name.find('=');
    if (eq != std::string::npos) {
      options_[name.substr(0, eq)] = name.substr(eq + 1);
    } else if (flags.count(name)) {
      options_[name] = "";
    } else if (i + 1 < argc) {
      options_[name] = argv[++i];
    } else {
      errors_.push_back("option --" + name + " needs a value");
    }
  }
}

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = options_.find(name);
  if (it == options_.end()) return std::nullopt;
  return it->second;
}

std::string Args::getOr(const std::string& name, const std::string& fallback) const {
  auto v = get(name);
  return v ? *v : fallback;
}

std::optional<double> Args::number(const std::string& name, std::string* error) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0') {
    if (error) *error = "--" + name + " expects a number, got '" + *v + "'";
    return std::nullopt;
  }
  return d;  // the commands check the range (finite, > 0, ...) and say which they need
}

std::optional<std::vector<double>> Args::numbers(const std::string& name, std::string* error) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  auto values = cert::parseChannelValues(*v);
  if (!values && error) *error = "--" + name + " expects numbers separated by commas, got '" + *v + "'";
  return values;
}

std::optional<int64_t> Args::integer(const std::string& name, std::string* error) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long long n = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0') {
    if (error) *error = "--" + name + " expects an integer, got '" + *v + "'";
    return std::nullopt;
  }
  if (errno == ERANGE) {
    if (error) *error = "--" + name + " is out of range (a 64-bit integer), got '" + *v + "'";
    return std::nullopt;
  }
  return static_cast<int64_t>(n);
}

std::vector<std::string> Args::unknown(const std::set<std::string>& known) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : options_)
    if (!known.count(k)) out.push_back(k);
  return out;
}

}  // namespace cert::cli
