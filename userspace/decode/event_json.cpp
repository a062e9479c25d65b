#include "decode/event_json.h"

#include <cstring>

#include "common/name_encoding.h"

namespace pare {

std::string errno_name(int err) {
  // strerrorname_np is glibc >= 2.32 (Debian 12 has 2.36).
  const char* name = strerrorname_np(err);
  return name ? name : "E" + std::to_string(err);
}

nlohmann::json event_to_json(const Event& ev) {
  nlohmann::json j = {
      {"type", event_type_name(static_cast<uint32_t>(ev.type))},
      {"ts_ns", ev.ts_ns},
      {"tgid", ev.tgid},
      {"pid", ev.pid},
      {"comm", encode_name(ev.comm)},
  };
  if (ev.type == EventType::kFork) j["ppid"] = ev.ppid;
  if (ev.syscall) j["syscall"] = ev.syscall;
  if (ev.ret < 0) j["errno"] = errno_name(ev.err());
  else if (ev.type == EventType::kExit) j["exit_status"] = ev.ret;
  if (ev.type == EventType::kOpen || ev.type == EventType::kOpenFail) j["open_flags"] = ev.aux;
  if (ev.dirfd != 0 && ev.dirfd != -100) j["dirfd"] = ev.dirfd;
  if (ev.raw) j["raw"] = encode_name(*ev.raw);
  if (ev.path) j["path"] = encode_name(*ev.path);
  if (ev.base) j["base"] = encode_name(*ev.base);
  if (ev.interp) j["interp"] = encode_name(*ev.interp);
  if (ev.ino) j["ino"] = ev.ino;
  nlohmann::json flags = nlohmann::json::array();
  static const std::pair<uint32_t, const char*> kFlags[] = {
      {PARE_F_PATH_TRUNCATED, "path_truncated"}, {PARE_F_PATH_DETACHED, "path_detached"},
      {PARE_F_BASE_TRUNCATED, "base_truncated"}, {PARE_F_BASE_DETACHED, "base_detached"},
      {PARE_F_RAW_TRUNCATED, "raw_truncated"},   {PARE_F_NOFOLLOW, "nofollow"},
      {PARE_F_EMPTY_PATH, "empty_path"},         {PARE_F_THREAD, "thread"},
  };
  for (auto [bit, name] : kFlags)
    if (ev.flags & bit) flags.push_back(name);
  if (!flags.empty()) j["flags"] = flags;
  return j;
}

}  // namespace pare
