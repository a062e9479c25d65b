// Metadata a rootfs on disk could not hold, kept beside it for the layer
// writer. A non-root build cannot chown the files it copies or set
// security.* xattrs (security.capability above all), but the image it
// writes must carry the source's owners, modes and xattrs: the copier records
// them here per path and write_tar_layer puts them in the tar headers
// instead of what the disk says.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace pare {

struct EntryMetadata {
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0;  // the 12 permission bits (setuid/setgid/sticky included); the type comes from the disk
  std::vector<std::pair<std::string, std::string>> xattrs;  // ones the disk refused: name, value
};

// Path relative to the rootfs ("usr/bin/ping", as write_tar_layer names
// entries) -> the source's metadata for it.
using EntryMetadataTable = std::map<std::string, EntryMetadata>;

}  // namespace pare
