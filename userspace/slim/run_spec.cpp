#include "slim/run_spec.h"

#include "common/error.h"
#include "container/user_lookup.h"

namespace pare {

namespace {

std::vector<std::string> strings(const nlohmann::json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (auto& s : j)
      if (s.is_string()) out.push_back(s);
  return out;
}

}  // namespace

ContainerSpec run_spec(const nlohmann::json& image_config, const std::vector<std::string>& command,
                       const std::string& rootfs, const std::string& user) {
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
  // --user wins over the image's User; either is resolved in the image's own files.
  std::string image_user = cfg.value("User", std::string());
  if (!user.empty() || !image_user.empty()) {
    ProcessUser u = !user.empty() ? resolve_user(rootfs, user, kExitUsage, "--user")
                                  : resolve_user(rootfs, image_user, kExitBadInput, "image User");
    spec.uid = u.uid;
    spec.gid = u.gid;
    spec.additional_gids = u.additional_gids;
  }
  return spec;
}

std::vector<std::string> exposed_tcp_ports(const nlohmann::json& image_config) {
  std::vector<std::string> out;
  if (!image_config.is_object()) return out;
  auto cfg = image_config.find("config");
  if (cfg == image_config.end() || !cfg->is_object()) return out;
  auto ports = cfg->find("ExposedPorts");
  if (ports == cfg->end() || !ports->is_object()) return out;
  for (auto& [key, unused] : ports->items()) {
    // "8080/tcp", or "8080" (tcp by default); udp and sctp cannot be waited for with connect().
    auto slash = key.find('/');
    std::string port = key.substr(0, slash), proto = slash == std::string::npos ? "tcp" : key.substr(slash + 1);
    if (proto != "tcp" || port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
      continue;
    int n = std::stoi(port);
    // The app shares the host's network namespace: its ports are the host's.
    if (n >= 1 && n <= 65535) out.push_back("127.0.0.1:" + std::to_string(n));
  }
  return out;
}

}  // namespace pare
