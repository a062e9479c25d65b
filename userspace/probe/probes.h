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
  explicit Probes(RecordHandler on_record, bool every_hit = false);
  ~Probes();
  Probes(const Probes&) = delete;
  Probes& operator=(const Probes&) = delete;

  // Put a process (and, through the fork probe, its future children) in scope.
  // WAIT_EXEC: record nothing from it until its next exec (a runtime's init).
  void trace_tgid(uint32_t tgid, bool wait_exec = false);
  // Every process that execs inside mount namespace INUM joins the scope.
  void trace_mount_namespace(uint32_t inum);
  bool is_traced(uint32_t tgid) const;
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
  pare_bpf* skel_ = nullptr;
  ring_buffer* ring_ = nullptr;
  RecordHandler on_record_;
};

// BTF describing the running kernel: $PARE_VMLINUX_BTF, else /sys/kernel/btf/vmlinux.
std::string vmlinux_btf_path();

// Checks that make a clear error before libbpf's wall of text: root, BTF, tracefs.
void check_tracing_environment();

}  // namespace pare
