// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The cost floor: the same attach points as pare (tp_btf sys_enter/sys_exit)
 * doing only the per-process scope lookup. pare's overhead is measured as the
 * distance to this, not to zero. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u32);
} traced SEC(".maps");

__u64 hits = 0;

static __always_inline void lookup(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (bpf_map_lookup_elem(&traced, &tgid))
		__sync_fetch_and_add(&hits, 1);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_sys_enter, struct pt_regs *regs, long id)
{
	lookup();
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_sys_exit, struct pt_regs *regs, long ret)
{
	lookup();
	return 0;
}
