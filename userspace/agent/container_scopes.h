// The agent's scopes: one per container mount namespace, keyed on the
// namespace inode every kernel record carries (pare_event.mntns). A scope is
// made the moment the first record of an unknown namespace arrives (the
// kernel scopes a namespace at its first exec: bpf/pare.bpf.c pare_exec), is
// *pending* until the engine names the container it belongs to (claimed), and
// is dropped when it ends: its state (the aggregated records) is freed then,
// so memory follows the containers alive, not the containers ever seen.
// A namespace no engine claims (a systemd service's private namespace, a
// container of another engine) is *ignored*: remembered, with its first
// process, only until that process exits.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/container_engine.h"
#include "aggregate/aggregator.h"
#include "decode/event.h"

namespace pare {

struct ContainerScope {
  ContainerScope() = default;
  ~ContainerScope();
  ContainerScope(const ContainerScope&) = delete;
  ContainerScope& operator=(const ContainerScope&) = delete;

  uint32_t mntns = 0;
  pid_t init = 0;         // its first process (a container's pid 1), or the engine's init pid
  int pidfd = -1;         // pidfd of INIT: readable once it has exited (its pid namespace is gone then)
  int root_fd = -1;       // O_PATH of /proc/INIT/root, held so the closure can run after the container ended
  std::string cgroup_id;  // the container id in INIT's cgroup path, read at first sight
  std::optional<ContainerFacts> container;  // set when an engine claimed the scope
  bool ended = false;
  bool adopted = false;   // running before pare scoped it: its start-up was not seen
  std::chrono::steady_clock::time_point first_seen = std::chrono::steady_clock::now();
  std::string started_at;  // RFC 3339: when pare scoped it
  std::string ended_at;
  struct timespec since = {};  // paths born after this were made by the container
  std::map<std::string, uint64_t> drops_at_start;  // the kernel's global drop counters when it was scoped
  Aggregator agg;
  uint64_t records_at_flush = 0;  // agg's record count at the last flush: nothing new, no flush

  bool claimed() const { return container.has_value() && !container->image_digest.empty(); }
  // Opens INIT's pidfd and root and reads its cgroup. False when PID is gone.
  bool attach(pid_t pid);
  // True once INIT has exited (or could never be watched).
  bool init_exited() const;
};

class ContainerScopes {
 public:
  // HOST_MNTNS: namespaces that are never a container (the host's, pare's own).
  // MAX_SCOPES bounds the scopes alive at once, pending or claimed.
  explicit ContainerScopes(std::set<uint32_t> host_mntns, size_t max_scopes = 1000);
  ~ContainerScopes();

  // The scope of record EV, made (pending) when its namespace is new; nullptr
  // for the host's and ignored namespaces and when MAX_SCOPES are alive (counted).
  ContainerScope* route(const Event& ev);
  // Scopes made since the last call (their namespaces), for the caller to attach and name.
  std::vector<uint32_t> take_fresh();

  ContainerScope* find(uint32_t mntns);
  // Pending scopes whose cgroup names container ID.
  std::vector<ContainerScope*> find_by_cgroup_id(const std::string& id);
  // A scope made by the caller for a namespace it found (a container already running).
  ContainerScope& adopt(uint32_t mntns);
  // Ends a scope and frees its state.
  void remove(uint32_t mntns);
  // Drops a pending scope and ignores its namespace until its first process exits.
  void ignore(uint32_t mntns);
  // Ignored namespaces whose first process has exited: forgotten here; the
  // caller forgets them in the kernel's map too (an inode number is reused).
  std::vector<uint32_t> expire_ignored();
  bool is_ignored(uint32_t mntns) const { return ignored_.count(mntns) != 0; }

  std::map<uint32_t, std::unique_ptr<ContainerScope>>& all() { return scopes_; }
  uint64_t overflow() const { return overflow_; }

 private:
  std::set<uint32_t> host_;
  size_t max_;
  std::map<uint32_t, std::unique_ptr<ContainerScope>> scopes_;
  std::map<uint32_t, int> ignored_;  // namespace -> pidfd of its first process (-1: none)
  std::vector<uint32_t> fresh_;
  uint64_t overflow_ = 0;
};

// /proc/PID/cgroup's container id (see container_id_from_cgroup); "" if none.
std::string cgroup_container_id(pid_t pid);

}  // namespace pare
