// Writes a rootfs directory as a `docker save` archive, the input of `docker
// load` and `podman load`: manifest.json, the config as <hex>.json and one
// uncompressed layer <diff_id hex>.tar (the classic layout every loader
// reads), packed reproducibly like the oci-archive: the same rootfs and
// options give the same bytes.
#pragma once

#include <string>

#include "image/oci_writer.h"

namespace pare {

// The RepoTags a docker archive carries for TAG: TAG itself when it names a
// repository (holds ':' or '/', e.g. "localhost/app:slim"); none for a bare
// tag such as the default "latest", which names no repository (the loaded
// image is then untagged: use its id).
std::string docker_repo_tag(const std::string& tag);

// Creates OUT_TAR (written atomically) from ROOTFS_DIR with OPTS' config and
// overrides (as write_oci_layout). The result has no manifest digest: a
// docker archive's manifest.json is not content-addressed.
OciWriteResult write_docker_archive(const std::string& rootfs_dir, const std::string& out_tar,
                                    const OciWriteOptions& opts);

}  // namespace pare
