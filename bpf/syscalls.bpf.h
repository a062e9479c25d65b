/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The syscalls pare listens to, by number, and how their arguments map.
 * x86_64 only for now: the numbers and the pt_regs argument registers differ
 * per architecture (an arm64 table would go beside this one). */
#ifndef PARE_SYSCALLS_BPF_H
#define PARE_SYSCALLS_BPF_H

#if !defined(__TARGET_ARCH_x86)
#error "pare: only the x86_64 syscall table is defined (bpf/syscalls.bpf.h)"
#endif

#define NR_open 2
#define NR_stat 4
#define NR_lstat 6
#define NR_mmap 9
#define NR_access 21
#define NR_execve 59
#define NR_getdents 78
#define NR_chdir 80
#define NR_creat 85
#define NR_readlink 89
#define NR_openat 257
#define NR_newfstatat 262
#define NR_readlinkat 267
#define NR_faccessat 269
#define NR_execveat 322
#define NR_statx 332
#define NR_getdents64 217
#define NR_io_uring_setup 425
#define NR_openat2 437
#define NR_faccessat2 439
/* ...and those that change which path a directory has (see path_epoch) */
#define NR_rename 82
#define NR_rmdir 84
#define NR_pivot_root 155
#define NR_mount 165
#define NR_umount2 166
#define NR_unlinkat 263
#define NR_renameat 264
#define NR_renameat2 316
#define NR_move_mount 429

#define SYS_ARG1(r) ((r)->di)
#define SYS_ARG2(r) ((r)->si)
#define SYS_ARG3(r) ((r)->dx)
#define SYS_ARG4(r) ((r)->r10)
#define SYS_ARG5(r) ((r)->r8)
#define SYS_ID(r) ((r)->orig_ax)

/* uapi values (not in vmlinux.h, which has types, not macros) */
#define AT_FDCWD -100
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EMPTY_PATH 0x1000
#define O_ACCMODE 00000003
#define O_WRONLY 00000001
#define O_CREAT 00000100
#define O_TRUNC 00001000
#define O_NOFOLLOW 00400000
#define PROT_EXEC 0x4
#define MAP_ANONYMOUS 0x20
#define TS_COMPAT 0x0002 /* thread_info.status: the current syscall is a 32-bit one */

/* Cheap first filter, run before any map lookup on every syscall of the host. */
static __always_inline int is_interesting(long id)
{
	switch (id) {
	case NR_open: case NR_stat: case NR_lstat: case NR_mmap: case NR_access:
	case NR_execve: case NR_chdir: case NR_creat: case NR_readlink: case NR_openat:
	case NR_newfstatat: case NR_readlinkat: case NR_faccessat: case NR_execveat:
	case NR_statx: case NR_io_uring_setup: case NR_openat2: case NR_faccessat2:
	case NR_getdents: case NR_getdents64:
		return 1;
	}
	return 0;
}

/* The same calls in the ia32 table (32-bit processes). */
#define NR32_mount 21
#define NR32_umount 22
#define NR32_rename 38
#define NR32_rmdir 40
#define NR32_umount2 52
#define NR32_pivot_root 217
#define NR32_unlinkat 301
#define NR32_renameat 302
#define NR32_renameat2 353
#define NR32_move_mount 429
#define X32_SYSCALL_BIT 0x40000000 /* x32 processes: x86_64 numbers with this bit set */
#define AT_REMOVEDIR 0x200

/* Whether a call that returned RET may have given a directory another path
 * (or freed its dentry for reuse): see path_epoch. Checked for every syscall
 * of the host, like is_interesting. unlinkat counts only with AT_REMOVEDIR. */
static __always_inline int changes_paths(long id, int compat, __u64 at_flags_arg)
{
	if (compat) {
		switch (id) {
		case NR32_mount: case NR32_umount: case NR32_rename: case NR32_rmdir: case NR32_umount2:
		case NR32_pivot_root: case NR32_renameat: case NR32_renameat2: case NR32_move_mount:
			return 1;
		case NR32_unlinkat:
			return (at_flags_arg & AT_REMOVEDIR) != 0;
		}
		return 0;
	}
	switch (id & ~(long)X32_SYSCALL_BIT) {
	case NR_rename: case NR_rmdir: case NR_pivot_root: case NR_mount: case NR_umount2:
	case NR_renameat: case NR_renameat2: case NR_move_mount:
		return 1;
	case NR_unlinkat:
		return (at_flags_arg & AT_REMOVEDIR) != 0;
	}
	return 0;
}

enum call_class { CALL_OPEN = 1, CALL_CHECK = 2, CALL_EXEC = 3 };

static __always_inline int call_class(__u32 id)
{
	switch (id) {
	case NR_open: case NR_openat: case NR_openat2: case NR_creat:
		return CALL_OPEN;
	case NR_execve: case NR_execveat:
		return CALL_EXEC;
	default:
		return CALL_CHECK;
	}
}

#endif
