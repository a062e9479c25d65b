// Test traffic around a recording: wait until the app is ready, drive it
// (host shell commands, built-in HTTP probes), report the first failure.
// Traffic runs on the host, outside the recorded scope: none of its
// processes ever appear in a manifest.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace pare {

struct TrafficPlan {
  std::vector<std::string> ready_tcp;   // HOST:PORT accepting connections
  std::vector<std::string> ready_http;  // URL answering 2xx/3xx
  double ready_delay_s = 0;             // then wait this long
  double ready_timeout_s = 60;
  bool wait_exit = false;               // batch apps: run the traffic after the app exited by itself
  std::vector<std::string> commands;    // --traffic: `sh -c CMD` on the host, must exit 0
  std::vector<std::string> http_probes; // --http-probe: GET must answer 2xx/3xx
  double command_timeout_s = 300;
  double stop_timeout_s = 5;            // SIGTERM, this long, then SIGKILL
  // HOST:PORT the app is known to listen on (slim: the image's tcp
  // ExposedPorts), waited for only when no --ready-* option was given.
  std::vector<std::string> implied_ready_tcp;

  bool has_readiness() const { return !ready_tcp.empty() || !ready_http.empty() || ready_delay_s > 0; }
  bool empty() const { return !has_readiness() && !wait_exit && commands.empty() && http_probes.empty(); }
};

// Throws Error(kExitUsage) for a malformed HOST:PORT or URL.
void validate_traffic_plan(const TrafficPlan& plan);

// What readiness waits for over TCP: --ready-tcp when any --ready-* option
// was given; otherwise (not --wait-exit) the implied ports and each
// --http-probe's HOST:PORT, each once. A probe must not race the app's start.
std::vector<std::string> ready_tcp_targets(const TrafficPlan& plan);

// Waits for readiness (ready_tcp_targets, --ready-http, --ready-delay) while
// ALIVE() says the app runs; returns "" or why it failed.
std::string wait_until_ready(const TrafficPlan& plan, const std::function<bool()>& alive);
// Runs commands then probes; ENV is added to each command's environment. "" or
// the first failure. CANCELLED() ends a running command (its whole process group).
std::string run_traffic(const TrafficPlan& plan, const std::map<std::string, std::string>& env,
                        const std::function<bool()>& cancelled = [] { return false; });

}  // namespace pare
