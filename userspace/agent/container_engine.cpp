#include "agent/container_engine.h"

#include <ctime>
#include <sstream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/subprocess.h"

namespace pare {

namespace {

using nlohmann::json;

bool is_hex64(const std::string& s, size_t at) {
  if (s.size() < at + 64) return false;
  for (size_t i = at; i < at + 64; ++i)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  return true;
}

std::optional<pid_t> live_pid(long long v) {
  if (v <= 0 || v > (1 << 22)) return std::nullopt;
  return static_cast<pid_t>(v);
}

const json& field(const json& j, const char* key) {
  static const json null;
  if (!j.is_object()) return null;
  auto it = j.find(key);
  return it == j.end() ? null : *it;
}

std::string text(const json& j) { return j.is_string() ? j.get<std::string>() : ""; }

}  // namespace

std::string sha256_hex(const std::string& s) {
  std::string hex = s.rfind("sha256:", 0) == 0 ? s.substr(7) : s;
  return hex.size() == 64 && is_hex64(hex, 0) ? hex : "";
}

std::string container_id_from_cgroup(const std::string& text) {
  std::string found;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    size_t colon = line.find(':', line.find(':') + 1);  // "ID:CONTROLLERS:PATH"
    if (colon == std::string::npos) continue;
    std::string path = line.substr(colon + 1);
    // The last 64-hex run not followed by more hex: the innermost container id.
    for (size_t i = 0; i + 64 <= path.size(); ++i) {
      bool starts = i == 0 || !std::isxdigit(static_cast<unsigned char>(path[i - 1]));
      bool ends = i + 64 == path.size() || !std::isxdigit(static_cast<unsigned char>(path[i + 64]));
      if (starts && ends && is_hex64(path, i)) found = path.substr(i, 64);
    }
  }
  return found;
}

std::optional<int64_t> parse_rfc3339(const std::string& s) {
  struct tm tm = {};
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return std::nullopt;
  while (*rest == '.' || (*rest >= '0' && *rest <= '9')) ++rest;  // fraction
  int64_t t = timegm(&tm);
  if (*rest == 'Z' && rest[1] == 0) return t;
  int hh = 0, mm = 0;
  char sign = 0;
  if (std::sscanf(rest, "%c%2d:%2d", &sign, &hh, &mm) == 3 && (sign == '+' || sign == '-'))
    return sign == '+' ? t - (hh * 3600 + mm * 60) : t + (hh * 3600 + mm * 60);
  return std::nullopt;
}

std::optional<ContainerFacts> parse_podman_container(const std::string& out) {
  auto j = json::parse(out, nullptr, false);
  if (j.is_array() && j.size() == 1) j = j[0];
  if (!j.is_object()) return std::nullopt;
  ContainerFacts f;
  f.id = text(field(j, "Id"));
  if (f.id.empty()) return std::nullopt;
  f.name = text(field(j, "Name"));
  const json& state = field(j, "State");
  const json& pid = field(state, "Pid");
  bool running = field(state, "Running").is_boolean() && field(state, "Running").get<bool>();
  if (running && pid.is_number_integer()) f.pid = live_pid(pid.get<long long>()).value_or(0);
  f.image_digest = sha256_hex(text(field(j, "Image")));
  f.image_name = text(field(j, "ImageName"));
  f.created_unix = parse_rfc3339(text(field(j, "Created")));
  return f;
}

std::optional<ContainerFacts> parse_crictl_container(const std::string& out) {
  auto j = json::parse(out, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  const json& status = field(j, "status");
  const json& info = field(j, "info");
  ContainerFacts f;
  f.id = text(field(status, "id"));
  if (f.id.empty()) return std::nullopt;
  f.name = text(field(field(status, "metadata"), "name"));
  const json& pid = field(info, "pid");
  if (text(field(status, "state")) == "CONTAINER_RUNNING" && pid.is_number_integer())
    f.pid = live_pid(pid.get<long long>()).value_or(0);
  // containerd's verbose info holds the image id (config digest); the CRI
  // status' imageRef is the repo digest when the image came from a registry.
  f.image_digest = sha256_hex(text(field(info, "imageRef")));
  if (f.image_digest.empty()) {
    std::string ref = text(field(status, "imageRef"));
    f.image_digest = sha256_hex(ref.substr(ref.find('@') == std::string::npos ? 0 : ref.find('@') + 1));
  }
  f.image_name = text(field(field(status, "image"), "image"));
  // createdAt: nanoseconds as a string (crictl's JSON of an int64), or RFC 3339.
  std::string created = text(field(status, "createdAt"));
  if (!created.empty() && created.find_first_not_of("0123456789") == std::string::npos && created.size() < 20)
    f.created_unix = std::stoll(created) / 1000000000;
  else
    f.created_unix = parse_rfc3339(created);
  return f;
}

ContainerEngine::ContainerEngine(const std::string& cli) {
  if (cli == "ctr")
    throw Error(kExitUsage, "--runtime-cli ctr: the agent does not support ctr yet (ctr names no image id); use "
                            "crictl for containerd, or podman");
  if (!cli.empty() && cli != "podman" && cli != "crictl")
    throw Error(kExitUsage, "unknown --runtime-cli " + cli + " (podman or crictl)");
  for (const char* c : {"podman", "crictl"}) {
    if (!cli.empty() && cli != c) continue;
    path_ = find_tool(c);
    if (!path_.empty()) {
      cli_ = c;
      return;
    }
  }
  if (!cli.empty()) throw Error(kExitEnvironment, "--runtime-cli " + cli + ": " + cli + " is not installed");
  throw Error(kExitEnvironment, "pare agent needs podman or crictl to name the containers it records: install one "
                                "(apt-get install podman)");
}

std::vector<std::string> ContainerEngine::running_ids() const {
  ToolRun r = cli_ == "podman" ? run_tool({path_, "ps", "--quiet", "--no-trunc"}) : run_tool({path_, "ps", "--quiet"});
  if (r.exit_code != 0) {
    spdlog::warn("{} ps failed ({}): containers already running are not recorded", cli_, r.err_line);
    return {};
  }
  std::vector<std::string> ids;
  std::istringstream in(r.out);
  std::string id;
  while (in >> id) ids.push_back(id);
  return ids;
}

std::optional<ContainerFacts> ContainerEngine::inspect(const std::string& id) const {
  ToolRun r = cli_ == "podman" ? run_tool({path_, "container", "inspect", id}) : run_tool({path_, "inspect", id});
  if (r.exit_code != 0) {
    spdlog::debug("{} inspect {}: {}", cli_, id, r.err_line);
    return std::nullopt;
  }
  return cli_ == "podman" ? parse_podman_container(r.out) : parse_crictl_container(r.out);
}

}  // namespace pare
