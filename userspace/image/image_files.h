// Small file helpers shared by the image readers and writers: bounded reads of
// JSON documents from untrusted images, and scratch directories that vanish
// unless kept.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pare {

// Manifests, indexes and configs are small; a bigger "JSON" file is refused
// rather than read into memory.
constexpr size_t kMaxJsonBytes = 32u << 20;

// Contents of PATH, at most MAX_BYTES; throws Error(kExitBadInput) naming WHAT.
std::string read_small_file(const std::string& path, const std::string& what, size_t max_bytes = kMaxJsonBytes);

// Parses TEXT; throws Error(kExitBadInput) "WHAT: invalid JSON: ..." on failure.
nlohmann::json parse_json(const std::string& text, const std::string& what);

// A directory created next to something (mkdtemp PARENT/.NAME-XXXXXX), removed
// with everything in it on destruction unless release()d.
class ImageScratchDir {
 public:
  ImageScratchDir(const std::string& parent, const std::string& name);
  ~ImageScratchDir();
  ImageScratchDir(const ImageScratchDir&) = delete;
  ImageScratchDir& operator=(const ImageScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  void release() { path_.clear(); }

 private:
  std::string path_;
};

// Paths of everything under ROOT (relative, no "./", symlinks not followed),
// sorted bytewise so an archive never depends on on-disk directory order; a
// parent sorts before its children. Throws Error(kExitFailure).
std::vector<std::string> sorted_tree(const std::string& root);

// The directory that holds PATH ("a/b/" -> "a", "b" -> ".").
std::string parent_dir(const std::string& path);

}  // namespace pare
