// Names inside a layer tar, made safe before anything touches the disk: every
// entry name and hard link target becomes a clean path relative to the image
// root, and whiteout markers are recognised.
#pragma once

#include <string>
#include <utility>

namespace pare {

// NAME as a path relative to the image root: leading "/" and "./" dropped (an
// absolute name means the same place inside the image, as container engines
// treat it), "." components and repeated or trailing slashes removed. "" is the
// root itself. Throws Error(kExitBadInput) naming WHAT for a ".." component:
// an entry that climbs is never legitimate in a layer.
std::string clean_entry_path(const std::string& name, const std::string& what);

// {"a/b", "c"} for "a/b/c"; {"", "c"} for "c".
std::pair<std::string, std::string> split_parent(const std::string& clean);

enum class WhiteoutKind {
  kNone,     // an ordinary entry
  kRemove,   // DIR/.wh.NAME: remove DIR/NAME of the lower layers
  kOpaque,   // DIR/.wh..wh..opq: empty DIR of the lower layers' contents
  kIgnored,  // other DIR/.wh..wh.* (aufs bookkeeping): never extracted
};

struct Whiteout {
  WhiteoutKind kind = WhiteoutKind::kNone;
  std::string dir;   // the directory the marker applies to ("" = root)
  std::string name;  // kRemove: the single component to remove
};

// Classifies a clean entry path; throws Error(kExitBadInput) for a whiteout
// whose target name is not a single normal component (".wh.", ".wh..").
Whiteout classify_whiteout(const std::string& clean, const std::string& what);

}  // namespace pare
