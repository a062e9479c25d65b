#include "build/output_dir.h"

#include <fcntl.h>
#include <linux/stat.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "common/error.h"
#include "common/name_encoding.h"
#include "image/image_source.h"

#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000  // Linux 5.8
#endif

namespace pare {

namespace fs = std::filesystem;

namespace {

bool same_object(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

bool is_under(const std::string& path, const std::string& dir) {
  return dir == "/" ? path != "/" : path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

// True when an ancestor of PATH (or PATH itself), by real path, is the object OBJ.
bool has_ancestor(fs::path path, const struct stat& obj) {
  while (true) {
    struct stat st;
    if (stat(path.c_str(), &st) == 0 && same_object(st, obj)) return true;
    if (!path.has_relative_path()) return false;
    path = path.parent_path();
  }
}

bool is_mount_point(const std::string& path) {
  struct statx stx;
  if (statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) == 0 &&
      (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
    return stx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
  // Older kernels: a mount root sits on another device than its parent.
  struct stat st, parent;
  std::string up = fs::path(path).parent_path().string();
  return lstat(path.c_str(), &st) == 0 && stat(up.c_str(), &parent) == 0 && st.st_dev != parent.st_dev;
}

}  // namespace

std::string normalize_output(const std::string& out, const std::string& src) {
  fs::path p = fs::absolute(out).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();  // "out/" -> "out"
  std::string s = p.string();
  auto refuse = [&](const std::string& why) { throw Error(kExitUsage, "refusing to write the output " + printable_name(s) + ": " + why); };
  std::error_code ec;
  std::string real = fs::weakly_canonical(p, ec).string();
  if (ec) refuse(ec.message());
  std::string cwd = fs::current_path().string();
  if (real == "/" || real == cwd || is_under(cwd, real)) refuse("it contains the working directory");
  if (src.empty()) return s;

  std::string src_path = source_file_path(src);
  struct stat src_st;
  if (src_path.empty() || stat(src_path.c_str(), &src_st) != 0) return s;  // a missing source is reported by the reader
  std::string src_real = fs::canonical(src_path, ec).string();
  if (ec) return s;
  if (real == src_real) refuse("it is the source " + printable_name(src_real));
  if (is_under(src_real, real)) refuse("it contains the source " + printable_name(src_real));
  // OUT inside the source would write into it; only the live root "/" is allowed to hold OUT.
  if (src_real != "/" && (is_under(real, src_real) || has_ancestor(real, src_st)))
    refuse("it is inside the source " + printable_name(src_real) + " (pare never writes into a source)");
  struct stat out_st;
  if (stat(real.c_str(), &out_st) == 0 && has_ancestor(src_real, out_st))
    refuse("it contains the source " + printable_name(src_real));
  return s;
}

void check_build_output(const std::string& out, bool force) {
  struct stat st;
  if (lstat(out.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    throw Error(kExitUsage, errno_message("cannot check the output " + printable_name(out), errno));
  }
  std::string name = printable_name(out);
  if (S_ISLNK(st.st_mode))
    throw Error(kExitUsage, "the output " + name + " is a symlink; name the directory it points to, or remove the link");
  if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
    throw Error(kExitUsage, "the output " + name + " exists and is not a directory or regular file; refusing to replace it");
  std::error_code ec;
  bool empty_dir = S_ISDIR(st.st_mode) && fs::is_empty(out, ec);
  if (is_mount_point(out))
    throw Error(kExitUsage, "the output " + name + " is a mount point; it cannot be replaced in one step (write elsewhere)");
  if (!empty_dir && !force)
    throw Error(kExitUsage, "the output " + name + " exists and is not empty (use --force to replace it)");
}

void check_not_inside_output(const std::string& file, const std::string& role, const std::string& out) {
  if (file.empty() || file == "-") return;
  std::error_code ec;
  std::string real = fs::weakly_canonical(fs::absolute(file), ec).string();
  std::string out_real = fs::weakly_canonical(out, ec).string();
  if (real == out_real || is_under(real, out_real))
    throw Error(kExitUsage, role + " " + printable_name(file) + " is inside the output " + printable_name(out) +
                                " (publishing the output would replace it)");
}

void publish_output(const std::string& from, const std::string& out) {
  if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, out.c_str(), RENAME_NOREPLACE) == 0) return;
  if (errno != EEXIST) throw Error(kExitFailure, errno_message("cannot move the result to " + printable_name(out), errno));
  // The old OUT goes to FROM in the same step: there is never a moment with no OUT.
  if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, out.c_str(), RENAME_EXCHANGE) != 0)
    throw Error(kExitFailure, errno_message("cannot replace " + printable_name(out), errno));
}

}  // namespace pare
