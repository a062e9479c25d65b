// The BPF side and this side compile pare_events.h separately; these asserts
// pin the layout both must agree on (offsets are what the BPF code writes).
#include <cstddef>

extern "C" {
#include "pare_events.h"
}

static_assert(sizeof(pare_event) == 88, "pare_event size changed: update the BPF side and this check");
static_assert(offsetof(pare_event, size) == 0);
static_assert(offsetof(pare_event, type) == 2);
static_assert(offsetof(pare_event, flags) == 4);
static_assert(offsetof(pare_event, ts_ns) == 8);
static_assert(offsetof(pare_event, tgid) == 16);
static_assert(offsetof(pare_event, pid) == 20);
static_assert(offsetof(pare_event, ppid) == 24);
static_assert(offsetof(pare_event, ret) == 28);
static_assert(offsetof(pare_event, dirfd) == 32);
static_assert(offsetof(pare_event, syscall) == 36);
static_assert(offsetof(pare_event, aux) == 40);
static_assert(offsetof(pare_event, ino) == 48);
static_assert(offsetof(pare_event, dev) == 56);
static_assert(offsetof(pare_event, str_len) == 60);
static_assert(offsetof(pare_event, comm) == 68);
static_assert(offsetof(pare_event, mntns) == 84);
static_assert(sizeof(pare_event) % 8 == 0, "records are 8-byte aligned in the ring buffer");
static_assert(PARE_EVENT_MAX < 65536, "pare_event.size is 16 bits");
