// Owning handles for libarchive objects, and the ways layers are opened for
// reading: tar (any dialect) behind any compression libarchive detects.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <string>

namespace pare {

struct ArchiveReadFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct ArchiveWriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct ArchiveEntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using ArchiveReader = std::unique_ptr<archive, ArchiveReadFree>;
using ArchiveWriter = std::unique_ptr<archive, ArchiveWriteFree>;
using ArchiveEntry = std::unique_ptr<archive_entry, ArchiveEntryFree>;

// Opens PATH as a tar archive, compressed or not (filter auto-detection); an
// empty file is an empty layer. Throws Error(kExitBadInput) naming WHAT.
ArchiveReader open_tar_reader(const std::string& path, const std::string& what);

// sha256 hex of the decompressed bytes of PATH (a layer's diff_id), whatever
// compression libarchive detects. Throws Error(kExitBadInput) naming WHAT.
std::string decompressed_sha256(const std::string& path, const std::string& what);

// libarchive's last error text for A, or "unknown error".
std::string archive_error(archive* a);

}  // namespace pare
