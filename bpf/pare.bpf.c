// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pare's probes. Everything hangs off attach points that work on the target
 * kernels (tracepoints / tp_btf only; no kprobes, fentry or LSM):
 *   sys_exit                    file syscalls of traced tasks (one program,
 *                               dispatch on the syscall number)
 *   sched_process_exec          what was executed, resolved, with #! interpreter
 *   sched_process_fork / _exit  keep the traced process tree up to date
 *   syscalls/sys_enter_chdir    the cwd a relative chdir() starts from
 * Cost discipline: every syscall of the host pays one helper call (the task),
 * a check of its number against the calls that move paths (those pay an
 * atomic add) and the per-CPU remembered scope answer (scope_memo), a hash
 * lookup when the answer is not remembered. Traced syscalls then set their bit
 * in the syscall bitmap; those that open or look up nothing return there; a
 * repeated (object, name, kind) returns after the dedup lookup, before any
 * path walk. On hosts whose kernel returns are dear (SRSO "safe RET"), a
 * helper call is the unit of cost: fields are read with direct loads through
 * BTF pointers wherever the verifier allows (per-CPU array lookups are
 * inlined by kernels from about 6.10 on; before, each is a call too).
 * Load time counts too (`pare record` waits for it): see decode_args.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "pare_events.h"
#include "maps.bpf.h"
#include "path_walk.bpf.h"
#include "record.bpf.h"
#include "syscalls.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __always_inline struct file *fd_file(struct task_struct *task, int fd)
{
	if (fd < 0)
		return 0;
	struct fdtable *fdt = task->files->fdt;
	if (!fdt || (unsigned int)fd >= fdt->max_fds)
		return 0;
	/* The fd array is a struct file **, which the verifier types as a plain
	 * number: view the entry as the ki_filp of a struct kiocb placed over it,
	 * so the entry is one direct (fault-safe) load, not a helper call. */
	__u64 entry = (__u64)fdt->fd + (__u64)fd * sizeof(struct file *);
	struct kiocb *over = bpf_rdonly_cast((void *)(entry - bpf_core_field_offset(struct kiocb, ki_filp)),
					     bpf_core_type_id_kernel(struct kiocb));
	return over->ki_filp;
}

/* The scope key of a task: its root directory (a chroot or container root). */
static __always_inline __u64 task_scope(struct record *r, struct task_struct *task)
{
	return ptr_value(r, task->fs->root.dentry);
}

/* The directory a relative path is looked up from: dirfd's file, or the cwd. */
static __always_inline void base_dir(struct task_struct *task, int dirfd, struct vfsmount **mnt,
				     struct dentry **dentry)
{
	if (dirfd == AT_FDCWD) {
		*mnt = task->fs->pwd.mnt;
		*dentry = task->fs->pwd.dentry;
		return;
	}
	struct file *f = fd_file(task, dirfd);
	*mnt = f ? f->f_path.mnt : 0;
	*dentry = f ? f->f_path.dentry : 0;
}

static __always_inline int raw_is_relative(struct record *r)
{
	if (!r->ev->str_len[PARE_S_RAW])
		return 1; /* AT_EMPTY_PATH: the object is the dirfd itself */
	return r->buf[sizeof(struct pare_event)] != '/';
}

/* Read RAW into the record and hash it; returns the hash, 0 if RAW is absent. */
static __always_inline __u64 record_raw(struct record *r, __u64 uptr)
{
	record_user_str(r, PARE_S_RAW, (const char *)uptr);
	__u32 n = r->ev->str_len[PARE_S_RAW];
	return n ? hash_slot(r, sizeof(struct pare_event), n) : 0;
}

static __always_inline __u32 access_class(__u64 open_flags)
{
	return (open_flags & O_ACCMODE) | (open_flags & O_CREAT ? 4 : 0) |
	       (open_flags & O_TRUNC ? 8 : 0);
}

/* ---- arguments ---------------------------------------------------------------
 * Everything is done at sys_exit: the argument registers saved at syscall entry
 * are still in pt_regs there, and user strings are read after the kernel has
 * faulted their pages in. One program instead of an enter/exit pair also halves
 * the fixed cost every syscall of the host pays.
 * CALL is a cell of the per-CPU record scratch, not a stack variable: on the
 * stack the verifier would carry each case's constants (the number, fixed
 * flags) into everything after the decode and check all of it once per
 * syscall; values read back from a map (after forget_constants) are unknown
 * to it, so the cases meet and the rest is checked once. The record makers
 * have one call site each for the same reason (load time).
 */
static __always_inline void forget_constants(void)
{
	/* The compiler must reload CALL's fields from memory, not reuse the
	 * constants it stored: those would reach the verifier as constants. */
	asm volatile("" ::: "memory");
}

static __always_inline int decode_args(struct pt_regs *regs, long id, struct call_args *call)
{
	call->id = id;
	call->dirfd = AT_FDCWD;
	call->at_flags = 0;
	call->aux = 0;
	switch (id) {
	case NR_open:
		call->path = SYS_ARG1(regs);
		call->aux = SYS_ARG2(regs);
		break;
	case NR_creat:
		call->path = SYS_ARG1(regs);
		call->aux = O_CREAT | O_WRONLY | O_TRUNC;
		break;
	case NR_openat:
	case NR_openat2: /* aux = struct open_how *, read below */
	case NR_faccessat:
		call->dirfd = SYS_ARG1(regs);
		call->path = SYS_ARG2(regs);
		call->aux = SYS_ARG3(regs);
		break;
	case NR_execve:
	case NR_stat:
	case NR_chdir:
		call->path = SYS_ARG1(regs);
		break;
	case NR_lstat:
	case NR_readlink:
		call->path = SYS_ARG1(regs);
		call->at_flags = AT_SYMLINK_NOFOLLOW;
		break;
	case NR_access:
		call->path = SYS_ARG1(regs);
		call->aux = SYS_ARG2(regs);
		break;
	case NR_execveat:
		call->dirfd = SYS_ARG1(regs);
		call->path = SYS_ARG2(regs);
		call->at_flags = SYS_ARG5(regs);
		break;
	case NR_newfstatat:
	case NR_faccessat2:
		call->dirfd = SYS_ARG1(regs);
		call->path = SYS_ARG2(regs);
		call->at_flags = SYS_ARG4(regs);
		call->aux = id == NR_faccessat2 ? SYS_ARG3(regs) : 0;
		break;
	case NR_statx:
		call->dirfd = SYS_ARG1(regs);
		call->path = SYS_ARG2(regs);
		call->at_flags = SYS_ARG3(regs);
		break;
	case NR_readlinkat:
		call->dirfd = SYS_ARG1(regs);
		call->path = SYS_ARG2(regs);
		call->at_flags = AT_SYMLINK_NOFOLLOW;
		break;
	default:
		return -1;
	}
	if (id == NR_openat2) {
		__u64 how_flags = 0;
		bpf_probe_read_user(&how_flags, sizeof(how_flags), (void *)call->aux);
		call->aux = how_flags;
	}
	return 0;
}

/* An open file the call used (mapped executable, listed): reported once per
 * (scope, inode, name) with the file's path. AUX and FD go in the record. */
static __always_inline void report_file(struct task_struct *task, struct file *f, __u8 type, long id,
					__u64 aux, int fd)
{
	struct record r;
	if (record_begin(&r, task, type, id))
		return;
	struct dentry *dentry = f->f_path.dentry;
	struct dedup_key key = {
		.scope = task_scope(&r, task),
		.obj = f->f_inode->i_ino,
		.hash = ptr_value(&r, dentry), /* hard links are separate names */
		.dev = f->f_inode->i_sb->s_dev,
		.kind = type,
	};
	if (dedup_seen(&key))
		return;
	record_header(&r);
	r.ev->aux = aux;
	r.ev->ino = key.obj;
	r.ev->dev = key.dev;
	r.ev->ret = fd;
	record_path(&r, PARE_S_PATH, f->f_path.mnt, dentry);
	record_submit(&r, &key);
}

/* Something the probes cannot see for this process: reported once per process. */
static __always_inline void on_blind(struct task_struct *task, __u32 what, __u32 syscall)
{
	struct dedup_key key = { .scope = task->tgid, .kind = PARE_EV_BLIND | what << 8 };
	if (dedup_seen(&key))
		return;
	struct record r;
	if (record_begin(&r, task, PARE_EV_BLIND, syscall))
		return;
	record_header(&r);
	r.ev->aux = what;
	record_submit(&r, &key);
}

/* A file the call used through an fd: mmap(PROT_EXEC) of it (a library load)
 * or getdents on it (the directory was listed: ls, globs, conf.d loaders,
 * importers). One call site of report_file for both: see decode_args. */
static __always_inline void on_used_file(struct task_struct *task, struct pt_regs *regs, long id,
					 long ret, struct call_args *call)
{
	if (id == NR_mmap) {
		if ((unsigned long)ret >= (unsigned long)-4095)
			return; /* failed mmap */
		if (!(SYS_ARG3(regs) & PROT_EXEC) || (SYS_ARG4(regs) & MAP_ANONYMOUS))
			return;
		call->type = PARE_EV_MMAP_EXEC;
		call->dirfd = SYS_ARG5(regs);
		call->aux = SYS_ARG3(regs);
	} else {
		if (ret < 0)
			return;
		call->type = PARE_EV_LIST;
		call->dirfd = SYS_ARG1(regs);
		call->aux = 0;
	}
	call->id = id;
	forget_constants();
	struct file *f = fd_file(task, call->dirfd);
	if (f)
		report_file(task, f, call->type, call->id, call->aux, call->dirfd);
}

/* ---- sys_exit: resolve and report ------------------------------------------ */

static __always_inline void on_open_ok(struct task_struct *task, struct call_args *call, long fd)
{
	struct file *f = fd_file(task, (int)fd);
	if (!f)
		return;
	struct record r;
	if (record_begin(&r, task, PARE_EV_OPEN, call->id))
		return;
	struct dedup_key key = {
		.scope = task_scope(&r, task),
		.obj = f->f_inode->i_ino,
		.hash = record_raw(&r, call->path),
		.dev = f->f_inode->i_sb->s_dev,
		.kind = PARE_EV_OPEN | access_class(call->aux) << 8,
	};
	/* A relative name is only the same request from the same directory: the
	 * same "lib/x.so" from another base may cross other symlinks to this inode. */
	struct vfsmount *base_mnt = 0;
	struct dentry *base_dentry = 0;
	int relative = raw_is_relative(&r);
	if (relative) {
		base_dir(task, call->dirfd, &base_mnt, &base_dentry);
		key.hash ^= mix64(ptr_value(&r, base_dentry));
	}
	if (dedup_seen(&key))
		return; /* the common case: the same open again, nothing walked or sent */
	record_header(&r);
	r.ev->ret = fd;
	r.ev->dirfd = call->dirfd;
	r.ev->aux = call->aux;
	r.ev->ino = key.obj;
	r.ev->dev = key.dev;
	if (call->aux & O_NOFOLLOW)
		r.ev->flags |= PARE_F_NOFOLLOW;
	struct vfsmount *mnt = f->f_path.mnt;
	struct dentry *dentry = f->f_path.dentry;
	record_path(&r, PARE_S_PATH, mnt, dentry);
	if (relative) {
		/* openat(dirfd, "name") of a file in that directory (tar, find, any
		 * tree walk): the base is PATH's parent, already walked. */
		if (base_mnt == mnt && dentry != walk_vfsmount(mnt)->mnt_root &&
		    walk_dentry(dentry)->d_parent == base_dentry &&
		    !(r.ev->flags & (PARE_F_PATH_TRUNCATED | PARE_F_PATH_DETACHED)))
			r.ev->flags |= PARE_F_BASE_IS_PARENT;
		else
			record_path(&r, PARE_S_BASE, base_mnt, base_dentry);
	}
	record_submit(&r, &key);
}

/* Records that carry a name, not an object: failed opens and execs, and every
 * stat/access/readlink/chdir. Userspace resolves RAW against BASE. */
static __always_inline void on_lookup(struct task_struct *task, struct call_args *call, long ret)
{
	__u8 type = call->type;
	struct record r;
	if (record_begin(&r, task, type, call->id))
		return;
	__u64 hash = record_raw(&r, call->path);
	if (!r.ev->str_len[PARE_S_RAW] && !(call->at_flags & AT_EMPTY_PATH))
		return; /* unreadable path pointer: EFAULT, nothing to name */
	if (r.ev->str_len[PARE_S_RAW] == 1 && (call->at_flags & AT_EMPTY_PATH) &&
	    type != PARE_EV_EXEC_FAIL)
		return; /* fstat-style call on an fd already reported when it was opened */
	struct vfsmount *mnt = 0;
	struct dentry *dentry = 0;
	int relative = raw_is_relative(&r);
	if (relative)
		base_dir(task, call->dirfd, &mnt, &dentry);
	if (call->id == NR_chdir) {
		/* A successful chdir has moved the cwd already: use the one saved at entry. */
		__u64 id = bpf_get_current_pid_tgid();
		struct chdir_base *before = bpf_map_lookup_elem(&chdir_bases, &id);
		if (before) {
			mnt = before->mnt;
			dentry = before->dentry;
			bpf_map_delete_elem(&chdir_bases, &id);
		}
	}
	__u32 err = ret < 0 ? (__u32)(-ret) : 0;
	struct dedup_key key = {
		.scope = task_scope(&r, task),
		.obj = ptr_value(&r, dentry),
		.hash = hash,
		.kind = type | (call->at_flags & AT_SYMLINK_NOFOLLOW ? 0x80 : 0) | (err & 0xffff) << 16,
	};
	if (dedup_seen(&key))
		return;
	record_header(&r);
	r.ev->ret = ret;
	r.ev->dirfd = call->dirfd;
	r.ev->aux = call->aux;
	if (call->at_flags & AT_SYMLINK_NOFOLLOW)
		r.ev->flags |= PARE_F_NOFOLLOW;
	if (call->at_flags & AT_EMPTY_PATH)
		r.ev->flags |= PARE_F_EMPTY_PATH;
	if (relative)
		record_path(&r, PARE_S_BASE, mnt, dentry);
	record_submit(&r, &key);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(pare_sys_exit, struct pt_regs *regs, long ret)
{
	long id = SYS_ID(regs);
	/* Fetched once and passed down: every helper call costs a return, and
	 * returns are dear on hosts with return-stack mitigations. */
	struct task_struct *task = bpf_get_current_task_btf();
	int compat = task->thread_info.status & TS_COMPAT;
	if (ret >= 0 && changes_paths(id, compat, SYS_ARG3(regs)))
		path_changed(); /* whoever did it: a cached directory path may be stale now */
	/* The scope test is the one cost every syscall of the host pays (the floor). */
	if (!is_recording_remembered(task->tgid))
		return 0;
	if (!compat && id >= 0 && id < PARE_SYSCALL_WORDS * 64) {
		__u32 zero = 0;
		struct syscall_bits *bits = bpf_map_lookup_elem(&syscalls_seen, &zero);
		if (bits)
			bits->w[(id >> 6) & (PARE_SYSCALL_WORDS - 1)] |= 1ull << (id & 63);
		if (pare_agent) {
			/* The agent's per-container set (a constant 0 elsewhere: pruned at load). */
			__u32 mntns = task->nsproxy->mnt_ns->ns.inum;
			bits = bpf_map_lookup_elem(&mntns_syscalls, &mntns);
			if (bits)
				bits->w[(id >> 6) & (PARE_SYSCALL_WORDS - 1)] |= 1ull << (id & 63);
		}
	}
	if (!is_interesting(id))
		return 0;
	if (compat) {
		/* ia32 numbers mean other syscalls: say so instead of misreading them. */
		on_blind(task, PARE_BLIND_IA32, id);
		return 0;
	}
	if (id == NR_io_uring_setup) {
		if (ret >= 0)
			on_blind(task, PARE_BLIND_IO_URING, NR_io_uring_setup);
		return 0;
	}
	__u32 zero = 0;
	struct rec_buf *rb = bpf_map_lookup_elem(&rec_scratch, &zero);
	if (!rb)
		return 0;
	struct call_args *call = &rb->call;
	if (id == NR_mmap || id == NR_getdents || id == NR_getdents64) {
		on_used_file(task, regs, id, ret, call);
		return 0;
	}
	if (decode_args(regs, id, call))
		return 0;
	int class = call_class(id);
	if (class == CALL_OPEN && ret >= 0) {
		forget_constants();
		on_open_ok(task, call, ret);
		return 0;
	}
	if (class == CALL_EXEC && ret >= 0)
		return 0; /* reported by sched_process_exec; the old mm is gone here */
	call->type = class == CALL_OPEN   ? PARE_EV_OPEN_FAIL
		     : class == CALL_EXEC ? PARE_EV_EXEC_FAIL
		     : ret < 0            ? PARE_EV_CHECK_FAIL
					  : PARE_EV_CHECK;
	forget_constants();
	on_lookup(task, call, ret);
	return 0;
}

/* Saves the cwd before chdir() changes it (see chdir_bases). */
SEC("tracepoint/syscalls/sys_enter_chdir")
int pare_enter_chdir(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	if (!is_recording(id >> 32))
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	struct chdir_base base = {
		.mnt = BPF_CORE_READ(task, fs, pwd.mnt),
		.dentry = BPF_CORE_READ(task, fs, pwd.dentry),
	};
	bpf_map_update_elem(&chdir_bases, &id, &base, BPF_ANY);
	return 0;
}

/* ---- process tree ------------------------------------------------------------ */

SEC("tp_btf/sched_process_exec")
int BPF_PROG(pare_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 *flags = bpf_map_lookup_elem(&traced, &tgid);
	if (flags) {
		if (*flags & PARE_SCOPE_WAIT_EXEC) {
			*flags &= ~PARE_SCOPE_WAIT_EXEC; /* from here on it is the app */
			scope_changed();
		}
	} else {
		/* A process entering a traced mount namespace by exec joins the scope. */
		__u32 mntns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
		__u32 *ns_state = bpf_map_lookup_elem(&traced_mntns, &mntns);
		if (ns_state && *ns_state == PARE_MNTNS_IGNORED)
			return 0;
		if (!ns_state) {
			/* pare agent: the first exec in a namespace that is not the
			 * host's is how a container starts (runc init execs the app):
			 * scoped from that exec on, before any engine event could say
			 * so. Userspace names it, or marks it IGNORED. */
			if (!pare_agent || mntns == pare_host_mntns[0] || mntns == pare_host_mntns[1] || !mntns)
				return 0;
			__u32 traced_ns = PARE_MNTNS_TRACED;
			if (bpf_map_update_elem(&traced_mntns, &mntns, &traced_ns, BPF_NOEXIST) &&
			    !bpf_map_lookup_elem(&traced_mntns, &mntns)) {
				count_drop(PARE_EV_EXEC); /* namespace table full: this container goes unseen */
				return 0;
			}
			struct syscall_bits none = {};
			bpf_map_update_elem(&mntns_syscalls, &mntns, &none, BPF_NOEXIST);
		}
		__u32 zero = 0;
		if (bpf_map_update_elem(&traced, &tgid, &zero, BPF_ANY)) {
			count_drop(PARE_EV_FORK); /* scope table full: this process goes unseen */
			return 0;
		}
		scope_changed();
	}
	struct record r;
	if (record_begin(&r, task, PARE_EV_EXEC, 0))
		return 0;
	record_header(&r);
	const char *filename = BPF_CORE_READ(bprm, filename);
	const char *interp = BPF_CORE_READ(bprm, interp);
	struct file *file = BPF_CORE_READ(bprm, file);
	r.ev->ino = BPF_CORE_READ(file, f_inode, i_ino);
	r.ev->dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev);
	record_kernel_str(&r, PARE_S_RAW, filename);
	record_path(&r, PARE_S_PATH, BPF_CORE_READ(file, f_path.mnt), BPF_CORE_READ(file, f_path.dentry));
	if (raw_is_relative(&r))
		record_path(&r, PARE_S_BASE, BPF_CORE_READ(task, fs, pwd.mnt),
			    BPF_CORE_READ(task, fs, pwd.dentry));
	/* bprm->interp differs from bprm->filename only when a #! script was run. */
	if (interp && interp != filename)
		record_kernel_str(&r, PARE_S_INTERP, interp);
	/* Exec records are never deduplicated: each one is a process the user ran. */
	record_submit(&r, 0);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(pare_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 *pflags = bpf_map_lookup_elem(&traced, &ptgid);
	if (!pflags)
		return 0;
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	if (ctgid == ptgid)
		return 0; /* a new thread: its tgid is already traced */
	__u32 flags = *pflags; /* a child of a waiting runtime init waits too */
	if (bpf_map_update_elem(&traced, &ctgid, &flags, BPF_ANY)) {
		count_drop(PARE_EV_FORK); /* scope table full: this child goes unseen */
		return 0;
	}
	scope_changed();
	struct record r;
	if (record_begin(&r, bpf_get_current_task_btf(), PARE_EV_FORK, 0))
		return 0;
	record_header(&r);
	r.ev->tgid = ctgid;
	r.ev->pid = BPF_CORE_READ(child, pid);
	r.ev->ppid = ptgid;
	record_submit(&r, 0);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(pare_exit, struct task_struct *task)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (!is_traced(tgid))
		return 0;
	/* signal->live is decremented before this tracepoint: 0 means last thread. */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	bpf_map_delete_elem(&traced, &tgid);
	scope_changed();
	struct record r;
	if (record_begin(&r, task, PARE_EV_EXIT, 0))
		return 0;
	record_header(&r);
	r.ev->ret = BPF_CORE_READ(task, exit_code);
	record_submit(&r, 0);
	return 0;
}
