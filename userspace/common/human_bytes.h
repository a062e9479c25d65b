// A byte count as people read it: "512 B", "9.5 MiB" (binary units).
// Reports and error messages use it; JSON keeps exact byte counts.
#pragma once

#include <cstdint>
#include <string>

namespace pare {

std::string human_bytes(uint64_t n);

}  // namespace pare
