#include "support/podman_store.h"

#include <sys/mount.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace test {

namespace {

const std::string kPodman = "/usr/bin/podman";

// Mount points at or under DIR, deepest first (from /proc/self/mountinfo).
std::vector<std::string> mounts_under(const std::string& dir) {
  std::ifstream in("/proc/self/mountinfo");
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string id, parent, devno, root, point;
    f >> id >> parent >> devno >> root >> point;
    if (point == dir || point.rfind(dir + "/", 0) == 0) out.push_back(point);
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return out;
}

}  // namespace

PodmanStore::PodmanStore(bool events) {
  INFO("podman is not installed: run tools/setup");
  REQUIRE(std::filesystem::exists(kPodman));
  std::string d = dir_.path();
  dir_.write("storage.conf", "[storage]\ndriver = \"overlay\"\ngraphroot = \"" + d + "/root\"\nrunroot = \"" + d +
                                 "/run\"\n");
  // tmp_dir: podman's runtime state would otherwise be shared in /run/libpod;
  // events: never to the host's journal (none, or a file of the store).
  std::string logger = events ? "events_logger = \"file\"\nevents_logfile_path = \"" + d + "/events.log\"\n"
                              : "events_logger = \"none\"\n";
  dir_.write("containers.conf", "[containers]\ndefault_ulimits = []\n\n[engine]\ntmp_dir = \"" + d + "/tmp\"\n" + logger);
  env_ = {{"CONTAINERS_STORAGE_CONF", d + "/storage.conf"},
          {"CONTAINERS_CONF", d + "/containers.conf"},
          {"HOME", d},
          {"TMPDIR", dir_.mkdir("tmpdir")}};
}

PodmanStore::~PodmanStore() {
  podman({"rm", "--all", "--force", "--time", "0"});
  podman({"rmi", "--all", "--force"});
  for (const std::string& m : mounts_under(dir_.path())) umount2(m.c_str(), MNT_DETACH);
}

RunResult PodmanStore::podman(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{kPodman};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, env_);
}

void PodmanStore::import(const std::string& rootfs, const std::string& name) const {
  RunResult r = run({"/bin/sh", "-c", "tar -C \"$1\" -c . | " + kPodman + " import --quiet - \"$2\"", "sh", rootfs, name},
                    env_);
  INFO("podman import: " << r.err);
  REQUIRE(r.exit_code == 0);
}

void PodmanStore::run_detached(const std::string& name, const std::string& image,
                               const std::vector<std::string>& args) const {
  std::vector<std::string> a{"run", "-d", "--network", "host", "--name", name, image};
  a.insert(a.end(), args.begin(), args.end());
  RunResult r = podman(a);
  INFO("podman run: " << r.err);
  REQUIRE(r.exit_code == 0);
}

std::string PodmanStore::loaded_image(const std::string& load_output) {
  std::string s = load_output;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  s = s.substr(s.rfind('\n') == std::string::npos ? 0 : s.rfind('\n') + 1);
  size_t colon = s.find(": ");
  return colon == std::string::npos ? s : s.substr(colon + 2);
}

}  // namespace test
