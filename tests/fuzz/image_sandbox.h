// A fresh directory tree per input for the image targets, laid out so that an
// escape has somewhere visible to land:
//
//   BOX/outside/canary   what no layer, link or whiteout may touch
//   BOX/input            the image file or layout made from the fuzz input
//   BOX/a/b/dest         the rootfs being unpacked (three levels deep, so
//                        "../../.." from it still lands inside BOX)
//
// check() then asserts that the unpack left nothing behind but DEST's
// contents (no scratch directories, no files beside DEST), that OUTSIDE is
// untouched, and that the working directory is back where it was.
#pragma once

#include <sys/stat.h>

#include <string>

namespace fuzz {

class ImageSandbox {
 public:
  ImageSandbox();   // a new BOX under scratch(); remembers the working directory
  ~ImageSandbox();  // restores the working directory, removes BOX
  ImageSandbox(const ImageSandbox&) = delete;
  ImageSandbox& operator=(const ImageSandbox&) = delete;

  const std::string& box() const { return box_; }
  std::string input() const { return box_ + "/input"; }
  std::string dest() const { return box_ + "/a/b/dest"; }
  std::string outside() const { return box_ + "/outside"; }

  // finding() unless everything outside DEST is as it was; WHAT names the call.
  void check(const std::string& what) const;

 private:
  std::string box_;
  int cwd_fd_ = -1;
  struct stat canary_ {};
};

}  // namespace fuzz
