// What podman, crictl and ctr print about a container, read into its init pid
// (or why there is none); the tools themselves are run by tests/podman_test.cpp.
#include <catch2/catch.hpp>

#include "container/container_lookup.h"

TEST_CASE("podman inspect output: running, stopped, garbage", "[container][lookup]") {
  std::string id, why;
  CHECK(pare::parse_podman_state("4711 running 0123abcd\n", &id, &why) == 4711);
  CHECK(id == "0123abcd");
  CHECK_FALSE(pare::parse_podman_state("0 exited 0123abcd\n", &id, &why));
  CHECK(why == "status exited");
  CHECK_FALSE(pare::parse_podman_state("0 created 0123abcd\n", &id, &why));
  CHECK(why == "status created");
  CHECK_FALSE(pare::parse_podman_state("4711 paused 0123abcd\n", &id, &why));
  CHECK_FALSE(pare::parse_podman_state("", &id, &why));
  CHECK_THAT(why, Catch::Contains("unexpected inspect output"));
  CHECK_FALSE(pare::parse_podman_state("99999999 running x\n", &id, &why));  // beyond PID_MAX_LIMIT
}

TEST_CASE("crictl inspect output: state and info.pid", "[container][lookup]") {
  std::string id, why;
  CHECK(pare::parse_crictl_inspect(R"({"status":{"id":"abc","state":"CONTAINER_RUNNING"},"info":{"pid":321}})", &id,
                                   &why) == 321);
  CHECK(id == "abc");
  CHECK_FALSE(pare::parse_crictl_inspect(R"({"status":{"id":"abc","state":"CONTAINER_EXITED"},"info":{"pid":0}})",
                                         &id, &why));
  CHECK(why == "state CONTAINER_EXITED");
  CHECK_FALSE(pare::parse_crictl_inspect(R"({"status":{"state":"CONTAINER_RUNNING"},"info":{}})", &id, &why));
  CHECK_FALSE(pare::parse_crictl_inspect(R"({"status":"x","info":[]})", &id, &why));
  CHECK(why == "state unknown");
  CHECK_FALSE(pare::parse_crictl_inspect("not json", &id, &why));
  CHECK(why == "output that is not JSON");
}

TEST_CASE("ctr task ls output: the row of the task", "[container][lookup]") {
  const std::string table =
      "TASK     PID      STATUS    \n"
      "web      4242     RUNNING\n"
      "batch    0        STOPPED\n"
      "webber   5151     RUNNING\n";
  std::string why;
  CHECK(pare::parse_ctr_tasks(table, "web", &why) == 4242);
  CHECK(pare::parse_ctr_tasks(table, "webber", &why) == 5151);
  CHECK_FALSE(pare::parse_ctr_tasks(table, "batch", &why));
  CHECK(why == "status STOPPED");
  CHECK_FALSE(pare::parse_ctr_tasks(table, "we", &why));
  CHECK(why.empty());  // no such task: no row
  CHECK_FALSE(pare::parse_ctr_tasks("TASK PID STATUS\nodd\n", "odd", &why));
  CHECK_THAT(why, Catch::Contains("unreadable row"));
}
