#include "image/archive_util.h"

#include <sys/stat.h>

#include <vector>

#include "common/error.h"
#include "common/interrupt.h"
#include "image/sha256.h"

namespace pare {

std::string archive_error(archive* a) {
  const char* s = archive_error_string(a);
  return s ? s : "unknown error";
}

ArchiveReader open_tar_reader(const std::string& path, const std::string& what) {
  ArchiveReader a(archive_read_new());
  if (!a) throw Error(kExitFailure, "out of memory opening " + what);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_empty(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK)
    throw Error(kExitBadInput, what + ": cannot open as tar: " + archive_error(a.get()));
  return a;
}

std::string decompressed_sha256(const std::string& path, const std::string& what) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && st.st_size == 0) return sha256_hex("");  // "raw" cannot open nothing
  ArchiveReader a(archive_read_new());
  if (!a) throw Error(kExitFailure, "out of memory opening " + what);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_raw(a.get());
  archive_entry* e = nullptr;
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK ||
      archive_read_next_header(a.get(), &e) != ARCHIVE_OK)
    throw Error(kExitBadInput, what + ": cannot read: " + archive_error(a.get()));
  Sha256 h;
  std::vector<char> buf(1 << 16);
  for (;;) {
    throw_if_interrupted();
    la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
    if (n < 0) throw Error(kExitBadInput, what + ": cannot decompress: " + archive_error(a.get()));
    if (n == 0) break;
    h.update(buf.data(), static_cast<size_t>(n));
  }
  return h.hex();
}

}  // namespace pare
