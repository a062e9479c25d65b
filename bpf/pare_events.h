/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The one contract between the BPF programs and userspace: plain C types only,
 * included by bpf/pare.bpf.c and by userspace/decode. Userspace checks the layout
 * with static_asserts (userspace/decode/layout_check.cpp), so a change here that
 * is not mirrored in both places fails the build instead of corrupting records.
 */
#ifndef PARE_EVENTS_H
#define PARE_EVENTS_H

#ifdef __BPF__
/* vmlinux.h supplies __u8..__u64 in the BPF build. */
#else
#include <linux/types.h>
#endif

/* One string slot carries at most this many bytes including its NUL. */
#define PARE_STR_MAX 4096
/* Strings per record: requested path, resolved path, base dir, interpreter. */
#define PARE_NSTR 4

enum pare_event_type {
	PARE_EV_NONE = 0,
	PARE_EV_EXEC = 1,       /* a traced task exec'd: resolved binary, filename, #! interp */
	PARE_EV_EXEC_FAIL = 2,  /* execve/execveat returned an error */
	PARE_EV_OPEN = 3,       /* open family returned an fd: resolved by dentry walk */
	PARE_EV_OPEN_FAIL = 4,  /* open family failed: raw path + base dir */
	PARE_EV_MMAP_EXEC = 5,  /* mmap(PROT_EXEC) of a file: a library load */
	PARE_EV_CHECK = 6,      /* stat/access/readlink/chdir succeeded */
	PARE_EV_CHECK_FAIL = 7, /* ... failed (ENOENT and friends) */
	PARE_EV_FORK = 8,       /* a traced process got a child process */
	PARE_EV_EXIT = 9,       /* the last thread of a traced process exited */
	PARE_EV_BLIND = 10,     /* a traced task used something we cannot see (io_uring) */
	PARE_EV_LIST = 11,      /* getdents/getdents64 on a directory fd: the app listed it */
	PARE_EV_MAX = 12,
};

/* String slots; str_len[i] == 0 means the slot is absent. */
enum pare_str_slot {
	PARE_S_RAW = 0,    /* path as the task passed it (user memory) or bprm->filename */
	PARE_S_PATH = 1,   /* resolved path of the object, by dentry walk to the task's root */
	PARE_S_BASE = 2,   /* resolved dir a relative RAW is relative to (dirfd or cwd) */
	PARE_S_INTERP = 3, /* bprm->interp: the #! interpreter as named in the script */
};

/* Record flags. */
#define PARE_F_PATH_TRUNCATED (1u << 0) /* PATH walk hit depth/size limit: path is a suffix */
#define PARE_F_PATH_DETACHED (1u << 1)  /* PATH not reachable from the task's root (memfd, pipe, outside chroot) */
#define PARE_F_BASE_TRUNCATED (1u << 2)
#define PARE_F_BASE_DETACHED (1u << 3)
#define PARE_F_RAW_TRUNCATED (1u << 4)  /* RAW string longer than PARE_STR_MAX */
#define PARE_F_NOFOLLOW (1u << 5)       /* lookup did not follow a final symlink (lstat, readlink, O_NOFOLLOW) */
#define PARE_F_EMPTY_PATH (1u << 6)     /* AT_EMPTY_PATH: the object is dirfd itself */
#define PARE_F_THREAD (1u << 7)         /* FORK: a thread, not a process */
/* BASE was not sent: it is PATH's parent directory (the object's dentry is a
 * child of the base dentry on the same mount, so the walk of PATH passed
 * through it). The decoder fills BASE in and clears the flag. */
#define PARE_F_BASE_IS_PARENT (1u << 8)

/* Values of the `traced` map (userspace sets them for the processes it adds). */
#define PARE_SCOPE_WAIT_EXEC 1u /* in scope, but record nothing until its next exec (a runtime's
				  * init process between `create` and `start`) */

/* Values of the `traced_mntns` map. */
#define PARE_MNTNS_TRACED 0u  /* a process that execs in it joins the scope */
#define PARE_MNTNS_IGNORED 1u /* pare agent: a namespace that is no container; never auto-joined again */

/* Mode argument of blind-spot records (PARE_EV_BLIND, in `aux`). */
#define PARE_BLIND_IO_URING 1
#define PARE_BLIND_IA32 2 /* a 32-bit (compat) syscall: other numbers, not decoded */

/* Every record starts with this fixed part, followed by the strings in slot order. */
struct pare_event {
	__u16 size;     /* whole record in bytes: header + sum(str_len) */
	__u8 type;      /* enum pare_event_type */
	__u8 _pad0;
	__u32 flags;    /* PARE_F_* */
	__u64 ts_ns;    /* bpf_ktime_get_ns() */
	__u32 tgid;     /* process */
	__u32 pid;      /* thread */
	__u32 ppid;     /* FORK: parent tgid; otherwise 0 */
	__s32 ret;      /* fd, 0, or -errno; EXIT: exit code */
	__s32 dirfd;    /* dirfd argument (AT_FDCWD = -100) */
	__u32 syscall;  /* syscall number the record came from (0 for exec/fork/exit) */
	__u64 aux;      /* open flags, mmap prot, access mode, or blind-spot kind */
	__u64 ino;      /* inode of the object when known */
	__u32 dev;      /* st_dev of the object when known */
	__u16 str_len[PARE_NSTR]; /* bytes incl. NUL per slot */
	char comm[16];  /* task comm at the time of the record */
	__u32 mntns;    /* inode of the task's mount namespace: which container (pare agent's scope key) */
};

/* Largest record the BPF side can emit. */
#define PARE_EVENT_MAX (sizeof(struct pare_event) + PARE_NSTR * PARE_STR_MAX)

#endif /* PARE_EVENTS_H */
