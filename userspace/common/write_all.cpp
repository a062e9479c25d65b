#include "common/write_all.h"

#include <unistd.h>

#include <cerrno>

#include "common/error.h"

namespace pare {

void write_all(int fd, const void* data, size_t len, const std::string& what) {
  const char* p = static_cast<const char*>(data);
  for (size_t off = 0; off < len;) {
    ssize_t w = ::write(fd, p + off, len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) throw Error(kExitFailure, errno_message("cannot write " + what, errno));
    off += static_cast<size_t>(w);
  }
}

}  // namespace pare
