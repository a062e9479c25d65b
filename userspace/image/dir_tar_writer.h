// A directory of image files (an OCI layout, a docker archive's parts) packed
// as one tar, byte-for-byte reproducible: entries sorted bytewise, and no
// metadata of the files on disk (mtime 0, owner 0:0, modes 0644/0755).
#pragma once

#include <string>

namespace pare {

// Packs everything under DIR (regular files and directories only) into
// OUT_TAR, written atomically through OutputFile (a temporary renamed over
// OUT_TAR when whole). ROLE names the output in messages ("oci-archive").
// Throws Error(kExitFailure).
void write_dir_tar(const std::string& dir, const std::string& out_tar, const std::string& role);

}  // namespace pare
