// A walk of a directory tree on the host for sizes and listings: the size
// report's before/after figures and the package attribution's view of a built
// image.
//
// It walks with openat/fdopendir/fstatat relative to directory fds, with an
// explicit stack (no recursion), never follows a symlink below the root,
// stays on the root's filesystem (/proc, /sys and other mounts are not the
// image), and skips and counts entries that vanish while it runs (a live
// source).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace pare {

struct TreeSize {
  uint64_t files = 0;  // regular files, hard links once
  uint64_t bytes = 0;
  uint64_t entries = 0;   // everything, directories and links included
  uint64_t vanished = 0;  // listed, then gone before it could be stat'ed or opened
};

struct TreeEntry {
  char type = 'o';     // 'f' regular file, 'd' directory, 'l' symlink, 'o' anything else
  uint64_t size = 0;   // st_size
  int64_t mtime = 0;   // seconds
};

struct TreeScan {
  TreeSize size;
  std::map<std::string, uint64_t> files;  // "/path" inside the tree -> bytes (first name of a hard link)
  std::map<std::string, TreeEntry> entries;  // every name below the root, when asked for (hard links: each name)
};

// Tests: called with a directory's path inside the tree ("/usr") right
// before it is opened, to change the tree at the moment a live one could.
using ScanHook = std::function<void(const std::string& dir)>;

// Walks ROOT as described above; LIST_ENTRIES also fills TreeScan::entries.
// A ROOT that cannot be opened gives an empty scan.
TreeScan scan_tree(const std::string& root, const ScanHook& before_opening = {}, bool list_entries = false);

}  // namespace pare
