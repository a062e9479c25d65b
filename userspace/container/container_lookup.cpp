#include "container/container_lookup.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/subprocess.h"

namespace pare {

namespace {

const char* const kClis[] = {"podman", "crictl", "ctr"};

std::optional<pid_t> positive_pid(long long v) {
  if (v <= 0 || v > (1 << 22)) return std::nullopt;  // 0: not running; PID_MAX_LIMIT bounds the rest
  return static_cast<pid_t>(v);
}

std::string tool_says(const std::string& tool, const ToolRun& r) {
  return tool + (r.err_line.empty() ? " exited " + std::to_string(r.exit_code) : ": " + r.err_line);
}

[[noreturn]] void not_running(const std::string& name, const std::string& why) {
  throw Error(kExitTarget, "container " + name + " is not running (" + why + "): start it first, pare attaches to a "
                                                                          "running container");
}

FoundContainer with_podman(FoundContainer c) {
  ToolRun r = run_tool({c.cli_path, "container", "inspect", "--format", "{{.State.Pid}} {{.State.Status}} {{.Id}}", c.name});
  if (r.exit_code != 0) throw Error(kExitTarget, "no container " + c.name + " in podman (" + tool_says("podman", r) + ")");
  std::string why;
  auto pid = parse_podman_state(r.out, &c.id, &why);
  if (!pid) not_running(c.name, "podman says " + why);
  c.pid = *pid;
  return c;
}

FoundContainer with_crictl(FoundContainer c) {
  ToolRun r = run_tool({c.cli_path, "inspect", c.name});
  if (r.exit_code != 0) {
    // Not an id: perhaps a name (crictl matches names by regex; anchored here).
    ToolRun ps = run_tool({c.cli_path, "ps", "-a", "-q", "--name", "^" + c.name + "$"});
    std::string id = ps.out.substr(0, ps.out.find('\n'));
    if (ps.exit_code != 0 || id.empty())
      throw Error(kExitTarget, "no container " + c.name + " in crictl (" + tool_says("crictl", r) + ")");
    r = run_tool({c.cli_path, "inspect", id});
    if (r.exit_code != 0) throw Error(kExitTarget, "crictl inspect " + id + " failed (" + tool_says("crictl", r) + ")");
  }
  std::string why;
  auto pid = parse_crictl_inspect(r.out, &c.id, &why);
  if (!pid) not_running(c.name, "crictl says " + why);
  c.pid = *pid;
  return c;
}

FoundContainer with_ctr(FoundContainer c) {
  ToolRun r = run_tool({c.cli_path, "task", "ls"});
  if (r.exit_code != 0) throw Error(kExitTarget, "ctr task ls failed (" + tool_says("ctr", r) + ")");
  std::string why;
  auto pid = parse_ctr_tasks(r.out, c.name, &why);
  if (!pid) {
    const char* ns = std::getenv("CONTAINERD_NAMESPACE");
    std::string where = std::string(" in containerd namespace ") + (ns && *ns ? ns : "default");
    if (why.empty()) throw Error(kExitTarget, "no running task for container " + c.name + where + " (ctr task ls)");
    not_running(c.name, "ctr says " + why + where);
  }
  c.id = c.name;
  c.pid = *pid;
  return c;
}

}  // namespace

std::optional<pid_t> parse_podman_state(const std::string& out, std::string* id, std::string* why) {
  std::istringstream in(out);
  long long pid = 0;
  std::string status;
  if (!(in >> pid >> status >> *id)) {
    *why = "unexpected inspect output '" + out.substr(0, 200) + "'";
    return std::nullopt;
  }
  auto p = positive_pid(pid);
  if (status != "running" || !p) {
    *why = "status " + status;
    return std::nullopt;
  }
  return p;
}

std::optional<pid_t> parse_crictl_inspect(const std::string& out, std::string* id, std::string* why) {
  auto j = nlohmann::json::parse(out, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    *why = "output that is not JSON";
    return std::nullopt;
  }
  const auto& status = j.value("status", nlohmann::json::object());
  const auto& info = j.value("info", nlohmann::json::object());
  std::string state = status.is_object() ? status.value("state", "") : "";
  if (status.is_object()) *id = status.value("id", "");
  long long pid = 0;
  if (info.is_object() && info.contains("pid") && info["pid"].is_number_integer()) pid = info["pid"].get<long long>();
  auto p = positive_pid(pid);
  if (state != "CONTAINER_RUNNING" || !p) {
    *why = "state " + (state.empty() ? std::string("unknown") : state);
    return std::nullopt;
  }
  return p;
}

std::optional<pid_t> parse_ctr_tasks(const std::string& out, const std::string& name, std::string* why) {
  std::istringstream lines(out);
  std::string line;
  why->clear();
  while (std::getline(lines, line)) {
    std::istringstream cols(line);
    std::string task, status;
    long long pid = 0;
    if (!(cols >> task) || task != name) continue;
    if (!(cols >> pid >> status)) {
      *why = "an unreadable row '" + line + "'";
      return std::nullopt;
    }
    auto p = positive_pid(pid);
    if (status != "RUNNING" || !p) {
      *why = "status " + status;
      return std::nullopt;
    }
    return p;
  }
  return std::nullopt;  // no row: *WHY stays empty
}

FoundContainer find_container(const std::string& name, const std::string& runtime_cli) {
  if (name.empty()) throw Error(kExitUsage, "--container needs a name or id");
  FoundContainer c;
  c.name = name;
  if (runtime_cli.empty()) {
    for (const char* cli : kClis) {
      c.cli_path = find_tool(cli);
      if (!c.cli_path.empty()) {
        c.cli = cli;
        break;
      }
    }
    if (c.cli.empty())
      throw Error(kExitEnvironment, "--container needs podman, crictl or ctr to find the container: install one "
                                    "(apt-get install podman) or use --pid PID");
  } else {
    bool known = false;
    for (const char* cli : kClis) known |= runtime_cli == cli;
    if (!known) throw Error(kExitUsage, "unknown --runtime-cli " + runtime_cli + " (podman, crictl or ctr)");
    c.cli = runtime_cli;
    c.cli_path = find_tool(runtime_cli);
    if (c.cli_path.empty())
      throw Error(kExitEnvironment, "--runtime-cli " + runtime_cli + ": " + runtime_cli + " is not installed");
  }
  FoundContainer found = c.cli == "podman" ? with_podman(c) : c.cli == "crictl" ? with_crictl(c) : with_ctr(c);
  spdlog::info("container {} ({} {}) has init pid {}", name, found.cli, found.id, found.pid);
  return found;
}

}  // namespace pare
