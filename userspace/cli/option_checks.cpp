#include "cli/option_checks.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "container/user_lookup.h"

namespace pare {

namespace {

constexpr double kOneYear = 365.0 * 24 * 3600;

}  // namespace

CLI::Validator seconds(bool allow_zero) {
  return CLI::Validator(
      [allow_zero](std::string& text) -> std::string {
        const char* s = text.c_str();
        char* end = nullptr;
        errno = 0;
        double v = std::strtod(s, &end);
        std::string want = allow_zero ? "a number of seconds from 0 to 31536000 (one year)"
                                      : "a number of seconds above 0, at most 31536000 (one year)";
        // strtod also reads "nan", "inf" and hex floats: only plain decimals pass.
        if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v) ||
            text.find_first_not_of("0123456789.eE+-") != std::string::npos)
          return "'" + text.substr(0, 40) + "' is not " + want;
        if (v < 0 || (!allow_zero && v == 0) || v > kOneYear) return "'" + text.substr(0, 40) + "' is not " + want;
        return "";
      },
      "SECONDS");
}

CLI::Validator whole_number(long long lo, long long hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        std::string want = "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
        if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos)
          return "'" + text.substr(0, 40) + "' is not " + want;
        errno = 0;
        long long v = std::strtoll(text.c_str(), nullptr, 10);
        if (errno == ERANGE || v < lo || v > hi) return "'" + text.substr(0, 40) + "' is not " + want;
        return "";
      },
      "N");
}

CLI::Validator user_option() {
  // No description: the option's type name already says USER[:GROUP].
  return CLI::Validator([](std::string& text) { return user_syntax_error(text); }, "");
}

}  // namespace pare
