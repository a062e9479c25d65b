// write_oci_archive: an OCI layout as one tar (the "oci-archive" transport),
// byte-for-byte reproducible (see dir_tar_writer.h).
#include "image/dir_tar_writer.h"
#include "image/oci_writer.h"

namespace pare {

void write_oci_archive(const std::string& layout_dir, const std::string& out_tar) {
  write_dir_tar(layout_dir, out_tar, "oci-archive");
}

}  // namespace pare
