// A copy-on-write view of a directory: the app under test writes to the
// overlay's upper layer, so the source rootfs is never modified.
#pragma once

#include <string>

namespace pare {

class OverlayMount {
 public:
  // Mounts LOWER read-only under WORK/merged with WORK/upper and WORK/work.
  OverlayMount(const std::string& lower, const std::string& work);
  ~OverlayMount();  // unmounts
  OverlayMount(const OverlayMount&) = delete;
  OverlayMount& operator=(const OverlayMount&) = delete;
  const std::string& merged() const { return merged_; }

 private:
  std::string merged_;
  bool mounted_ = false;
};

}  // namespace pare
