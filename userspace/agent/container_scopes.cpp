#include "agent/container_scopes.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "common/timestamps.h"
#include "record/created_paths.h"

namespace pare {

namespace {

int open_pidfd(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

bool pidfd_exited(int fd) {
  if (fd < 0) return true;
  struct pollfd p = {fd, POLLIN, 0};
  return poll(&p, 1, 0) > 0;
}

}  // namespace

std::string cgroup_container_id(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cgroup");
  std::stringstream text;
  text << in.rdbuf();
  return container_id_from_cgroup(text.str());
}

ContainerScope::~ContainerScope() {
  if (pidfd >= 0) close(pidfd);
  if (root_fd >= 0) close(root_fd);
}

bool ContainerScope::attach(pid_t pid) {
  int pfd = open_pidfd(pid);
  if (pfd < 0) return false;
  // Opened after the pidfd: if PID was still PID then, this root is its own.
  int rfd = open(("/proc/" + std::to_string(pid) + "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  std::string cg = cgroup_container_id(pid);
  if (rfd < 0 || pidfd_exited(pfd)) {
    // Gone already (or recycled): keep what an earlier attach found.
    close(pfd);
    if (rfd >= 0) close(rfd);
    return false;
  }
  if (pidfd >= 0) close(pidfd);
  if (root_fd >= 0) close(root_fd);
  init = pid;
  pidfd = pfd;
  root_fd = rfd;
  if (!cg.empty()) cgroup_id = cg;
  return true;
}

bool ContainerScope::init_exited() const { return pidfd_exited(pidfd); }

ContainerScopes::ContainerScopes(std::set<uint32_t> host_mntns, size_t max_scopes)
    : host_(std::move(host_mntns)), max_(max_scopes) {}

ContainerScopes::~ContainerScopes() {
  for (auto& [ns, fd] : ignored_)
    if (fd >= 0) close(fd);
}

ContainerScope* ContainerScopes::route(const Event& ev) {
  auto it = scopes_.find(ev.mntns);
  if (it != scopes_.end()) {
    it->second->agg.add(ev);
    return it->second.get();
  }
  if (ev.mntns == 0 || host_.count(ev.mntns) || ignored_.count(ev.mntns)) return nullptr;
  if (scopes_.size() >= max_) {
    ++overflow_;
    return nullptr;
  }
  ContainerScope& s = adopt(ev.mntns);
  s.init = static_cast<pid_t>(ev.tgid);  // the first record of a namespace: its first exec
  fresh_.push_back(ev.mntns);
  s.agg.add(ev);
  return &s;
}

std::vector<uint32_t> ContainerScopes::take_fresh() {
  std::vector<uint32_t> out;
  out.swap(fresh_);
  return out;
}

ContainerScope* ContainerScopes::find(uint32_t mntns) {
  auto it = scopes_.find(mntns);
  return it == scopes_.end() ? nullptr : it->second.get();
}

std::vector<ContainerScope*> ContainerScopes::find_by_cgroup_id(const std::string& id) {
  std::vector<ContainerScope*> out;
  for (auto& [ns, s] : scopes_)
    if (!s->claimed() && !s->cgroup_id.empty() && s->cgroup_id == id) out.push_back(s.get());
  return out;
}

ContainerScope& ContainerScopes::adopt(uint32_t mntns) {
  auto& slot = scopes_[mntns];
  if (!slot) {
    slot = std::make_unique<ContainerScope>();
    slot->mntns = mntns;
    slot->started_at = utc_now();
    slot->since = coarse_now();
  }
  return *slot;
}

void ContainerScopes::remove(uint32_t mntns) { scopes_.erase(mntns); }

void ContainerScopes::ignore(uint32_t mntns) {
  auto it = scopes_.find(mntns);
  int fd = -1;
  if (it != scopes_.end()) {
    std::swap(fd, it->second->pidfd);  // kept to know when the namespace may be forgotten
    scopes_.erase(it);
  }
  if (ignored_.count(mntns)) {
    if (fd >= 0) close(fd);
    return;
  }
  ignored_[mntns] = fd;
}

std::vector<uint32_t> ContainerScopes::expire_ignored() {
  std::vector<uint32_t> out;
  for (auto it = ignored_.begin(); it != ignored_.end();) {
    if (pidfd_exited(it->second)) {
      if (it->second >= 0) close(it->second);
      out.push_back(it->first);
      it = ignored_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

}  // namespace pare
