#include "slim/run_spec.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "common/error.h"
#include "resolve/root_fs.h"

namespace pare {

namespace {

std::vector<std::string> strings(const nlohmann::json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (auto& s : j)
      if (s.is_string()) out.push_back(s);
  return out;
}

// NAME or UID in the rootfs's /etc/passwd (or /etc/group) -> id.
bool lookup_id(const std::string& rootfs, const char* file, const std::string& name, uint32_t& id, uint32_t* gid) {
  if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos) {
    id = static_cast<uint32_t>(std::stoul(name));
    return true;
  }
  // Through RootFs: /etc/passwd in an untrusted image may be a symlink to a
  // host file, a FIFO or /dev/zero.
  RootFs fs(rootfs);
  int fd = fs.open_read(file);
  std::string text;
  if (fd >= 0) {
    char buf[8192];
    ssize_t n;
    while (text.size() < (4u << 20) && (n = read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    close(fd);
  }
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string part;
    while (std::getline(ss, part, ':')) f.push_back(part);
    if (f.size() >= 3 && f[0] == name) {
      id = static_cast<uint32_t>(std::stoul(f[2]));
      if (gid && f.size() >= 4) *gid = static_cast<uint32_t>(std::stoul(f[3]));
      return true;
    }
  }
  return false;
}

}  // namespace

ContainerSpec run_spec(const nlohmann::json& image_config, const std::vector<std::string>& command,
                       const std::string& rootfs) {
  ContainerSpec spec;
  nlohmann::json cfg = image_config.is_object() ? image_config.value("config", nlohmann::json::object()) : nlohmann::json::object();
  if (!command.empty()) {
    spec.args = command;
  } else {
    spec.args = strings(cfg.value("Entrypoint", nlohmann::json::array()));
    auto cmd = strings(cfg.value("Cmd", nlohmann::json::array()));
    spec.args.insert(spec.args.end(), cmd.begin(), cmd.end());
  }
  if (spec.args.empty())
    throw Error(kExitUsage, "nothing to run: the image has no Entrypoint/Cmd; give the command after --");
  spec.env = strings(cfg.value("Env", nlohmann::json::array()));
  bool has_path = false;
  for (auto& e : spec.env) has_path |= e.rfind("PATH=", 0) == 0;
  if (!has_path) spec.env.push_back("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  spec.cwd = cfg.value("WorkingDir", std::string("/"));
  if (spec.cwd.empty()) spec.cwd = "/";
  std::string user = cfg.value("User", std::string());
  if (!user.empty()) {
    std::string u = user, g;
    if (auto colon = user.find(':'); colon != std::string::npos) {
      u = user.substr(0, colon);
      g = user.substr(colon + 1);
    }
    if (!lookup_id(rootfs, "/etc/passwd", u, spec.uid, g.empty() ? &spec.gid : nullptr))
      throw Error(kExitBadInput, "image User " + user + " is not in the rootfs's /etc/passwd");
    if (!g.empty() && !lookup_id(rootfs, "/etc/group", g, spec.gid, nullptr))
      throw Error(kExitBadInput, "image group " + g + " is not in the rootfs's /etc/group");
  }
  return spec;
}

}  // namespace pare
