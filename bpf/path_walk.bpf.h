/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The path walk: turn a (vfsmount, dentry) into the path the task sees, by
 * walking d_parent and crossing mounts up to the task's fs->root. bpf_d_path is
 * not callable from tracepoints, so this is done by hand, in bpf_loop so the
 * verifier checks one step instead of every unrolled depth.
 * A walk that runs out of depth or buffer is flagged TRUNCATED; one that ends at
 * a filesystem root which is not the task's root (memfd, pipe, a path outside a
 * chroot) is flagged DETACHED. Nothing is cut silently.
 *
 * Directory cache: tar, find and every other tree walk ask for many names in
 * one directory in a row (a stat with the directory as base, an open of the
 * file in it), and each record would walk that directory up to the root
 * again. Each CPU keeps the directory of its last walk's target (the target
 * itself, or its parent) with its path; a walk that reaches it copies the
 * path and stops. The entry is used only while it still describes the dentry
 * (same parent, name, inode number and device: not renamed, not freed and
 * reused for another directory), the task has the same root, and no syscall
 * of the host has renamed, removed or (un)mounted anything since
 * (path_epoch): a rename of an ancestor shows in no field of the directory
 * itself. Not seen by path_epoch: renames through io_uring, and a network
 * filesystem's server-side rename of an ancestor that a lookup discovers (the
 * kernel's rename_lock count would see those, but it is not in this kernel's
 * BTF or kallsyms).
 */
#ifndef PARE_PATH_WALK_BPF_H
#define PARE_PATH_WALK_BPF_H

#include "maps.bpf.h"

#define WALK_MAX_DEPTH 256
#define WALK_DONE 1u
#define WALK_TRUNCATED 2u
#define WALK_DETACHED 4u
#define WALK_CACHED 8u  /* ended on the directory cache */

#define S_IFMT 00170000
#define S_IFDIR 0040000

struct walk_ctx {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct dentry *mnt_root; /* vfsmnt's root: read once per mount, not per step */
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	struct dentry *dir;      /* the directory to cache: the start if it is one, else its parent */
	struct vfsmount *dir_mnt;
	__s32 pos;     /* start of the path built so far in walk_buf[0..WALK_HALF) */
	__s32 dir_end; /* where DIR's path ends in walk_buf; -1 until the walk reaches DIR */
	__u32 state;
	__u32 use_cache; /* the cache's root and epoch match this walk */
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

/* Whether the cache entry C still describes DENTRY on VFSMNT: the same
 * directory, not renamed (parent, name) and not freed and reused for another
 * (inode number, device). The caller has checked root and epoch (use_cache). */
static __always_inline int dir_cache_matches(struct dir_cache *c, struct dentry *dentry,
					     struct vfsmount *vfsmnt)
{
	if ((__u64)dentry != c->dentry || (__u64)vfsmnt != c->mnt)
		return 0;
	struct dentry *d = walk_dentry(dentry);
	struct inode *inode = d->d_inode;
	return (__u64)d->d_parent == c->parent && d->d_name.hash_len == c->hash_len && inode &&
	       inode->i_ino == c->ino && inode->i_sb->s_dev == c->dev;
}

static long walk_step(__u32 i, void *data)
{
	struct walk_ctx *w = data;
	__u32 zero = 0;
	struct walk_buf *buf = bpf_map_lookup_elem(&walk_scratch, &zero);
	if (!buf)
		return 1;

	struct dentry *dentry = w->dentry;
	if (dentry == w->dir && w->vfsmnt == w->dir_mnt && w->dir_end < 0)
		w->dir_end = w->pos; /* DIR's path is what gets written in front of here */
	if (dentry == w->root_dentry && w->vfsmnt == w->root_mnt) {
		w->state |= WALK_DONE;
		return 1;
	}
	if (w->use_cache) {
		struct dir_cache *c = bpf_map_lookup_elem(&dir_cache, &zero);
		if (c && dir_cache_matches(c, dentry, w->vfsmnt)) {
			__u32 len = c->len; /* with its leading '/' */
			if (len >= (__u32)w->pos) {
				w->state |= WALK_DONE | WALK_TRUNCATED;
				return 1;
			}
			w->pos -= len;
			bpf_probe_read_kernel(&buf->data[w->pos & (WALK_HALF - 1)], len & (WALK_HALF - 1), c->path);
			w->state |= WALK_DONE | WALK_CACHED;
			return 1;
		}
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
 * The whole walk answered by the directory cache: the target is the cached
 * directory itself (a stat's base) or a file in it (tar's open of the name it
 * just stat'ed). The cached path, and the file's name, go straight into the
 * record: no walk step and no copy through walk_buf (each a call and a
 * return, dear on this kind of host). The entry is checked exactly as a walk
 * step checks it (dir_cache_matches). Returns the bytes written (incl. NUL), 0
 * when the cache does not answer or the path would not fit (the walk decides
 * then, and flags what it cuts).
 */
static __always_inline __u32 walk_from_cache(char *rec, __u32 off, struct dir_cache *c,
					     struct walk_ctx *w)
{
	struct dentry *dir = w->dir;
	if (!w->use_cache || !dir_cache_matches(c, dir, w->vfsmnt))
		return 0;
	__u32 len = c->len; /* with its leading '/', no NUL */
	if (len >= WALK_HALF - 1)
		return 0;
	/* No root check as in walk_step: the cache never holds the task's root
	 * (walk_path stores a directory only when its path is not empty). */
	struct dentry *file = w->dentry;
	if (file == dir) {
		bpf_probe_read_kernel(&rec[off & REC_OFF_MASK], len & (WALK_HALF - 1), c->path);
		rec[(off + len) & REC_OFF_MASK] = 0;
		return len + 1;
	}
	/* A file that is a mount's root (a bind-mounted file) sits under its
	 * mountpoint's directory, not under d_parent: the walk crosses it. */
	if (file == w->mnt_root)
		return 0;
	__u32 name_len = file->d_name.len;
	if (name_len > 255 || len + 1 + name_len + 1 > WALK_HALF - 1)
		return 0;
	bpf_probe_read_kernel(&rec[off & REC_OFF_MASK], len & (WALK_HALF - 1), c->path);
	rec[(off + len) & REC_OFF_MASK] = '/';
	bpf_probe_read_kernel(&rec[(off + len + 1) & REC_OFF_MASK], name_len & 0xff, file->d_name.name);
	rec[(off + len + 1 + name_len) & REC_OFF_MASK] = 0;
	return len + 1 + name_len + 1;
}

/*
 * Walk a struct path of the kernel (VFSMNT_ADDR, DENTRY_ADDR) up to the current
 * task's root and copy the result, NUL-terminated, into the record at OFF.
 * Returns the bytes written (incl. NUL) and ORs WALK_TRUNCATED / WALK_DETACHED
 * into *STATE.
 * A global function: the verifier checks it once, not once per call site (it
 * has six), which keeps pare's start fast. So its pointers come as numbers
 * (the task too: rb->task, set by record_begin).
 */
__noinline __u32 walk_path(struct rec_buf *rb, __u32 off, __u64 vfsmnt_addr, __u64 dentry_addr,
			   __u32 *state)
{
	if (!rb || !state || !vfsmnt_addr || !dentry_addr || !rb->task)
		return 0;
	struct task_struct *task = bpf_rdonly_cast((void *)rb->task, bpf_core_type_id_kernel(struct task_struct));
	struct vfsmount *vfsmnt = walk_vfsmount((void *)vfsmnt_addr);
	struct dentry *dentry = walk_dentry((void *)dentry_addr);
	char *rec = rb->data;
	__u32 zero = 0;
	struct walk_buf *buf = bpf_map_lookup_elem(&walk_scratch, &zero);
	struct dir_cache *c = bpf_map_lookup_elem(&dir_cache, &zero);
	if (!buf || !c)
		return 0;
	/* Read before the walk: a move during it makes what it fills stale. */
	__u64 epoch = *(volatile __u64 *)&path_epoch;
	struct inode *inode = dentry->d_inode;
	int is_dir = inode && (inode->i_mode & S_IFMT) == S_IFDIR;
	struct walk_ctx w = {
		.dentry = dentry,
		.vfsmnt = vfsmnt,
		.mnt = real_mount(vfsmnt),
		.mnt_root = walk_vfsmount(vfsmnt)->mnt_root,
		.root_dentry = task->fs->root.dentry,
		.root_mnt = task->fs->root.mnt,
		.dir = is_dir ? dentry : dentry->d_parent,
		.dir_mnt = vfsmnt,
		.pos = WALK_HALF - 1,
		.dir_end = -1,
	};
	w.use_cache = c->len && c->epoch == epoch && c->root_dentry == (__u64)w.root_dentry &&
		      c->root_mnt == (__u64)w.root_mnt;
	__u32 cached = walk_from_cache(rec, off, c, &w);
	if (cached)
		return cached;
	buf->data[WALK_HALF - 1] = 0;
	bpf_loop(WALK_MAX_DEPTH, walk_step, &w, 0);
	if (!(w.state & WALK_DONE))
		w.state |= WALK_TRUNCATED;
	/* Remember DIR's path, unless the walk ended on DIR in the cache already. */
	int dir_cached = (w.state & WALK_CACHED) && c->dentry == (__u64)w.dir && c->mnt == (__u64)vfsmnt;
	struct dentry *dir = w.dir;
	struct inode *dir_inode = dir->d_inode;
	if (!(w.state & (WALK_TRUNCATED | WALK_DETACHED)) && !dir_cached && w.dir_end > w.pos && dir_inode) {
		__u32 dir_len = (w.dir_end - w.pos) & (WALK_HALF - 1);
		c->len = 0; /* not usable while half written */
		c->dentry = (__u64)w.dir;
		c->mnt = (__u64)vfsmnt;
		c->root_dentry = (__u64)w.root_dentry;
		c->root_mnt = (__u64)w.root_mnt;
		c->parent = (__u64)dir->d_parent;
		c->hash_len = dir->d_name.hash_len;
		c->ino = dir_inode->i_ino;
		c->dev = dir_inode->i_sb->s_dev;
		c->epoch = epoch;
		if (!bpf_probe_read_kernel(c->path, dir_len, &buf->data[w.pos & (WALK_HALF - 1)]))
			c->len = dir_len;
	}
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
