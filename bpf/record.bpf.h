/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Building one variable-length record: the fixed struct pare_event, then the
 * strings in slot order. The record is assembled in a per-CPU scratch buffer and
 * copied to the ring buffer at its real size, so a 20-byte path costs 20 bytes
 * of ring, not 16 KiB.
 */
#ifndef PARE_RECORD_BPF_H
#define PARE_RECORD_BPF_H

#include "path_walk.bpf.h"

struct record {
	struct rec_buf *rb;
	char *buf;              /* rb->data; struct pare_event at offset 0 */
	struct pare_event *ev;
	struct task_struct *task; /* current, whose record this is */
	__u32 off;              /* next string goes here */
};

static __always_inline int record_begin(struct record *r, struct task_struct *task, __u8 type,
					__u32 syscall)
{
	__u32 zero = 0;
	struct rec_buf *rb = bpf_map_lookup_elem(&rec_scratch, &zero);
	if (!rb)
		return -1;
	r->rb = rb;
	r->buf = rb->data;
	r->ev = (struct pare_event *)rb->data;
	r->task = task;
	rb->task = (__u64)task;
	r->off = sizeof(struct pare_event);
	__builtin_memset(r->ev, 0, sizeof(struct pare_event));
	r->ev->type = type;
	r->ev->syscall = syscall;
	return 0;
}

/* A kernel pointer as a number, to hash or to key the dedup table with. The
 * verifier allows no arithmetic on a pointer it typed (a direct load through
 * BTF), but a map value holds plain bytes: a pointer stored there by a
 * privileged program reads back as a number. Two moves, where a probe read of
 * the pointer was a helper call. */
static __always_inline __u64 ptr_value(struct record *r, const void *p)
{
	volatile __u64 *slot = &r->rb->ptr_slot;
	*slot = (__u64)p;
	return *slot;
}

/* Who and when: filled only once a record is known to be new (after dedup).
 * Direct loads from the task where a helper would read the same fields. */
static __always_inline void record_header(struct record *r)
{
	struct task_struct *task = r->task;
	r->ev->tgid = task->tgid;
	r->ev->pid = task->pid;
	r->ev->ts_ns = bpf_ktime_get_ns();
	/* The name may change under us (prctl PR_SET_NAME): a torn copy is only
	 * a torn label; the decoder stops at the first NUL or at 16 bytes. */
	__builtin_memcpy(r->ev->comm, task->comm, sizeof(r->ev->comm));
	/* Which container: after dedup, so only new records pay the three loads. */
	r->ev->mntns = task->nsproxy->mnt_ns->ns.inum;
}

/* Slots must be filled in increasing order: each call appends at r->off.
 * FROM_USER picks the helper; callers pass a constant, so it folds away. */
static __always_inline void record_str(struct record *r, int slot, const char *ptr, int from_user)
{
	if (r->off > REC_OFF_MASK - PARE_STR_MAX) {
		r->ev->flags |= PARE_F_RAW_TRUNCATED; /* no room left: never dropped silently */
		return;
	}
	char *dst = &r->buf[r->off & REC_OFF_MASK];
	long n = from_user ? bpf_probe_read_user_str(dst, PARE_STR_MAX, ptr)
			   : bpf_probe_read_kernel_str(dst, PARE_STR_MAX, ptr);
	if (n <= 0)
		return;
	if (n >= PARE_STR_MAX)
		r->ev->flags |= PARE_F_RAW_TRUNCATED;
	r->ev->str_len[slot & (PARE_NSTR - 1)] = n;
	r->off += (__u32)n; /* n <= PARE_STR_MAX: the mask at each use keeps the verifier happy */
}

static __always_inline void record_user_str(struct record *r, int slot, const char *uptr)
{
	record_str(r, slot, uptr, 1);
}

static __always_inline void record_kernel_str(struct record *r, int slot, const char *kptr)
{
	record_str(r, slot, kptr, 0);
}

/* Resolve a kernel struct path into `slot`; flags land in the PATH or BASE bits. */
static __always_inline void record_path(struct record *r, int slot, struct vfsmount *mnt,
					struct dentry *dentry)
{
	if (!mnt || !dentry)
		return;
	if (r->off > REC_OFF_MASK - PARE_STR_MAX) {
		r->ev->flags |= slot == PARE_S_BASE ? PARE_F_BASE_TRUNCATED : PARE_F_PATH_TRUNCATED;
		return;
	}
	__u32 state = 0;
	__u32 n = walk_path(r->rb, r->off, ptr_value(r, mnt), ptr_value(r, dentry), &state);
	if (state & WALK_TRUNCATED)
		r->ev->flags |= slot == PARE_S_BASE ? PARE_F_BASE_TRUNCATED : PARE_F_PATH_TRUNCATED;
	if (state & WALK_DETACHED)
		r->ev->flags |= slot == PARE_S_BASE ? PARE_F_BASE_DETACHED : PARE_F_PATH_DETACHED;
	if (!n)
		return;
	r->ev->str_len[slot & (PARE_NSTR - 1)] = n;
	r->off += n & STR_LEN_MASK;
}

/* Copy the record to the ring buffer. On failure the drop is counted per type
 * and the dedup entry (if any) is removed, so a later hit is reported again
 * instead of being suppressed forever. */
static __always_inline void dedup_forget(struct dedup_key *key);

/* Whether going from AT to AT + ADDS passes a multiple of 2^SHIFT. */
static __always_inline int crosses(__u64 at, __u64 adds, int shift)
{
	return (at >> shift) != ((at + adds) >> shift);
}

static __always_inline void record_submit(struct record *r, struct dedup_key *key)
{
	__u32 size = r->off;
	if (size > REC_DATA_SIZE - 1)
		size = REC_DATA_SIZE - 1;
	r->ev->size = size;
	/* Batched wakeups: userspace is woken each time the data waiting crosses
	 * another 256 KiB; below that it picks records up on its poll timeout
	 * (Probes::poll consumes then too). A wakeup per record cost the traced
	 * app a context switch per new file on many-file workloads; and one per
	 * record while the consumer lags (busy, or starved of CPU) made a tar of
	 * /usr/share 65% slower: crossings only. Another CPU's record can make
	 * this one's AVAIL stale and its crossing go unseen: once 1 MiB is
	 * waiting, every 16 KiB crossing wakes too, so a missed one costs little.
	 * ADDS is what the ring takes for this record: its 8-byte header and the
	 * record, rounded up to 8. */
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	__u64 adds = (size + 8 + 7) & ~7ULL;
	int crossed = crosses(avail, adds, RING_WAKEUP_SHIFT) ||
		      (avail >= RING_LAGGING_BYTES && crosses(avail, adds, RING_LAGGING_WAKEUP_SHIFT));
	__u64 wake = crossed ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_output(&events, r->buf, size, wake)) {
		count_drop(r->ev->type);
		if (key)
			dedup_forget(key);
	}
}

/* FNV-1a over the first `len` bytes of a string in the record scratch, 8 bytes
 * a step. The first 64 bytes (most names) are hashed inline; the rest in
 * bpf_loop turns of 64 (a call and a return of the callback each, but the
 * verifier's cost stays flat for any length). */
#define HASH_TURN_BYTES 64

struct hash_ctx {
	__u32 off;
	__u32 len;
	__u64 h;
};

/* Hashes bytes [from, from + 64) of the string; 1 once its end is reached. */
static __always_inline int hash_64(struct hash_ctx *c, struct rec_buf *rb, __u32 from)
{
#pragma unroll
	for (int k = 0; k < HASH_TURN_BYTES / 8; k++) {
		__u32 at = from + k * 8;
		if (at >= c->len)
			return 1;
		/* A direct load from the map value: no helper call per word. */
		__u64 word = *(__u64 *)&rb->data[(c->off + at) & REC_OFF_MASK];
		__u32 left = c->len - at;
		if (left < 8)
			word &= (1ULL << (left * 8)) - 1;
		c->h ^= word;
		c->h *= 0x100000001b3ULL;
	}
	return 0;
}

static long hash_turn(__u32 i, void *data)
{
	__u32 zero = 0;
	struct rec_buf *rb = bpf_map_lookup_elem(&rec_scratch, &zero);
	if (!rb)
		return 1;
	return hash_64(data, rb, (i + 1) * HASH_TURN_BYTES);
}

static __always_inline __u64 hash_slot(struct record *r, __u32 slot_off, __u32 len)
{
	struct hash_ctx c = { .off = slot_off, .len = len, .h = 0xcbf29ce484222325ULL };
	if (!hash_64(&c, r->rb, 0))
		bpf_loop((PARE_STR_MAX + HASH_TURN_BYTES - 1) / HASH_TURN_BYTES - 1, hash_turn, &c, 0);
	return c.h ^ len;
}

/* splitmix64's finalizer: spreads every input bit over the fingerprint. */
static __always_inline __u64 mix64(__u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static __always_inline __u64 dedup_fingerprint(struct dedup_key *key)
{
	__u64 h = mix64(key->scope);
	h = mix64(h ^ key->obj);
	h = mix64(h ^ key->hash);
	h = mix64(h ^ ((__u64)key->dev << 32 | key->kind));
	return h | 1; /* 0 marks an empty slot */
}

/* Set by userspace before load (`pare audit --all`): report every hit, no dedup. */
const volatile __u32 pare_every_hit = 0;

/* 1 if the key was already seen (skip the record); otherwise marks it seen. */
static __always_inline int dedup_seen(struct dedup_key *key)
{
	if (pare_every_hit)
		return 0;
	__u64 fp = dedup_fingerprint(key);
	__u32 slot = fp & pare_seen_mask;
	__u64 *v = bpf_map_lookup_elem(&seen, &slot);
	if (!v)
		return 0;
	if (*v == fp)
		return 1;
	*v = fp;
	return 0;
}

/* The record could not be delivered: let the next occurrence try again. */
static __always_inline void dedup_forget(struct dedup_key *key)
{
	__u64 fp = dedup_fingerprint(key);
	__u32 slot = fp & pare_seen_mask;
	__u64 *v = bpf_map_lookup_elem(&seen, &slot);
	if (v && *v == fp)
		*v = 0;
}

#endif
