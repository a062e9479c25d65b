// A private podman for one test: its own storage root, run root and temp dir
// in a temp directory (CONTAINERS_STORAGE_CONF, CONTAINERS_CONF), so a test
// never sees or touches the host's images and containers, and no rlimit
// change (`default_ulimits = []`: this machine cannot raise RLIMIT_NOFILE).
// Pass env() to test::run / run_pare so podman, and pare's own podman calls,
// use it. The destructor removes every container and image and unmounts
// whatever podman left mounted there before the directory goes.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "support/run_pare.h"

namespace test {

class PodmanStore {
 public:
  // REQUIREs that podman is installed (tools/setup). EVENTS: podman keeps
  // its events (in a file of the store) so `podman events` streams them;
  // otherwise they are not kept at all.
  explicit PodmanStore(bool events = false);
  ~PodmanStore();
  PodmanStore(const PodmanStore&) = delete;
  PodmanStore& operator=(const PodmanStore&) = delete;

  const std::map<std::string, std::string>& env() const { return env_; }
  // podman ARGS... in this store.
  RunResult podman(const std::vector<std::string>& args) const;
  // `podman import` of a tar of ROOTFS as image NAME; REQUIREs success.
  void import(const std::string& rootfs, const std::string& name) const;
  // `podman run -d --network host --name NAME IMAGE ARGS...`; REQUIREs success.
  void run_detached(const std::string& name, const std::string& image, const std::vector<std::string>& args) const;
  // The image podman reported in `podman load` output ("Loaded image: X").
  static std::string loaded_image(const std::string& load_output);

 private:
  TempDir dir_;
  std::map<std::string, std::string> env_;
};

}  // namespace test
