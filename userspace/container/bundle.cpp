#include "container/bundle.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/output_file.h"
#include "common/error.h"
#include "common/json_input.h"
#include "common/name_encoding.h"

namespace pare {

namespace fs = std::filesystem;
using nlohmann::json;

BundleInfo read_bundle(const std::string& dir) {
  BundleInfo b;
  b.dir = fs::absolute(dir).lexically_normal().string();
  std::string config_path = b.dir + "/config.json";
  std::ifstream in(config_path);
  if (!in) throw Error(kExitBadInput, "bundle " + dir + ": no config.json (make one with `runc spec`)");
  std::stringstream ss;
  ss << in.rdbuf();
  json c = parse_json_limited(ss.str(), "bundle " + dir + ": config.json");
  if (!c.is_object()) throw Error(kExitBadInput, "bundle " + dir + ": config.json is not a JSON object");
  auto root = c.find("root");
  if (root == c.end() || !root->is_object() || !root->contains("path") || !(*root)["path"].is_string())
    throw Error(kExitBadInput, "bundle " + dir + ": config.json has no root.path");
  std::string rp = (*root)["path"];
  if (rp.empty()) throw Error(kExitBadInput, "bundle " + dir + ": config.json has an empty root.path");
  b.rootfs = rp[0] == '/' ? rp : (fs::path(b.dir) / rp).lexically_normal().string();
  struct stat st;
  if (stat(b.rootfs.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw Error(kExitBadInput, "bundle " + dir + ": root.path " + b.rootfs + " is not a directory");
  auto proc = c.find("process");
  if (proc == c.end() || !proc->is_object()) throw Error(kExitBadInput, "bundle " + dir + ": config.json has no process");
  if (proc->value("terminal", false))
    throw Error(kExitBadInput, "bundle " + dir + ": process.terminal is true; set it to false to record without a terminal");
  if (auto args = proc->find("args"); args != proc->end() && args->is_array())
    for (auto& a : *args)
      if (a.is_string()) b.args.push_back(a);
  if (auto env = proc->find("env"); env != proc->end() && env->is_array())
    for (auto& e : *env)
      if (e.is_string()) b.env.push_back(e);
  b.config = std::move(c);
  return b;
}

namespace {

// pare's own open-file limit: raising it would need CAP_SYS_RESOURCE, which
// this machine (and many CI runners) do not grant.
json nofile_limit() {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) rl.rlim_cur = rl.rlim_max = 1024;
  return {{"type", "RLIMIT_NOFILE"}, {"hard", rl.rlim_max}, {"soft", rl.rlim_max}};
}

}  // namespace

json bundle_config(const ContainerSpec& spec) {
  // The capabilities container engines grant by default: enough for servers
  // that start as root and drop to a user (nginx), no more.
  json caps = {"CAP_CHOWN",      "CAP_DAC_OVERRIDE", "CAP_FSETID",   "CAP_FOWNER",     "CAP_MKNOD",
               "CAP_NET_RAW",    "CAP_SETGID",       "CAP_SETUID",   "CAP_SETFCAP",    "CAP_SETPCAP",
               "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"};
  // Sharing the host's network namespace: no raw sockets for the app.
  if (spec.host_network) caps.erase(std::find(caps.begin(), caps.end(), "CAP_NET_RAW"));
  json namespaces = json::array({{{"type", "pid"}}, {{"type", "ipc"}}, {{"type", "uts"}}, {{"type", "mount"}}});
  if (!spec.host_network) namespaces.push_back({{"type", "network"}});
  json config = {
      {"ociVersion", "1.0.2-dev"},
      {"process",
       {{"terminal", false},
        {"user", {{"uid", spec.uid}, {"gid", spec.gid}, {"additionalGids", spec.additional_gids}}},
        {"args", spec.args},
        {"env", spec.env},
        {"cwd", spec.cwd.empty() ? "/" : spec.cwd},
        {"capabilities", {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
        {"rlimits", json::array({nofile_limit()})},
        {"noNewPrivileges", false}}},
      {"root", {{"path", spec.rootfs}, {"readonly", false}}},
      {"hostname", "pare"},
      {"mounts",
       json::array({
           {{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}},
           {{"destination", "/dev"}, {"type", "tmpfs"}, {"source", "tmpfs"},
            {"options", {"nosuid", "strictatime", "mode=755", "size=65536k"}}},
           {{"destination", "/dev/pts"}, {"type", "devpts"}, {"source", "devpts"},
            {"options", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}}},
           {{"destination", "/dev/shm"}, {"type", "tmpfs"}, {"source", "shm"},
            {"options", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}}},
           {{"destination", "/dev/mqueue"}, {"type", "mqueue"}, {"source", "mqueue"},
            {"options", {"nosuid", "noexec", "nodev"}}},
           {{"destination", "/sys"}, {"type", "sysfs"}, {"source", "sysfs"},
            {"options", {"nosuid", "noexec", "nodev", "ro"}}},
       })},
      {"linux",
       {{"resources", {{"devices", json::array({{{"allow", false}, {"access", "rwm"}}})}}},
        {"namespaces", namespaces},
        {"maskedPaths", {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                         "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"}},
        {"readonlyPaths", {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}}}},
  };
  if (!spec.seccomp.is_null()) config["linux"]["seccomp"] = spec.seccomp;
  return config;
}

void write_bundle(const std::string& dir, const ContainerSpec& spec) {
  for (auto& a : spec.args) require_utf8(a, "the command word");
  for (auto& e : spec.env) require_utf8(e, "the environment entry");
  require_utf8(spec.cwd, "the working directory");
  fs::create_directories(dir);
  write_output(dir + "/config.json", bundle_config(spec).dump(2) + "\n");
}

}  // namespace pare
