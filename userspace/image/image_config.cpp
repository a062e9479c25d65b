#include "image/image_config.h"

#include "common/error.h"

namespace pare {

using nlohmann::json;

namespace {

const char* const kKeptConfigKeys[] = {"Entrypoint", "Cmd",          "Env",    "User",      "WorkingDir",
                                       "ExposedPorts", "Labels", "StopSignal", "Volumes"};

void set_env(json& env, const std::string& kv) {
  size_t eq = kv.find('=');
  if (eq == std::string::npos || eq == 0) throw Error(kExitUsage, "--env " + kv + ": expected KEY=VALUE");
  std::string prefix = kv.substr(0, eq + 1);
  for (json& e : env)
    if (e.is_string() && e.get<std::string>().rfind(prefix, 0) == 0) {
      e = kv;
      return;
    }
  env.push_back(kv);
}

}  // namespace

json build_image_config(const OciWriteOptions& opts, const std::string& diff_id) {
  const json& base = opts.base_config.is_object() ? opts.base_config : json::object();
  json out = json::object();
  out["architecture"] = base.contains("architecture") ? base["architecture"] : json("amd64");
  out["os"] = base.contains("os") ? base["os"] : json("linux");
  if (base.contains("created")) out["created"] = base["created"];

  json cfg = json::object();
  if (base.contains("config") && base["config"].is_object())
    for (const char* k : kKeptConfigKeys)
      if (base["config"].contains(k) && !base["config"][k].is_null()) cfg[k] = base["config"][k];
  if (opts.entrypoint) {
    cfg["Entrypoint"] = *opts.entrypoint;
    if (!opts.cmd) cfg.erase("Cmd");
  }
  if (opts.cmd) cfg["Cmd"] = *opts.cmd;
  if (!opts.env.empty()) {
    if (!cfg.contains("Env") || !cfg["Env"].is_array()) cfg["Env"] = json::array();
    for (const std::string& kv : opts.env) set_env(cfg["Env"], kv);
  }
  out["config"] = cfg;

  out["rootfs"] = {{"type", "layers"}, {"diff_ids", json::array({diff_id})}};
  json hist = {{"created_by", "pare build"}};
  if (base.contains("created")) hist["created"] = base["created"];
  out["history"] = json::array({hist});
  return out;
}

}  // namespace pare
