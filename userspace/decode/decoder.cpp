#include "decode/decoder.h"

#include <cstring>

namespace pare {

namespace {

std::string fixed_string(const char* s, size_t max) { return std::string(s, strnlen(s, max)); }

}  // namespace

const char* event_type_name(uint32_t type) {
  switch (type) {
    case PARE_EV_NONE: return "pending";  // index 0 of the drop counters
    case PARE_EV_EXEC: return "exec";
    case PARE_EV_EXEC_FAIL: return "exec_fail";
    case PARE_EV_OPEN: return "open";
    case PARE_EV_OPEN_FAIL: return "open_fail";
    case PARE_EV_MMAP_EXEC: return "mmap_exec";
    case PARE_EV_CHECK: return "check";
    case PARE_EV_CHECK_FAIL: return "check_fail";
    case PARE_EV_FORK: return "fork";
    case PARE_EV_EXIT: return "exit";
    case PARE_EV_BLIND: return "blind";
    case PARE_EV_LIST: return "list";
    default: return "unknown";
  }
}

std::variant<Event, DecodeError> decode_event(const void* data, size_t size) {
  if (data == nullptr || size < sizeof(pare_event))
    return DecodeError{"record of " + std::to_string(size) + " bytes is shorter than the " +
                       std::to_string(sizeof(pare_event)) + "-byte header"};
  if (size > PARE_EVENT_MAX)
    return DecodeError{"record of " + std::to_string(size) + " bytes exceeds the maximum " +
                       std::to_string(PARE_EVENT_MAX)};
  pare_event hdr;
  std::memcpy(&hdr, data, sizeof hdr);
  if (hdr.size != size)
    return DecodeError{"record says " + std::to_string(hdr.size) + " bytes but " +
                       std::to_string(size) + " arrived"};
  if (hdr.type == PARE_EV_NONE || hdr.type >= PARE_EV_MAX)
    return DecodeError{"unknown record type " + std::to_string(hdr.type)};

  Event ev;
  ev.type = static_cast<EventType>(hdr.type);
  ev.flags = hdr.flags;
  ev.ts_ns = hdr.ts_ns;
  ev.tgid = hdr.tgid;
  ev.pid = hdr.pid;
  ev.ppid = hdr.ppid;
  ev.ret = hdr.ret;
  ev.dirfd = hdr.dirfd;
  ev.syscall = hdr.syscall;
  ev.aux = hdr.aux;
  ev.ino = hdr.ino;
  ev.dev = hdr.dev;
  ev.mntns = hdr.mntns;
  ev.comm = fixed_string(hdr.comm, sizeof hdr.comm);

  std::optional<std::string>* slots[PARE_NSTR] = {&ev.raw, &ev.path, &ev.base, &ev.interp};
  const char* bytes = static_cast<const char*>(data);
  size_t off = sizeof(pare_event);
  for (int i = 0; i < PARE_NSTR; ++i) {
    size_t len = hdr.str_len[i];
    if (len == 0) continue;
    if (len > PARE_STR_MAX)
      return DecodeError{"string slot " + std::to_string(i) + " is " + std::to_string(len) +
                         " bytes, over " + std::to_string(PARE_STR_MAX)};
    if (off + len > size)
      return DecodeError{"string slot " + std::to_string(i) + " runs past the record end"};
    if (bytes[off + len - 1] != '\0')
      return DecodeError{"string slot " + std::to_string(i) + " is not NUL-terminated"};
    *slots[i] = std::string(bytes + off, len - 1);
    off += len;
  }
  if (off != size)
    return DecodeError{"record has " + std::to_string(size - off) + " trailing bytes"};
  if (ev.flags & PARE_F_BASE_IS_PARENT) {
    // The probe left BASE out as PATH's parent directory (see pare_events.h).
    if (!ev.path || ev.base || ev.path->empty() || (*ev.path)[0] != '/')
      return DecodeError{"record says its base is its path's parent but has no absolute path, or a base"};
    size_t slash = ev.path->rfind('/');
    ev.base = slash == 0 ? "/" : ev.path->substr(0, slash);
    ev.flags &= ~static_cast<uint32_t>(PARE_F_BASE_IS_PARENT);
  }
  return ev;
}

}  // namespace pare
