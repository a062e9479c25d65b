// Strict checks for numeric options. CLI11's number checks accept "nan"
// and "inf" and print their range as a 310-digit number; these accept only
// plain finite decimals in a documented range and say so in words.
#pragma once

#include <CLI/CLI.hpp>

namespace pare {

// A number of seconds: finite, at most one year, > 0 unless ALLOW_ZERO.
CLI::Validator seconds(bool allow_zero);

// A whole number from LO to HI.
CLI::Validator whole_number(long long lo, long long hi);

// --user USER[:GROUP]: its form only; names are resolved in the image later.
CLI::Validator user_option();

}  // namespace pare
