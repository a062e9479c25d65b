#include "probe/probes.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "decode/event.h"
#include "pare.skel.h"

namespace pare {

namespace {

constexpr uint32_t kAgentRingBytes = 32u << 20;  // power of two, page multiple (BPF ringbuf rules)
constexpr uint32_t kAgentSeenSlots = 1u << 20;   // power of two: the programs mask with slots - 1

std::string g_last_libbpf_error;

int libbpf_log(enum libbpf_print_level level, const char* fmt, va_list args) {
  char buf[1024];
  vsnprintf(buf, sizeof buf, fmt, args);
  std::string line(buf);
  while (!line.empty() && line.back() == '\n') line.pop_back();
  if (level == LIBBPF_WARN) {
    g_last_libbpf_error = line;
    spdlog::debug("libbpf: {}", line);
  } else if (level == LIBBPF_INFO) {
    spdlog::debug("libbpf: {}", line);
  }
  return 0;
}

int on_ring_record(void* ctx, void* data, size_t size) {
  (*static_cast<Probes::RecordHandler*>(ctx))(data, size);
  return 0;
}

[[noreturn]] void fail_env(const std::string& what, int err) {
  std::string msg = what + ": " + std::strerror(err < 0 ? -err : err);
  if (!g_last_libbpf_error.empty()) msg += " (libbpf: " + g_last_libbpf_error + ")";
  throw Error(kExitEnvironment, msg);
}

constexpr size_t kSyscallWords = 8;  // PARE_SYSCALL_WORDS (bpf/maps.bpf.h)

// One bitmap per CPU (syscalls_seen, mntns_syscalls): OR them together.
std::set<uint32_t> read_syscall_bits(int map_fd, uint32_t key) {
  int ncpu = libbpf_num_possible_cpus();
  std::vector<uint64_t> values(static_cast<size_t>(ncpu > 0 ? ncpu : 1) * kSyscallWords);
  std::set<uint32_t> out;
  if (bpf_map_lookup_elem(map_fd, &key, values.data()) != 0) return out;
  for (size_t cpu = 0; cpu < values.size() / kSyscallWords; ++cpu)
    for (uint32_t w = 0; w < kSyscallWords; ++w)
      for (uint32_t b = 0; b < 64; ++b)
        if (values[cpu * kSyscallWords + w] >> b & 1) out.insert(w * 64 + b);
  return out;
}

}  // namespace

std::string vmlinux_btf_path() {
  const char* env = std::getenv("PARE_VMLINUX_BTF");
  return env && *env ? env : "/sys/kernel/btf/vmlinux";
}

void check_tracing_environment() {
  if (geteuid() != 0)
    throw Error(kExitEnvironment, "must run as root: loading eBPF probes needs CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN");
  std::string btf = vmlinux_btf_path();
  if (access(btf.c_str(), R_OK) != 0)
    throw Error(kExitEnvironment, "the kernel has no BTF (" + btf +
                                      " missing): use a kernel built with CONFIG_DEBUG_INFO_BTF=y");
  if (access("/sys/kernel/tracing/events", F_OK) != 0 && access("/sys/kernel/debug/tracing/events", F_OK) != 0) {
    // tp_btf programs do not need tracefs, but say what we did.
    if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, nullptr) == 0)
      spdlog::info("mounted tracefs on /sys/kernel/tracing");
  }
}

Probes::Probes(RecordHandler on_record, bool every_hit, std::vector<uint32_t> agent_host_mntns)
    : on_record_(std::move(on_record)), agent_(!agent_host_mntns.empty()) {
  libbpf_set_print(libbpf_log);
  std::string btf = vmlinux_btf_path();
  LIBBPF_OPTS(bpf_object_open_opts, open_opts);
  if (btf != "/sys/kernel/btf/vmlinux") open_opts.btf_custom_path = btf.c_str();
  skel_ = pare_bpf__open_opts(&open_opts);
  if (!skel_) fail_env("cannot open the BPF object", errno);
  skel_->rodata->pare_every_hit = every_hit ? 1 : 0;  // read-only after load: the verifier prunes the dead branch
  skel_->rodata->pare_agent = agent_ ? 1 : 0;
  for (size_t i = 0; i < agent_host_mntns.size() && i < 2; ++i) skel_->rodata->pare_host_mntns[i] = agent_host_mntns[i];
  // The agent records a whole node: bursts from many containers at once.
  if (agent_) {
    bpf_map__set_max_entries(skel_->maps.events, kAgentRingBytes);
    // Many containers' keys in one dedup table (bpf/maps.bpf.h, seen).
    bpf_map__set_max_entries(skel_->maps.seen, kAgentSeenSlots);
    skel_->rodata->pare_seen_mask = kAgentSeenSlots - 1;
  }
  int err = pare_bpf__load(skel_);
  if (err) {
    pare_bpf__destroy(skel_);
    skel_ = nullptr;
    fail_env("the kernel refused pare's BPF programs (is this kernel >= 5.17 with BTF and tp_btf?)", err);
  }
  err = pare_bpf__attach(skel_);
  if (err) {
    pare_bpf__destroy(skel_);
    skel_ = nullptr;
    fail_env("cannot attach pare's tracepoints (sys_enter/sys_exit, sched_process_*)", err);
  }
  ring_ = ring_buffer__new(bpf_map__fd(skel_->maps.events), on_ring_record, &on_record_, nullptr);
  if (!ring_) {
    int e = errno;
    pare_bpf__destroy(skel_);
    skel_ = nullptr;
    fail_env("cannot open the ring buffer", e);
  }
  spdlog::info("probes attached");
}

Probes::~Probes() {
  if (ring_) ring_buffer__free(ring_);
  if (skel_) pare_bpf__destroy(skel_);
}

void Probes::trace_tgid(uint32_t tgid, bool wait_exec) {
  uint32_t flags = wait_exec ? PARE_SCOPE_WAIT_EXEC : 0;
  if (bpf_map_update_elem(bpf_map__fd(skel_->maps.traced), &tgid, &flags, BPF_ANY) != 0)
    throw Error(kExitFailure, errno_message("cannot add pid " + std::to_string(tgid) + " to the traced set", errno));
  scope_changed();
}

// The programs remember scope answers per CPU until the generation moves
// (bpf/maps.bpf.h, scope_memo): bumped after every change to `traced`.
void Probes::scope_changed() { __atomic_fetch_add(&skel_->bss->scope_generation, 1, __ATOMIC_SEQ_CST); }

void Probes::trace_mount_namespace(uint32_t inum) {
  uint32_t state = PARE_MNTNS_TRACED;
  if (bpf_map_update_elem(bpf_map__fd(skel_->maps.traced_mntns), &inum, &state, BPF_ANY) != 0)
    throw Error(kExitFailure, errno_message("cannot add a mount namespace to the scope", errno));
  if (agent_) {
    // A zeroed bitmap on every CPU (a user-space update writes all of them).
    std::vector<uint64_t> zeros(static_cast<size_t>(std::max(libbpf_num_possible_cpus(), 1)) * kSyscallWords);
    bpf_map_update_elem(bpf_map__fd(skel_->maps.mntns_syscalls), &inum, zeros.data(), BPF_NOEXIST);
  }
}

void Probes::ignore_mount_namespace(uint32_t inum) {
  uint32_t state = PARE_MNTNS_IGNORED;
  bpf_map_update_elem(bpf_map__fd(skel_->maps.traced_mntns), &inum, &state, BPF_ANY);
  bpf_map_delete_elem(bpf_map__fd(skel_->maps.mntns_syscalls), &inum);
}

void Probes::forget_mount_namespace(uint32_t inum) {
  bpf_map_delete_elem(bpf_map__fd(skel_->maps.traced_mntns), &inum);
  bpf_map_delete_elem(bpf_map__fd(skel_->maps.mntns_syscalls), &inum);
}

std::map<uint32_t, uint32_t> Probes::mount_namespaces() const {
  std::map<uint32_t, uint32_t> out;
  int fd = bpf_map__fd(skel_->maps.traced_mntns);
  uint32_t key, next, value;
  for (uint32_t* prev = nullptr; bpf_map_get_next_key(fd, prev, &next) == 0 && out.size() < (1u << 16); prev = &key) {
    if (bpf_map_lookup_elem(fd, &next, &value) == 0) out[next] = value;
    key = next;
  }
  return out;
}

std::set<uint32_t> Probes::mount_namespace_syscalls(uint32_t inum) const {
  return read_syscall_bits(bpf_map__fd(skel_->maps.mntns_syscalls), inum);
}

void Probes::untrace_tgid(uint32_t tgid) {
  bpf_map_delete_elem(bpf_map__fd(skel_->maps.traced), &tgid);
  scope_changed();
}

bool Probes::is_traced(uint32_t tgid) const {
  uint32_t v;
  return bpf_map_lookup_elem(bpf_map__fd(skel_->maps.traced), &tgid, &v) == 0;
}

bool Probes::scope_empty() const {
  uint32_t key;
  return bpf_map_get_next_key(bpf_map__fd(skel_->maps.traced), nullptr, &key) != 0;
}

std::vector<uint32_t> Probes::traced_tgids() const {
  std::vector<uint32_t> out;
  int fd = bpf_map__fd(skel_->maps.traced);
  uint32_t key, next;
  for (uint32_t* prev = nullptr; bpf_map_get_next_key(fd, prev, &next) == 0 && out.size() < (1u << 22); prev = &key) {
    out.push_back(next);
    key = next;
  }
  return out;
}

int Probes::poll(int timeout_ms) {
  int n = ring_buffer__poll(ring_, timeout_ms);
  if (n < 0 && n != -EINTR) throw Error(kExitFailure, errno_message("ring buffer poll failed", -n));
  // Records below the kernel's wakeup batch (bpf/record.bpf.h) raise no
  // epoll event: the timeout is when they are taken.
  if (n <= 0) n = ring_buffer__consume(ring_);
  return n < 0 ? 0 : n;
}

void Probes::drain() { ring_buffer__consume(ring_); }

std::set<uint32_t> Probes::syscalls() const { return read_syscall_bits(bpf_map__fd(skel_->maps.syscalls_seen), 0); }

std::map<std::string, uint64_t> Probes::drops() const {
  std::map<std::string, uint64_t> out;
  int ncpu = libbpf_num_possible_cpus();
  std::vector<uint64_t> values(ncpu > 0 ? ncpu : 1);
  for (uint32_t type = PARE_EV_EXEC; type < PARE_EV_MAX; ++type) {
    uint64_t sum = 0;
    if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.drops), &type, values.data()) == 0)
      for (auto v : values) sum += v;
    out[event_type_name(type)] = sum;
  }
  return out;
}

}  // namespace pare
