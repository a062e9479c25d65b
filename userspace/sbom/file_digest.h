// SHA-1 and SHA-256 of a file inside a root, in one read: SPDX 2.3 wants a
// SHA-1 for every file, CycloneDX gets both. Read through RootFs: the tree
// may be an untrusted source (pare sbom --from DIR).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "resolve/root_fs.h"

namespace pare {

struct FileDigests {
  std::string sha1, sha256;  // lower-case hex
  uint64_t size = 0;         // bytes hashed
};

// nullopt when PATH is not (or no longer) a regular file in FS.
std::optional<FileDigests> digest_file(const RootFs& fs, const std::string& path);

// SHA-1 of DATA, raw 20 bytes (name-based UUIDs) or hex.
std::string sha1_raw(std::string_view data);
std::string sha1_hex(std::string_view data);

}  // namespace pare
