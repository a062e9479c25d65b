// Writes every byte to a file descriptor, across short writes and EINTR.
#pragma once

#include <cstddef>
#include <string>

namespace pare {

// Throws Error(kExitFailure) "cannot write WHAT: ..." on the first failure.
void write_all(int fd, const void* data, size_t len, const std::string& what);

}  // namespace pare
