// A scratch directory next to a destination (same filesystem, so results can
// be renamed into place), removed with everything in it on every exit path.
#pragma once

#include <string>

namespace pare {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& near);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace pare
