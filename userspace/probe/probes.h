// The loaded BPF side: open, load, attach, poll, read counters, destroy — the
// libbpf-bootstrap sequence behind one object. Construction fails with an
// Error(kExitEnvironment) that says what the machine lacks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

struct pare_bpf;
struct ring_buffer;

namespace pare {

class Probes {
 public:
  using RecordHandler = std::function<void(const void* data, size_t size)>;

  // EVERY_HIT: no in-kernel dedup; each repeated access is a record (audit --all).
  // AGENT_HOST_MNTNS non-empty: the node agent's mode (bpf/maps.bpf.h
  // pare_agent): the first exec in any mount namespace other than these (at
  // most two: the host's and pare's own) puts that namespace in scope, and
  // syscalls are kept per namespace.
  explicit Probes(RecordHandler on_record, bool every_hit = false, std::vector<uint32_t> agent_host_mntns = {});
  ~Probes();
  Probes(const Probes&) = delete;
  Probes& operator=(const Probes&) = delete;

  // Put a process (and, through the fork probe, its future children) in scope.
  // WAIT_EXEC: record nothing from it until its next exec (a runtime's init).
  void trace_tgid(uint32_t tgid, bool wait_exec = false);
  // Every process that execs inside mount namespace INUM joins the scope.
  void trace_mount_namespace(uint32_t inum);
  bool is_traced(uint32_t tgid) const;
  // Agent: the namespace is no container; its processes never join again.
  void ignore_mount_namespace(uint32_t inum);
  // Agent: the namespace is done with (its container ended): out of both maps.
  void forget_mount_namespace(uint32_t inum);
  // Agent: every namespace in the map, with its PARE_MNTNS_* state.
  std::map<uint32_t, uint32_t> mount_namespaces() const;
  // Agent: syscall numbers made in namespace INUM so far.
  std::set<uint32_t> mount_namespace_syscalls(uint32_t inum) const;
  void untrace_tgid(uint32_t tgid);
  // True when no process is in scope any more (the tree has exited).
  bool scope_empty() const;
  // Every process in scope now (to stop the ones that left the process group).
  std::vector<uint32_t> traced_tgids() const;
  // Deliver ready records to the handler; waits up to timeout_ms. Returns records handled.
  int poll(int timeout_ms);
  // Deliver everything still in the ring buffer.
  void drain();
  // Syscall numbers (native architecture) the scope made so far.
  std::set<uint32_t> syscalls() const;
  // Drop counters summed over CPUs, by event type name.
  std::map<std::string, uint64_t> drops() const;

 private:
  void scope_changed();
  pare_bpf* skel_ = nullptr;
  ring_buffer* ring_ = nullptr;
  RecordHandler on_record_;
  bool agent_ = false;
};

// BTF describing the running kernel: $PARE_VMLINUX_BTF, else /sys/kernel/btf/vmlinux.
std::string vmlinux_btf_path();

// Checks that make a clear error before libbpf's wall of text: root, BTF, tracefs.
void check_tracing_environment();

}  // namespace pare
