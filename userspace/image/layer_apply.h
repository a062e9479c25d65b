// Applies one layer tar onto a rootfs being built, the way container engines
// stack layers: first the layer's whiteouts (".wh.NAME" removes NAME,
// ".wh..wh..opq" empties its directory) act on what the lower layers left,
// then the layer's other entries are extracted over it.
//
// The layer is untrusted and this runs as root. Nothing outside the rootfs is
// ever read, written or removed: names are cleaned first (".." refused,
// absolute names taken as relative to the rootfs), every lookup goes through
// openat2(RESOLVE_IN_ROOT|RESOLVE_NO_SYMLINKS), and an entry, hard link target
// or whiteout whose path goes through a symlink is refused with an Error (a
// symlink is only ever replaced when it is itself the entry's last component).
// libarchive's SECURE_SYMLINKS/NODOTDOT/NOABSOLUTEPATHS checks stay on as a
// second line.
#pragma once

#include <string>

namespace pare {

class UnpackBudget;

// Applies the tar (plain or compressed) at LAYER_PATH onto the directory
// ROOT_FD. WHAT names the layer in error messages. Device nodes and sockets are
// skipped with a warning. Temporarily changes the process's working directory
// to ROOT_FD (libarchive extracts relative to it) and restores it. Every byte
// written is charged to BUDGET first (see unpack_budget.h); a layer whose
// headers already declare more than fits is refused before it is applied.
// Throws Error(kExitBadInput) for a malformed or unsafe layer or one over
// --max-unpacked-size, Error(kExitFailure) when the disk refuses a write or
// would be filled.
void apply_layer(const std::string& layer_path, int root_fd, const std::string& what, UnpackBudget& budget);
// The same with a budget of its own: the default --max-unpacked-size and
// ROOT_FD's filesystem's free space.
void apply_layer(const std::string& layer_path, int root_fd, const std::string& what);

}  // namespace pare
