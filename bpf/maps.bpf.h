/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Every map the programs share. Sizes are tuned for a recording session,
 * not for a whole host: the scope is one process tree. */
#ifndef PARE_MAPS_BPF_H
#define PARE_MAPS_BPF_H

#include "pare_events.h"

/* Record scratch: a record is built here, then copied to the ring buffer with
 * bpf_ringbuf_output() at its real length (variable-length records). 32 KiB is
 * the per-CPU value limit and leaves room for the masked offsets the verifier needs. */
#define REC_BUF_SIZE 32768
#define REC_OFF_MASK 0x3fff   /* string offsets stay below 16 KiB */
#define STR_LEN_MASK 0xfff    /* a copied string is at most 4095 bytes + NUL fits */

/* Path walk scratch: components are written backwards into the first half. */
#define WALK_HALF 4096
#define WALK_BUF_SIZE (2 * WALK_HALF)

/* Syscall arguments, decoded from pt_regs at sys_exit. */
struct call_args {
	__u64 path;   /* user pointer to the path argument */
	__u64 aux;    /* open flags / access mode */
	__u32 id;     /* syscall number */
	__s32 dirfd;  /* or the fd an mmap or getdents used */
	__u32 at_flags; /* AT_* flags of the *at syscalls */
	__u32 type;   /* PARE_EV_* of the record it makes */
};

/* DATA holds the record being built; CALL and PTR_SLOT are scratch cells the
 * verifier sees as plain memory (see decode_args and ptr_value). TASK is the
 * record's task (current) as a number, for walk_path, which takes its
 * pointers as numbers (a global function) and would otherwise pay a helper
 * call to fetch it again. */
#define REC_DATA_SIZE (REC_BUF_SIZE - 64)
struct rec_buf {
	char data[REC_DATA_SIZE];
	struct call_args call;
	__u64 ptr_slot;
	__u64 task;
};
struct walk_buf { char data[WALK_BUF_SIZE]; };

/* Dedup key: a (scope, object, name, kind) already reported is not walked again. */
struct dedup_key {
	__u64 scope;  /* task's fs->root dentry: the same inode under another root is another path */
	__u64 obj;    /* inode number, or base dir dentry for name-only records */
	__u64 hash;   /* FNV-1a of the requested path (0 when there is none) */
	__u32 dev;
	__u32 kind;   /* event type | access class << 8 | errno << 16 */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);   /* tgid */
	__type(value, __u32); /* PARE_SCOPE_* flags */
} traced SEC(".maps");

/* Mount namespaces in scope: a process that execs inside one of them joins
 * the scope (`runc exec`, `docker exec`), whoever its parent is. 1024: the
 * agent scopes every container of a node at once (and remembers the private
 * namespaces it found to be no container, PARE_MNTNS_IGNORED, until they die). */
#define PARE_MAX_MNTNS 1024
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PARE_MAX_MNTNS);
	__type(key, __u32);   /* mnt namespace inode number */
	__type(value, __u32); /* PARE_MNTNS_* */
} traced_mntns SEC(".maps");

/* pare agent: which syscalls each container made, one bitmap per mount
 * namespace (the global syscalls_seen cannot tell containers apart). Per-CPU,
 * so setting a bit needs no atomics; an entry exists only for a namespace in
 * scope (made with its traced_mntns entry) and is read and deleted by
 * userspace when the container ends. Used only when pare_agent is set.
 * (Declared below, after struct syscall_bits.) */


/* Dedup table: direct-mapped, one 64-bit fingerprint of a dedup_key per slot.
 * A lookup is an inlined array access and a compare (an LRU hash lookup of the
 * 32-byte key cost several times more on the open() hot path). A slot taken by
 * another key only means that key is reported again (userspace dedups again);
 * a false "seen" needs two live keys with the same 64-bit fingerprint.
 * 2^16 slots (512 KiB) for one recorded tree: a workload of distinct files
 * (tar) makes every lookup a miss, and an 8 MiB table made each of them a
 * cache and TLB miss (BPF time in tar's context 203 ms at 2^20, 176 at 2^16
 * and 2^14). The node agent, which serves every container of a node at once,
 * sets 2^20 before load (max_entries and pare_seen_mask together). */
#define SEEN_SLOTS (1u << 16)
const volatile __u32 pare_seen_mask = SEEN_SLOTS - 1;
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SEEN_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

/* The cwd of a task at chdir() entry, so that the relative name it passed is
 * resolved against the directory it was relative to, not the one it moved to.
 * Only sys_enter_chdir writes it (chdir is rare): no cost on other syscalls. */
struct chdir_base {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64); /* pid_tgid */
	__type(value, struct chdir_base);
} chdir_bases SEC(".maps");

/* Which syscalls the scope made (the seccomp allowlist): one bit per number,
 * per CPU so that setting a bit needs no atomics; userspace ORs the CPUs
 * together at the end. No record is sent per syscall. */
#define PARE_SYSCALL_WORDS 8 /* 512 numbers: x86_64 stops below 470 */
struct syscall_bits {
	__u64 w[PARE_SYSCALL_WORDS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct syscall_bits);
} syscalls_seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, PARE_MAX_MNTNS);
	__type(key, __u32);   /* mnt namespace inode number */
	__type(value, struct syscall_bits);
} mntns_syscalls SEC(".maps");

/* Set by userspace before load. pare_agent: the node agent — every process
 * that execs in a mount namespace that is neither pare's own nor the host's
 * (pare_host_mntns) joins the scope, and syscalls are kept per namespace.
 * Read-only after load: for record/audit/slim the verifier drops this code. */
const volatile __u32 pare_agent = 0;
const volatile __u32 pare_host_mntns[2] = {0, 0};

/* The consumer is woken each time the data waiting crosses another 256 KiB
 * (an 8 MiB ring: far from full), and each 16 KiB once 1 MiB waits (see
 * record_submit). */
#define RING_WAKEUP_SHIFT 18
#define RING_LAGGING_BYTES (1024 * 1024)
#define RING_LAGGING_WAKEUP_SHIFT 14
/* 8 MiB for one recorded tree: a tar of 57k files or a storm of 10^4 execs
 * never fills a quarter of it (bench/run counts drops), and its pages are
 * mapped twice into pare, so every MiB here is two of pare's RSS. The node
 * agent, which serves every container at once, enlarges it before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 * 1024 * 1024);
} events SEC(".maps");

/* Per-CPU drop counters indexed by event type. Userspace sums the CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PARE_EV_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rec_buf);
} rec_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct walk_buf);
} walk_scratch SEC(".maps");

/* The directory of the last walk's target on this CPU (the target itself, or
 * its parent), with its path (see path_walk.bpf.h). The pointers are
 * identities to compare, never followed. */
struct dir_cache {
	__u64 dentry;
	__u64 mnt;
	__u64 root_dentry; /* the walking task's root then: a chroot sees another path */
	__u64 root_mnt;
	__u64 parent;      /* dentry's d_parent then: a rename moves it... */
	__u64 hash_len;    /* ...or renames it (d_name's hash and length) */
	__u64 ino;         /* its inode's number and device then: a dentry (or its */
	__u32 dev;         /* parent) freed and reused at the same address is another directory */
	__u32 _pad0;
	__u64 epoch;       /* path_epoch then */
	__u32 len;         /* bytes of path, no NUL; 0: empty */
	__u32 _pad;
	char path[WALK_HALF];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dir_cache);
} dir_cache SEC(".maps");

/* Moves whenever a syscall of the host has given a directory another path
 * (rename, rmdir, mount and friends): a cached path filled before the last move
 * is not used. Bumped at the call's exit (sys_exit), after the kernel moved the
 * dentry: in the microseconds between the two, a walk on another CPU may still
 * answer with the old path, as one racing with the move itself may. (A bump at
 * each call's entry too would close that gap, but it takes a syscall
 * tracepoint per call, and each costs ~75 ms of synchronisation to detach.) */
__u64 path_epoch;

static __always_inline void path_changed(void)
{
	__sync_fetch_and_add(&path_epoch, 1);
}

static __always_inline void count_drop(__u32 type)
{
	__u64 *n = bpf_map_lookup_elem(&drops, &type);
	if (n)
		__sync_fetch_and_add(n, 1);
}

static __always_inline int is_traced(__u32 tgid)
{
	return bpf_map_lookup_elem(&traced, &tgid) != 0;
}

/* In scope and recording: not waiting for its first exec. */
static __always_inline int is_recording(__u32 tgid)
{
	__u32 *flags = bpf_map_lookup_elem(&traced, &tgid);
	return flags && !(*flags & PARE_SCOPE_WAIT_EXEC);
}

/* ---- the scope test of sys_exit, remembered per CPU ---------------------------
 * Every syscall of the host asks whether its process is recording; a hash
 * lookup per syscall was most of what pare costs an open() loop. Each CPU
 * remembers the last answer: a busy process keeps asking on the same CPU.
 * The answer holds while scope_generation is unchanged: every change to
 * `traced`, by these programs or by userspace (Probes, through the mmap'ed
 * .bss), bumps it after the change, and the generation is read before the
 * lookup, so an answer is never kept past a change it could have missed. */
__u64 scope_generation;

struct scope_memo {
	__u64 generation;
	__u32 tgid;
	__u32 recording;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scope_memo);
} scope_memo SEC(".maps");

/* After any change to `traced` (see scope_memo). */
static __always_inline void scope_changed(void)
{
	__sync_fetch_and_add(&scope_generation, 1);
}

static __always_inline int is_recording_remembered(__u32 tgid)
{
	__u32 zero = 0;
	struct scope_memo *memo = bpf_map_lookup_elem(&scope_memo, &zero);
	__u64 generation = *(volatile __u64 *)&scope_generation;
	if (memo && memo->tgid == tgid && memo->generation == generation)
		return memo->recording;
	int recording = is_recording(tgid);
	if (memo) {
		memo->generation = generation;
		memo->tgid = tgid;
		memo->recording = recording;
	}
	return recording;
}

#endif
