/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The path walk: turn a (vfsmount, dentry) into the path the task sees, by
 * walking d_parent and crossing mounts up to the task's fs->root. bpf_d_path is
 * not callable from tracepoints, so this is done by hand, in bpf_loop so the
 * verifier checks one step instead of every unrolled depth.
 * A walk that runs out of depth or buffer is flagged TRUNCATED; one that ends at
 * a filesystem root which is not the task's root (memfd, pipe, a path outside a
 * chroot) is flagged DETACHED. Nothing is cut silently.
 */
#ifndef PARE_PATH_WALK_BPF_H
#define PARE_PATH_WALK_BPF_H

#include "maps.bpf.h"

#define WALK_MAX_DEPTH 256
#define WALK_DONE 1u
#define WALK_TRUNCATED 2u
#define WALK_DETACHED 4u

struct walk_ctx {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct dentry *mnt_root; /* vfsmnt's root: read once per mount, not per step */
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	__s32 pos;     /* start of the path built so far in walk_buf[0..WALK_HALF) */
	__u32 state;
};

static __always_inline struct mount *real_mount(struct vfsmount *vfsmnt)
{
	return (struct mount *)((char *)vfsmnt - bpf_core_field_offset(struct mount, mnt));
}

static __always_inline struct vfsmount *mount_vfs(struct mount *mnt)
{
	return (struct vfsmount *)((char *)mnt + bpf_core_field_offset(struct mount, mnt));
}

/* Read-only BTF views of raw kernel pointers: their fields are direct,
 * fault-safe loads instead of one bpf_probe_read_kernel call each (a walk of
 * a 6-deep path made 30 helper calls; now 6, the name copies). */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#define walk_dentry(p) ((struct dentry *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(struct dentry)))
#define walk_mount(p) ((struct mount *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(struct mount)))
#define walk_vfsmount(p) ((struct vfsmount *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(struct vfsmount)))

static long walk_step(__u32 i, void *data)
{
	struct walk_ctx *w = data;
	__u32 zero = 0;
	struct walk_buf *buf = bpf_map_lookup_elem(&walk_scratch, &zero);
	if (!buf)
		return 1;

	struct dentry *dentry = w->dentry;
	if (dentry == w->root_dentry && w->vfsmnt == w->root_mnt) {
		w->state |= WALK_DONE;
		return 1;
	}
	if (dentry == w->mnt_root) {
		struct mount *mnt = walk_mount(w->mnt);
		struct mount *parent = mnt->mnt_parent;
		if (parent == w->mnt || !parent) {
			w->state |= WALK_DONE | WALK_DETACHED;
			return 1;
		}
		/* Cross to the mount this one sits on. */
		w->dentry = mnt->mnt_mountpoint;
		w->mnt = parent;
		w->vfsmnt = mount_vfs(parent);
		w->mnt_root = walk_vfsmount(w->vfsmnt)->mnt_root;
		return 0;
	}
	struct dentry *d = walk_dentry(dentry);
	struct dentry *parent = d->d_parent;
	/* A pseudo dentry (memfd, pipe, socket) is its own parent: keep its name
	 * ("memfd:x") as the last component, then stop as DETACHED. */
	int detached = parent == dentry || !parent;
	__u32 len = d->d_name.len;
	const unsigned char *name = d->d_name.name;
	if (len > 255 || (__s32)(len + 1) >= w->pos) {
		w->state |= WALK_DONE | WALK_TRUNCATED;
		return 1;
	}
	w->pos -= len + 1;
	buf->data[w->pos & (WALK_HALF - 1)] = '/';
	bpf_probe_read_kernel(&buf->data[(w->pos + 1) & (WALK_HALF - 1)], len & 0xff, name);
	if (detached) {
		w->state |= WALK_DONE | WALK_DETACHED;
		return 1;
	}
	w->dentry = parent;
	return 0;
}

/*
 * Walk `path` (a struct path of the kernel) up to the current task's root and
 * copy the result, NUL-terminated, into rec[off]. Returns the bytes written
 * (incl. NUL) and ORs WALK_TRUNCATED / WALK_DETACHED into *state.
 */
static __always_inline __u32 walk_path_into(char *rec, __u32 off, struct vfsmount *vfsmnt,
					    struct dentry *dentry, __u32 *state)
{
	__u32 zero = 0;
	struct walk_buf *buf = bpf_map_lookup_elem(&walk_scratch, &zero);
	if (!buf)
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	struct walk_ctx w = {
		.dentry = dentry,
		.vfsmnt = vfsmnt,
		.mnt = real_mount(vfsmnt),
		.mnt_root = walk_vfsmount(vfsmnt)->mnt_root,
		.root_dentry = BPF_CORE_READ(task, fs, root.dentry),
		.root_mnt = BPF_CORE_READ(task, fs, root.mnt),
		.pos = WALK_HALF - 1,
	};
	buf->data[WALK_HALF - 1] = 0;
	bpf_loop(WALK_MAX_DEPTH, walk_step, &w, 0);
	if (!(w.state & WALK_DONE))
		w.state |= WALK_TRUNCATED;
	if (w.pos == WALK_HALF - 1) { /* the root itself */
		w.pos--;
		buf->data[(WALK_HALF - 2) & (WALK_HALF - 1)] = '/';
	}
	*state |= w.state & (WALK_TRUNCATED | WALK_DETACHED);
	if (w.pos < 1)
		return 0;
	__u32 len = (WALK_HALF - w.pos) & STR_LEN_MASK;
	barrier_var(len); /* keep the masked value in the register the helper gets */
	bpf_probe_read_kernel(&rec[off & REC_OFF_MASK], len, &buf->data[w.pos & (WALK_HALF - 1)]);
	return len;
}

#endif
