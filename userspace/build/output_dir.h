// Where `pare build` and `pare slim` put their result (OUT: a directory, or an
// oci-archive file) and how it gets there. OUT is decided and checked before
// any work: never the source, never holding it, never inside it (except for a
// source that is the live root "/", which holds everything), never a mount
// point to be replaced, never a symlink. These checks use real paths and
// device/inode identity, so no spelling (symlinks, "..", bind mounts) gets
// around them. The result is built in a scratch sibling and published in one
// step: renameat2(RENAME_NOREPLACE) for a new OUT, RENAME_EXCHANGE for
// --force (the old tree is removed only after the new one is in place).
#pragma once

#include <string>

namespace pare {

// OUT as an absolute path without a trailing slash, checked against SRC (the
// --from argument, possibly DIR:TAG or FILE:REPO:TAG). Throws Error(kExitUsage).
std::string normalize_output(const std::string& out, const std::string& src);

// Refuses an OUT that exists and is not an empty directory unless FORCE, and
// with FORCE a mount point, a symlink or anything but a directory or regular file.
void check_build_output(const std::string& out, bool force);

// Refuses a side output (--report, --save-manifest) inside OUT: publishing
// OUT would swallow it.
void check_not_inside_output(const std::string& file, const std::string& role, const std::string& out);

// Moves the finished FROM (a directory or file on OUT's filesystem) to OUT.
// An existing OUT is exchanged atomically and its old content is left at
// FROM for the caller's scratch clean-up to remove.
void publish_output(const std::string& from, const std::string& out);

}  // namespace pare
