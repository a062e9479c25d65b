// The node agent's pieces without a kernel or an engine: what podman and
// crictl print, read; container ids from cgroup paths; the per-image store's
// merge (order-free, idempotent, crash-safe, one agent per directory); scopes
// made per mount namespace from fake records.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "agent/container_engine.h"
#include "agent/container_scopes.h"
#include "agent/manifest_store.h"
#include "agent/runtime_events.h"
#include "common/error.h"
#include "support/run_pare.h"

namespace fs = std::filesystem;
using namespace pare;

namespace {

const std::string kHex = "f6887697bca42aa5a7e307ab36b8289c3f86cc4158a06113dd99527d70bd0691";
const std::string kId = "8c488802242d84a6838ac4f2813ba5b130a1bc77292295d22deef8c58ff78ab3";

Manifest run_of(const std::vector<std::string>& paths, bool complete = true) {
  Manifest m;
  m.tool_version = "0.1.0";
  m.target.root = "/";
  m.started_at = "2026-11-29T10:00:00.000Z";
  m.ended_at = "2026-11-29T10:01:00.000Z";
  m.complete = complete;
  if (!complete) m.incomplete_reasons = {"1 open records dropped (ring buffer or table full)"};
  m.syscalls = std::set<std::string>{"openat"};
  for (auto& p : paths) {
    PathEntry e;
    e.type = "file";
    e.kinds = {"read"};
    e.why = {"traced"};
    e.count = 1;
    m.paths[p] = e;
  }
  return m;
}

Event record(uint32_t mntns, uint32_t tgid, const std::string& path) {
  Event ev;
  ev.type = EventType::kOpen;
  ev.mntns = mntns;
  ev.tgid = ev.pid = tgid;
  ev.path = path;
  ev.comm = "cat";
  return ev;
}

}  // namespace

TEST_CASE("agent: podman events are read line by line - other types and junk are skipped", "[agent]") {
  auto e = parse_podman_event(R"({"ID":")" + kId +
                              R"(","Image":"localhost/a:1","Name":"c1","Status":"start","Time":"2026-11-29T18:15:38.5Z","Type":"container","Attributes":{}})");
  REQUIRE(e);
  CHECK(e->id == kId);
  CHECK(e->name == "c1");
  CHECK(e->status == "start");
  CHECK(e->image == "localhost/a:1");
  CHECK_FALSE(parse_podman_event(R"({"ID":"x","Status":"pull","Type":"image"})"));
  CHECK_FALSE(parse_podman_event("not json"));
  CHECK_FALSE(parse_podman_event(R"({"Type":"container","Status":"start"})"));  // no id
}

TEST_CASE("agent: podman and crictl inspect output give id - pid - image digest - creation time", "[agent]") {
  auto p = parse_podman_container(R"([{"Id":")" + kId + R"(","Name":"web","Created":"2026-11-29T18:15:37.565084419Z",
    "State":{"Status":"running","Running":true,"Pid":4242},"Image":")" + kHex + R"(","ImageName":"localhost/a:1"}])");
  REQUIRE(p);
  CHECK(p->id == kId);
  CHECK(p->name == "web");
  CHECK(p->pid == 4242);
  CHECK(p->image_digest == kHex);
  CHECK(p->created_unix == 1795976137);
  auto exited = parse_podman_container(R"([{"Id":"abc","State":{"Running":false,"Pid":0},"Image":"sha256:)" + kHex + R"("}])");
  REQUIRE(exited);
  CHECK(exited->pid == 0);
  CHECK(exited->image_digest == kHex);
  CHECK_FALSE(parse_podman_container("[]"));
  CHECK_FALSE(parse_podman_container("Error: no such container"));

  auto c = parse_crictl_container(R"({"status":{"id":")" + kId + R"(","metadata":{"name":"nginx"},"state":"CONTAINER_RUNNING",
    "createdAt":"1795976137000000000","image":{"image":"docker.io/library/nginx:1.25"},
    "imageRef":"docker.io/library/nginx@sha256:)" + std::string(64, 'a') + R"("},"info":{"pid":77,"imageRef":"sha256:)" + kHex + R"("}})");
  REQUIRE(c);
  CHECK(c->pid == 77);
  CHECK(c->name == "nginx");
  CHECK(c->image_digest == kHex);  // the image id (config digest), like podman's
  CHECK(c->created_unix == 1795976137);
  auto repo_only = parse_crictl_container(R"({"status":{"id":"x","state":"CONTAINER_EXITED",
    "imageRef":"docker.io/library/nginx@sha256:)" + std::string(64, 'a') + R"("},"info":{}})");
  REQUIRE(repo_only);
  CHECK(repo_only->pid == 0);
  CHECK(repo_only->image_digest == std::string(64, 'a'));
}

TEST_CASE("agent: only 64 lowercase hex digits name a manifest file", "[agent]") {
  CHECK(sha256_hex("sha256:" + kHex) == kHex);
  CHECK(sha256_hex(kHex) == kHex);
  CHECK(sha256_hex("sha512:" + kHex).empty());
  CHECK(sha256_hex("../../etc/passwd").empty());
  CHECK(sha256_hex(std::string(63, 'a') + "/").empty());
  CHECK(sha256_hex(std::string(64, 'A')).empty());
  test::TempDir d;
  ManifestStore store(d / "out");
  CHECK(store.path_for(kHex) == d / "out/sha256-" + kHex + ".json");
  CHECK_THROWS_AS(store.path_for("../x"), Error);
  CHECK_THROWS_AS(store.path_for(""), Error);
}

TEST_CASE("agent: container ids in cgroup paths of podman - systemd - containerd - docker", "[agent]") {
  CHECK(container_id_from_cgroup("9:name=systemd:/libpod_parent/libpod-" + kId + "\n0::/libpod_parent/libpod-" + kId +
                                 "\n") == kId);
  CHECK(container_id_from_cgroup("0::/machine.slice/libpod-" + kId + ".scope/container\n") == kId);
  CHECK(container_id_from_cgroup("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234.slice/"
                                 "cri-containerd-" + kId + ".scope\n") == kId);
  CHECK(container_id_from_cgroup("0::/kubepods/burstable/pod5f0e/" + kId + "\n") == kId);
  CHECK(container_id_from_cgroup("12:memory:/docker/" + kId + "\n") == kId);
  CHECK(container_id_from_cgroup("0::/system.slice/nginx.service\n").empty());
  CHECK(container_id_from_cgroup("0::/user.slice/" + kId + "0\n").empty());  // 65 hex digits: not an id
  CHECK(container_id_from_cgroup("").empty());
}

TEST_CASE("agent: RFC 3339 times with a zone or Z", "[agent]") {
  CHECK(parse_rfc3339("2026-11-29T18:15:37Z") == 1795976137);
  CHECK(parse_rfc3339("2026-11-29T18:15:37.565084419Z") == 1795976137);
  CHECK(parse_rfc3339("2026-11-29T19:15:37.5+01:00") == 1795976137);
  CHECK(parse_rfc3339("2026-11-29T17:15:37-01:00") == 1795976137);
  CHECK_FALSE(parse_rfc3339("yesterday"));
  CHECK_FALSE(parse_rfc3339(""));
}

TEST_CASE("agent: the per-image store merges in any order to the same file - again changes nothing", "[agent]") {
  test::TempDir d;
  Manifest a = run_of({"/bin/sh", "/etc/a"});
  Manifest b = run_of({"/bin/sh", "/etc/b"}, false);
  Manifest c = run_of({"/etc/c"});
  std::string ab, ba;
  {
    ManifestStore s(d / "ab");
    s.merge(kHex, a);
    s.merge(kHex, b);
    s.merge(kHex, c);
    ab = test::slurp(s.path_for(kHex));
    s.merge(kHex, b);  // idempotent: a flush of what is already there
    s.merge(kHex, a);
    CHECK(test::slurp(s.path_for(kHex)) == ab);
  }
  {
    ManifestStore s(d / "ba");
    s.merge(kHex, c);
    s.merge(kHex, b);
    s.merge(kHex, a);
    ba = test::slurp(s.path_for(kHex));
  }
  CHECK(ab == ba);
  Manifest m = read_manifest_file(d / "ab/sha256-" + kHex + ".json");
  CHECK(m.paths.size() == 4);
  CHECK_FALSE(m.complete);  // one input was not
  for (auto& e : fs::directory_iterator(d / "ab")) CHECK(e.path().filename() == "sha256-" + kHex + ".json");
}

TEST_CASE("agent: the store moves an unreadable file aside - removes stale temporaries - allows one agent per directory",
          "[agent]") {
  test::TempDir d;
  fs::create_directories(d / "out");
  const std::string name = "sha256-" + kHex + ".json";
  std::string stale = d.write("out/" + name + ".tmp-AbC123", "half a manifest");
  d.write("out/" + name, "{ not a manifest");
  d.write("out/notes.txt", "mine");
  {
    ManifestStore s(d / "out");
    CHECK_FALSE(fs::exists(stale));
    CHECK(fs::exists(d / "out/notes.txt"));  // only pare's own temporaries go
    CHECK_THROWS_WITH(ManifestStore(d / "out"), Catch::Contains("in use by another pare agent"));
    s.merge(kHex, run_of({"/etc/a"}));
    CHECK(read_manifest_file(s.path_for(kHex)).paths.count("/etc/a"));
    size_t aside = 0;
    for (auto& e : fs::directory_iterator(d / "out"))
      if (e.path().filename().string().rfind(name + ".unreadable-", 0) == 0) {
        ++aside;
        CHECK(test::slurp(e.path()) == "{ not a manifest");
      }
    CHECK(aside == 1);
  }
  ManifestStore again(d / "out");  // the lock went with the first store
  CHECK_THROWS_WITH(ManifestStore(d / "missing/out"), Catch::Contains("cannot create the directory"));
  CHECK_THROWS_WITH(ManifestStore(d / "out/notes.txt"), Catch::Contains("is not a directory"));
}

TEST_CASE("agent: records go to one scope per mount namespace - the host's and ignored ones to none", "[agent]") {
  ContainerScopes scopes({1000}, 3);
  ContainerScope* a = scopes.route(record(2001, 50, "/etc/a"));
  REQUIRE(a);
  CHECK(a->init == 50);  // the first record of a namespace: its first process
  CHECK(scopes.route(record(2001, 51, "/etc/a2")) == a);
  ContainerScope* b = scopes.route(record(2002, 60, "/etc/b"));
  REQUIRE(b);
  CHECK(b != a);
  CHECK(scopes.take_fresh() == std::vector<uint32_t>{2001, 2002});
  CHECK(scopes.take_fresh().empty());
  CHECK(a->agg.observations().objects.count("/etc/a"));
  CHECK(a->agg.observations().objects.count("/etc/a2"));
  CHECK_FALSE(a->agg.observations().objects.count("/etc/b"));
  CHECK(scopes.route(record(1000, 1, "/etc/host")) == nullptr);
  CHECK(scopes.route(record(0, 1, "/etc/none")) == nullptr);
  // Ignored (no engine claimed it): its later records are dropped, no new scope.
  scopes.ignore(2002);
  CHECK(scopes.find(2002) == nullptr);
  CHECK(scopes.route(record(2002, 60, "/etc/b2")) == nullptr);
  // Its first process (no pidfd here) is gone: forgotten, so a reused inode number is a new scope.
  CHECK(scopes.expire_ignored() == std::vector<uint32_t>{2002});
  CHECK(scopes.route(record(2002, 70, "/etc/b3")) != nullptr);
  // At most MAX scopes at once; the rest are counted.
  CHECK(scopes.route(record(2003, 80, "/x")) != nullptr);
  CHECK(scopes.route(record(2004, 90, "/y")) == nullptr);
  CHECK(scopes.overflow() == 1);
  scopes.remove(2001);
  CHECK(scopes.find(2001) == nullptr);
  CHECK(scopes.route(record(2004, 90, "/y")) != nullptr);
}
