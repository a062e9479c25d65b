// Images in containers-storage, the store podman, buildah and skopeo share.
// pare does not read the store itself (its layout is the tools' business and
// may be mounted, locked or remote): an image is exported with podman, else
// skopeo, into an OCI layout in scratch and read from there, and a built image
// is handed to `podman load`. Which store: whatever the tools use, their
// defaults or CONTAINERS_STORAGE_CONF / CONTAINERS_CONF from pare's
// environment.
#pragma once

#include <string>

namespace pare {

class UnpackBudget;

// Exports image NAME (a name, NAME:TAG or an id) into LAYOUT_DIR (must not
// exist yet) as an OCI layout holding that one image. podman is used when
// installed (`podman image inspect` first, so a missing image or one larger
// than the budget is refused before anything is written), else skopeo. What
// was written is charged to BUDGET as scratch. SHOWN names the source in
// messages. Throws Error(kExitEnvironment) when neither tool is installed,
// Error(kExitBadInput) when the store has no such image or the export fails.
void export_storage_image(const std::string& name, const std::string& layout_dir, UnpackBudget& budget,
                          const std::string& shown);

// Throws Error(kExitEnvironment) unless podman is installed: --load podman is
// checked before any work.
void require_podman(const std::string& why);

// `podman load -i FILE` of an image pare wrote (docker-archive, oci-archive or
// an OCI layout directory), then the loaded image's id, confirmed by asking podman for
// CONFIG_DIGEST ("sha256:<hex>": podman's image id is its config's digest).
// Throws Error(kExitFailure) naming podman's reason when either step fails.
std::string podman_load(const std::string& file, const std::string& config_digest);

}  // namespace pare
