// Readiness pare derives when no --ready-* option is given: the --http-probe
// ports and the image's ExposedPorts; waiting on them never fails a probe
// for a connection refused before the app listens.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "common/error.h"
#include "slim/run_spec.h"
#include "traffic/traffic_plan.h"

using pare::TrafficPlan;
using Strings = std::vector<std::string>;

TEST_CASE("readiness: probes' HOST:PORT when no readiness option is given", "[readiness]") {
  TrafficPlan plan;
  plan.http_probes = {"http://127.0.0.1:8080/", "http://127.0.0.1:8080/hello.txt", "http://localhost/x",
                      "http://[::1]:9000/"};
  CHECK(pare::ready_tcp_targets(plan) == Strings{"127.0.0.1:8080", "localhost:80", "[::1]:9000"});

  SECTION("the image's ports come first, each once") {
    plan.implied_ready_tcp = {"127.0.0.1:8080", "127.0.0.1:9090"};
    CHECK(pare::ready_tcp_targets(plan) ==
          Strings{"127.0.0.1:8080", "127.0.0.1:9090", "localhost:80", "[::1]:9000"});
  }
  SECTION("any readiness option is taken as it is") {
    plan.implied_ready_tcp = {"127.0.0.1:9090"};
    plan.ready_http = {"http://127.0.0.1:8080/health"};
    CHECK(pare::ready_tcp_targets(plan).empty());
    plan.ready_http.clear();
    plan.ready_tcp = {"127.0.0.1:7000"};
    CHECK(pare::ready_tcp_targets(plan) == Strings{"127.0.0.1:7000"});
    plan.ready_tcp.clear();
    plan.ready_delay_s = 1;
    CHECK(pare::ready_tcp_targets(plan).empty());
  }
  SECTION("--wait-exit apps are not waited for: the traffic runs after they exited") {
    plan.wait_exit = true;
    CHECK(pare::ready_tcp_targets(plan).empty());
  }
  SECTION("ports alone are no traffic: nothing to wait for") {
    TrafficPlan none;
    none.implied_ready_tcp = {"127.0.0.1:8080"};
    CHECK(none.empty());
  }
}

TEST_CASE("readiness: the image's tcp ExposedPorts on 127.0.0.1", "[readiness]") {
  nlohmann::json cfg = {{"config", {{"ExposedPorts", {{"8080/tcp", nlohmann::json::object()},
                                                      {"53/udp", nlohmann::json::object()},
                                                      {"9000", nlohmann::json::object()},
                                                      {"7/sctp", nlohmann::json::object()},
                                                      {"0/tcp", nlohmann::json::object()},
                                                      {"99999/tcp", nlohmann::json::object()},
                                                      {"80x/tcp", nlohmann::json::object()}}}}}};
  CHECK(pare::exposed_tcp_ports(cfg) == Strings{"127.0.0.1:8080", "127.0.0.1:9000"});
  CHECK(pare::exposed_tcp_ports(nlohmann::json::object()).empty());
  CHECK(pare::exposed_tcp_ports({{"config", {{"ExposedPorts", "8080/tcp"}}}}).empty());  // malformed: ignored
}

namespace {

// A socket bound to a free loopback port (so connections are refused) that
// starts listening after DELAY_MS, or never when DELAY_MS < 0.
struct LateListener {
  explicit LateListener(int delay_ms) {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    if (delay_ms >= 0)
      thread = std::thread([this, delay_ms] {
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        listen(fd, 16);
      });
  }
  ~LateListener() {
    if (thread.joinable()) thread.join();
    close(fd);
  }
  int fd = -1, port = 0;
  std::thread thread;
};

}  // namespace

TEST_CASE("readiness: a probe's port refusing connections at first is waited for", "[readiness]") {
  LateListener late(700);
  TrafficPlan plan;
  plan.ready_timeout_s = 10;
  plan.http_probes = {"http://127.0.0.1:" + std::to_string(late.port) + "/"};
  auto start = std::chrono::steady_clock::now();
  CHECK(pare::wait_until_ready(plan, [] { return true; }) == "");
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(600));
}

TEST_CASE("readiness: a derived wait times out with a hint", "[readiness]") {
  LateListener never(-1);
  TrafficPlan plan;
  plan.ready_timeout_s = 1;
  plan.http_probes = {"http://127.0.0.1:" + std::to_string(never.port) + "/"};
  std::string err = pare::wait_until_ready(plan, [] { return true; });
  CHECK_THAT(err, Catch::Contains("not ready after 1s: tcp 127.0.0.1:" + std::to_string(never.port)));
  CHECK_THAT(err, Catch::Contains("--ready-tcp"));
  CHECK(err.find('\n') == std::string::npos);
}
