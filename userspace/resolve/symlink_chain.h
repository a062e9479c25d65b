// Resolve a requested path inside a root the way the kernel would, one
// component at a time, and keep every symlink met on the way: `/lib` ->
// `usr/lib`, `/usr/bin/python3` -> `python3.11`, `/etc/alternatives/*`.
// A minimal image needs each of those links, not only the final file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "resolve/root_fs.h"

namespace pare {

struct SymlinkHop {
  std::string link;    // physical path of the symlink inside the root
  std::string target;  // its target text as stored
};

struct Resolution {
  std::string path;              // physical path reached (lexical tail when it does not exist)
  std::vector<SymlinkHop> hops;  // every symlink followed, in order
  bool exists = false;           // the final path exists
  bool loop = false;             // more than 40 links: ELOOP, like the kernel
  unsigned mode = 0;             // st_mode of the path reached when it exists (its lstat; 0 otherwise)
};

// PATH is absolute, or relative to BASE (a physical directory path inside the
// root). FOLLOW_FINAL: whether a symlink as the last component is followed
// (false for lstat, readlink, O_NOFOLLOW).
Resolution resolve_in_root(const RootFs& fs, const std::string& path, const std::string& base = "/",
                           bool follow_final = true);

// "/a/b/c" -> "/a/b"; "/a" -> "/". For absolute paths.
std::string parent_path(const std::string& path);
// "/a/b/c" -> "c".
std::string base_name(const std::string& path);

// Calls F with each non-empty component of PATH, in order, as a view into
// it: "/a//b/c" -> "a", "b", "c". No allocation (the resolver's hot path).
template <typename F>
void for_each_component(std::string_view path, F&& f) {
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) f(path.substr(i, j - i));
    i = j + 1;
  }
}

// "/a//b/c" -> {"a", "b", "c"}: the non-empty components of a path.
std::vector<std::string> path_components(const std::string& path);

// "/a/./b//c/../d" -> "/a/b/d" without touching the filesystem.
std::string lexical_normalize(const std::string& path);

}  // namespace pare
