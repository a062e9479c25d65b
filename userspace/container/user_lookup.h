// USER[:GROUP] (an image's User, or --user) -> the uid, gid and supplementary
// groups a container process runs with, resolved like docker/runc do in the
// image's own /etc/passwd and /etc/group, never the host's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"

namespace pare {

struct ProcessUser {
  uint32_t uid = 0, gid = 0;
  std::vector<uint32_t> additional_gids;  // OCI process.user.additionalGids
};

// USER and GROUP are names or numbers. USER's gid is its passwd entry's, and
// its supplementary groups are the /etc/group entries listing its name; an
// explicit GROUP replaces both (docker's rule). A number without a passwd
// entry is allowed and runs with gid 0 (docker's default). The files are read
// inside ROOTFS (openat2 RESOLVE_IN_ROOT: the image is untrusted), at most
// 4 MiB each. Throws Error(CODE, "WHAT USER: ...") for an unknown name or a
// malformed USER.
ProcessUser resolve_user(const std::string& rootfs, const std::string& user, ExitCode code, const std::string& what);

// "" when USER looks like USER[:GROUP] (non-empty parts, numbers in range),
// else why not: for checking --user before anything is unpacked or run.
std::string user_syntax_error(const std::string& user);

}  // namespace pare
