// The aggregator fed with fake events: kinds, counts, first process, and the
// records it must refuse to guess about.
#include <fcntl.h>

#include <catch2/catch.hpp>

#include "aggregate/aggregator.h"

using pare::Event;
using pare::EventType;

namespace {

Event open_event(const std::string& path, uint64_t flags, uint32_t pid = 10, const std::string& raw = "") {
  Event ev;
  ev.type = EventType::kOpen;
  ev.tgid = ev.pid = pid;
  ev.comm = "app" + std::to_string(pid);
  ev.aux = flags;
  ev.ret = 3;
  ev.path = path;
  ev.raw = raw.empty() ? path : raw;
  return ev;
}

pare::NameKey name(const std::string& raw, const std::string& base = "/", int err = 0, bool follow = true) {
  pare::NameKey k;
  k.raw = raw;
  k.base = base;
  k.err = err;
  k.follow_final = follow;
  return k;
}

}  // namespace

TEST_CASE("aggregator: open flags become access kinds", "[aggregator]") {
  using K = std::set<std::string>;
  CHECK(pare::Aggregator::open_kinds(O_RDONLY) == K{"read"});
  CHECK(pare::Aggregator::open_kinds(O_WRONLY) == K{"write"});
  CHECK(pare::Aggregator::open_kinds(O_RDWR) == K{"read", "write"});
  CHECK(pare::Aggregator::open_kinds(O_WRONLY | O_CREAT | O_TRUNC) == K{"write", "create"});
}

TEST_CASE("aggregator: repeated opens are one entry with a count and the first process", "[aggregator]") {
  pare::Aggregator agg;
  agg.add(open_event("/etc/hosts", O_RDONLY, 10));
  agg.add(open_event("/etc/hosts", O_RDWR, 11));
  agg.add(open_event("/etc/passwd", O_RDONLY, 12));
  auto& obs = agg.observations();
  REQUIRE(obs.objects.size() == 2);
  auto& hosts = obs.objects.at("/etc/hosts");
  CHECK(hosts.count == 2);
  CHECK(hosts.kinds == std::set<std::string>{"read", "write"});
  CHECK(hosts.first.pid == 10);
  CHECK(hosts.first.comm == "app10");
  CHECK(obs.records == 3);
}

TEST_CASE("aggregator: requested names are kept apart from resolved objects", "[aggregator]") {
  pare::Aggregator agg;
  auto ev = open_event("/usr/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY, 10, "/lib/x86_64-linux-gnu/libc.so.6");
  agg.add(ev);
  auto& obs = agg.observations();
  CHECK(obs.objects.count("/usr/lib/x86_64-linux-gnu/libc.so.6") == 1);
  CHECK(obs.names.count(name("/lib/x86_64-linux-gnu/libc.so.6")) == 1);
}

TEST_CASE("aggregator: a name spelling out the object it opened is not kept apart - any other is", "[aggregator]") {
  pare::Aggregator agg;
  auto relative = [](const std::string& path, const std::string& raw, const std::string& base) {
    auto ev = open_event(path, O_RDONLY, 10, raw);
    ev.base = base;
    return ev;
  };
  // Spelled out exactly: absolute, relative to the base, with "." and doubled slashes.
  agg.add(open_event("/usr/share/doc/a", O_RDONLY));
  agg.add(relative("/usr/share/doc/b", "doc/b", "/usr/share"));
  agg.add(relative("/usr/share/doc/c", "./doc//c", "/usr/share"));
  agg.add(open_event("/usr/share/doc/d", O_RDONLY, 10, "/usr/share/doc/d/"));
  auto& obs = agg.observations();
  CHECK(obs.objects.size() == 4);
  CHECK(obs.names.empty());
  CHECK(obs.objects.at("/usr/share/doc/b").count == 1);

  // Not the object's own spelling: a symlink may have been crossed, so the name is resolved later.
  agg.add(relative("/usr/share/doc/e", "../doc/e", "/usr/share/doc"));     // ".." may follow a link
  agg.add(open_event("/usr/lib/libz.so.1", O_RDONLY, 10, "/lib/libz.so.1"));  // merged /usr
  agg.add(relative("/usr/share/docs", "doc", "/usr/share"));                // a prefix is not the path
  agg.add(open_event("/usr/share/doc", O_RDONLY, 10, "/usr/share/doc/x"));  // nor a longer name
  auto cut = open_event("/usr/share/doc/f", O_RDONLY);
  cut.flags = PARE_F_PATH_TRUNCATED;                                          // only a suffix of the real path
  agg.add(cut);
  CHECK(obs.names.count(name("../doc/e", "/usr/share/doc")) == 1);
  CHECK(obs.names.count(name("/lib/libz.so.1")) == 1);
  CHECK(obs.names.count(name("doc", "/usr/share")) == 1);
  CHECK(obs.names.count(name("/usr/share/doc/x")) == 1);
  CHECK(obs.names.count(name("/usr/share/doc/f")) == 1);
  CHECK(obs.names.size() == 5);
}

TEST_CASE("aggregator: relative names carry their base - without one they are counted, not guessed", "[aggregator]") {
  pare::Aggregator agg;
  Event ev;
  ev.type = EventType::kCheck;
  ev.tgid = 5;
  ev.raw = "conf/app.ini";
  ev.base = "/srv";
  agg.add(ev);
  CHECK(agg.observations().names.count(name("conf/app.ini", "/srv")) == 1);

  Event lost = ev;
  lost.base.reset();
  agg.add(lost);
  CHECK(agg.observations().truncated == 1);
  CHECK(agg.observations().names.size() == 1);
}

TEST_CASE("aggregator: failures keep their errno - nofollow lookups are separate", "[aggregator]") {
  pare::Aggregator agg;
  Event ev;
  ev.type = EventType::kOpenFail;
  ev.raw = "/etc/missing.conf";
  ev.ret = -2;
  agg.add(ev);
  Event lstat;
  lstat.type = EventType::kCheck;
  lstat.raw = "/usr/bin/python3";
  lstat.flags = PARE_F_NOFOLLOW;
  agg.add(lstat);
  auto& names = agg.observations().names;
  CHECK(names.count(name("/etc/missing.conf", "/", 2)) == 1);
  CHECK(names.count(name("/usr/bin/python3", "/", 0, false)) == 1);
  CHECK(names.at(name("/etc/missing.conf", "/", 2)).kinds == std::set<std::string>{"read"});
}

TEST_CASE("aggregator: a #! exec yields exec+interpreter, the script name and the interpreter name", "[aggregator]") {
  pare::Aggregator agg;
  Event ev;
  ev.type = EventType::kExec;
  ev.tgid = 7;
  ev.raw = "./run.sh";
  ev.base = "/app";
  ev.path = "/usr/bin/dash";
  ev.interp = "/bin/sh";
  agg.add(ev);
  auto& obs = agg.observations();
  CHECK(obs.objects.at("/usr/bin/dash").kinds == std::set<std::string>{"exec", "interpreter"});
  CHECK(obs.names.at(name("./run.sh", "/app")).kinds == std::set<std::string>{"script"});
  CHECK(obs.names.at(name("/bin/sh")).kinds == std::set<std::string>{"interpreter"});
  CHECK(obs.processes.at("/usr/bin/dash").execs == 1);
  CHECK(obs.processes.at("/usr/bin/dash").scripts == std::set<std::string>{"./run.sh"});
}

TEST_CASE("aggregator: detached objects (memfd) are unbacked, flagged walks count as truncated", "[aggregator]") {
  pare::Aggregator agg;
  Event ev;
  ev.type = EventType::kExec;
  ev.raw = "/dev/fd/3";
  ev.path = "/memfd:x (deleted)";
  ev.flags = PARE_F_PATH_DETACHED;
  agg.add(ev);
  auto ev2 = open_event("/share/deep", O_RDONLY, 10, "/very/long/share/deep");
  ev2.flags = PARE_F_PATH_TRUNCATED;  // the walk gave only a suffix
  agg.add(ev2);
  auto& obs = agg.observations();
  CHECK(obs.unbacked.count("/memfd:x (deleted)") == 1);
  CHECK(obs.objects.count("/memfd:x (deleted)") == 0);
  CHECK(obs.processes.empty());
  CHECK(obs.objects.count("/share/deep") == 0);  // a suffix is not a path
  CHECK(obs.names.count(name("/very/long/share/deep")) == 1);  // the requested name still counts
  CHECK(obs.truncated == 1);
}

TEST_CASE("aggregator: io_uring use is a blind spot", "[aggregator]") {
  pare::Aggregator agg;
  Event ev;
  ev.type = EventType::kBlind;
  ev.aux = PARE_BLIND_IO_URING;
  ev.tgid = 99;
  ev.comm = "uring";
  agg.add(ev);
  REQUIRE(agg.observations().blind_spots.size() == 1);
  CHECK_THAT(*agg.observations().blind_spots.begin(), Catch::Contains("io_uring"));
}
