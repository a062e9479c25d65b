#include "traffic/traffic_plan.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/wait_status.h"
#include "traffic/http_client.h"

namespace pare {

namespace {

using Clock = std::chrono::steady_clock;

std::pair<std::string, int> host_port(const std::string& hp) {
  size_t colon = hp.rfind(':');
  if (colon == std::string::npos || colon == 0) throw Error(kExitUsage, "expected HOST:PORT, got " + hp);
  std::string host = hp.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = std::atoi(hp.c_str() + colon + 1);
  if (port <= 0 || port > 65535) throw Error(kExitUsage, "bad port in " + hp);
  return {host, port};
}

bool ok_status(int status) { return status >= 200 && status < 400; }

// sh -c CMD with ENV added; its exit code, or -1 after a timeout (then killed).
int run_shell(const std::string& cmd, const std::map<std::string, std::string>& env, double timeout_s,
              const std::function<bool()>& cancelled) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    setpgid(0, 0);  // its own group, so a timeout kills everything it started
    // pare's stdout carries data (a manifest, audit findings): what the traffic prints goes to stderr.
    dup2(STDERR_FILENO, STDOUT_FILENO);
    for (auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  while (true) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return exit_code_of(status);
    if (Clock::now() > deadline || cancelled()) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      return cancelled() ? -2 : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

void validate_traffic_plan(const TrafficPlan& plan) {
  for (auto& hp : plan.ready_tcp) host_port(hp);
  for (auto& hp : plan.implied_ready_tcp) host_port(hp);
  for (auto& u : plan.ready_http) parse_http_url(u);
  for (auto& u : plan.http_probes) parse_http_url(u);
}

std::vector<std::string> ready_tcp_targets(const TrafficPlan& plan) {
  if (plan.has_readiness() || plan.wait_exit) return plan.ready_tcp;
  std::vector<std::string> out;
  auto add = [&out](const std::string& hp) {
    if (std::find(out.begin(), out.end(), hp) == out.end()) out.push_back(hp);
  };
  for (auto& hp : plan.implied_ready_tcp) add(hp);
  for (auto& url : plan.http_probes) {
    Url u = parse_http_url(url);
    add((u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host) + ":" + std::to_string(u.port));
  }
  return out;
}

std::string wait_until_ready(const TrafficPlan& plan, const std::function<bool()>& alive) {
  auto deadline = Clock::now() + std::chrono::duration<double>(plan.ready_timeout_s);
  const auto tcp = ready_tcp_targets(plan);
  auto pending_tcp = tcp;
  auto pending_http = plan.ready_http;
  while (!pending_tcp.empty() || !pending_http.empty()) {
    if (!alive()) return "the app exited before it was ready";
    if (Clock::now() > deadline) {
      std::string what = !pending_tcp.empty() ? "tcp " + pending_tcp.front() : "http " + pending_http.front();
      // A wait pare chose itself says how to choose another.
      if (!plan.has_readiness())
        what += " (waited for by default; choose with --ready-tcp, --ready-http or --ready-delay)";
      return "not ready after " + std::to_string(static_cast<int>(plan.ready_timeout_s)) + "s: " + what;
    }
    if (!pending_tcp.empty()) {
      auto [host, port] = host_port(pending_tcp.front());
      if (tcp_connects(host, port, 500)) pending_tcp.erase(pending_tcp.begin());
    } else if (ok_status(http_request("GET", pending_http.front(), 2000).status)) {
      pending_http.erase(pending_http.begin());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (plan.ready_delay_s > 0) std::this_thread::sleep_for(std::chrono::duration<double>(plan.ready_delay_s));
  if (!alive() && (!tcp.empty() || !plan.ready_http.empty())) return "the app exited right after it was ready";
  return "";
}

std::string run_traffic(const TrafficPlan& plan, const std::map<std::string, std::string>& env,
                        const std::function<bool()>& cancelled) {
  for (auto& cmd : plan.commands) {
    spdlog::info("traffic: {}", cmd);
    int rc = run_shell(cmd, env, plan.command_timeout_s, cancelled);
    if (rc == -2) return "traffic interrupted: " + cmd;
    if (rc == -1) return "traffic command timed out: " + cmd;
    if (rc != 0) return "traffic command failed (exit " + std::to_string(rc) + "): " + cmd;
  }
  for (auto& url : plan.http_probes) {
    if (cancelled()) return "traffic interrupted";
    HttpResult r = http_request("GET", url, 10000);
    spdlog::info("probe: GET {} -> {}", url, r.status);
    if (!ok_status(r.status))
      return "http probe GET " + url + " failed: " + (r.status ? "status " + std::to_string(r.status) : r.error);
  }
  return "";
}

}  // namespace pare
