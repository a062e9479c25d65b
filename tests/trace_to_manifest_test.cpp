// From observations to manifest entries against a fake root tree: links on the
// way, types, missing lookups, completeness. No kernel involved.
#include <catch2/catch.hpp>
#include <filesystem>

#include "aggregate/aggregator.h"
#include "manifest/trace_to_manifest.h"
#include "support/run_pare.h"

namespace {

pare::Event ev_open(const std::string& raw, const std::string& path) {
  pare::Event ev;
  ev.type = pare::EventType::kOpen;
  ev.tgid = 1;
  ev.comm = "app";
  ev.raw = raw;
  ev.path = path;
  return ev;
}

}  // namespace

TEST_CASE("trace to manifest: requested names bring their symlinks, typed", "[manifest]") {
  test::TempDir root;
  root.write("usr/lib/libfoo.so.1.0", "x");
  root.symlink("usr/lib/libfoo.so.1", "libfoo.so.1.0");
  root.symlink("lib", "usr/lib");
  pare::RootFs fs(root.path());
  pare::Aggregator agg;
  agg.add(ev_open("/lib/libfoo.so.1", "/usr/lib/libfoo.so.1.0"));
  pare::Event miss;
  miss.type = pare::EventType::kOpenFail;
  miss.raw = "/lib/libbar.so";
  miss.ret = -2;
  agg.add(miss);

  pare::Manifest m;
  pare::fill_manifest_from_trace(m, agg.observations(), {{{"open", 0}}}, fs);
  REQUIRE(m.paths.count("/usr/lib/libfoo.so.1.0"));
  CHECK(m.paths["/usr/lib/libfoo.so.1.0"].type == "file");
  CHECK(m.paths["/usr/lib/libfoo.so.1.0"].kinds == std::set<std::string>{"read"});
  CHECK(m.paths["/lib"].type == "symlink");
  CHECK(m.paths["/lib"].target == "usr/lib");
  CHECK(m.paths["/usr/lib/libfoo.so.1"].target == "libfoo.so.1.0");
  CHECK(m.paths["/usr/lib/libfoo.so.1"].why.count("symlink on the way to /usr/lib/libfoo.so.1.0") == 1);
  // The failed lookup is listed apart and never among the paths.
  REQUIRE(m.missing.count("/usr/lib/libbar.so"));
  CHECK(m.missing["/usr/lib/libbar.so"].errors == std::set<std::string>{"ENOENT"});
  CHECK(m.paths.count("/usr/lib/libbar.so") == 0);
  CHECK(m.complete);
}

TEST_CASE("trace to manifest: PT_INTERP of an executed ELF is kept with its links", "[manifest]") {
  test::TempDir root;
  // A real dynamic ELF copied into the fake root brings its PT_INTERP string.
  root.mkdir("usr/bin");
  std::filesystem::copy_file("/usr/bin/true", root / "usr/bin/true");
  root.write("usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "ld");
  root.symlink("usr/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
  root.symlink("lib64", "usr/lib64");
  root.symlink("lib", "usr/lib");
  pare::RootFs fs(root.path());
  pare::Aggregator agg;
  pare::Event ex;
  ex.type = pare::EventType::kExec;
  ex.raw = "/usr/bin/true";
  ex.path = "/usr/bin/true";
  agg.add(ex);
  pare::Manifest m;
  pare::fill_manifest_from_trace(m, agg.observations(), {}, fs);
  auto& ld = m.paths["/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"];
  CHECK(ld.kinds.count("elf-interp"));
  CHECK(ld.why.count("elf-interp of /usr/bin/true"));
  CHECK(m.paths["/lib64"].target == "usr/lib64");
  CHECK(m.paths["/usr/lib64/ld-linux-x86-64.so.2"].type == "symlink");
  CHECK(m.paths["/lib"].type == "symlink");
}

TEST_CASE("trace to manifest: drops or truncation make it incomplete, with reasons", "[manifest]") {
  test::TempDir root;
  pare::RootFs fs(root.path());
  pare::Aggregator agg;
  pare::Manifest m;
  pare::fill_manifest_from_trace(m, agg.observations(), {{{"exec", 4}, {"open", 0}}}, fs);
  CHECK_FALSE(m.complete);
  REQUIRE(m.incomplete_reasons.size() == 1);
  CHECK_THAT(m.incomplete_reasons[0], Catch::Contains("4 exec records dropped"));

  pare::Aggregator agg2;
  agg2.add_decode_error();
  pare::Manifest m2;
  pare::fill_manifest_from_trace(m2, agg2.observations(), {}, fs);
  CHECK_FALSE(m2.complete);
}

TEST_CASE("trace to manifest: a failed call on an existing object keeps the object", "[manifest]") {
  test::TempDir root;
  root.write("var/lock/app.lock", "");
  pare::RootFs fs(root.path());
  pare::Aggregator agg;
  pare::Event ev;
  ev.type = pare::EventType::kOpenFail;
  ev.raw = "/var/lock/app.lock";
  ev.ret = -17;  // EEXIST from O_CREAT|O_EXCL: the app saw it there
  ev.aux = 0301;
  agg.add(ev);
  pare::Manifest m;
  pare::fill_manifest_from_trace(m, agg.observations(), {}, fs);
  REQUIRE(m.paths.count("/var/lock/app.lock"));
  CHECK(m.paths["/var/lock/app.lock"].kinds.count("checked"));
  CHECK(m.missing["/var/lock/app.lock"].errors == std::set<std::string>{"EEXIST"});
}

TEST_CASE("trace to manifest: thousands of names resolve on two threads into the same entries, in order", "[manifest]") {
  // Over 4096 names: resolved in chunks by two threads (trace_to_manifest.cpp).
  test::TempDir root;
  const int dirs = 6, files = 900;
  for (int d = 0; d < dirs; ++d)
    for (int f = 0; f < files; ++f) root.write("d" + std::to_string(d) + "/f" + std::to_string(f), "x");
  root.symlink("link", "d3");
  pare::RootFs fs(root.path());
  pare::RootFs::StableTree stable(fs);
  pare::Aggregator agg;
  for (int d = 0; d < dirs; ++d)
    for (int f = 0; f < files; ++f) {
      pare::Event ev;
      ev.type = f % 7 == 0 ? pare::EventType::kCheckFail : pare::EventType::kCheck;
      ev.tgid = 1;
      ev.comm = "app";
      // d3's files are asked for through the link; every 7th name is one that fails.
      std::string dir = d == 3 ? "/link" : "/d" + std::to_string(d);
      ev.raw = dir + (f % 7 == 0 ? "/gone" : "/f") + std::to_string(f);
      if (f % 7 == 0) ev.ret = -2;
      agg.add(ev);
    }
  pare::Manifest m;
  pare::fill_manifest_from_trace(m, agg.observations(), {{{"check", 0}}}, fs);
  size_t checked = 0;
  for (int d = 0; d < dirs; ++d)
    for (int f = 0; f < files; ++f) {
      std::string dir = "/d" + std::to_string(d);
      if (f % 7 == 0) {
        CHECK(m.missing.count(dir + "/gone" + std::to_string(f)) == 1);
        continue;
      }
      auto it = m.paths.find(dir + "/f" + std::to_string(f));
      REQUIRE(it != m.paths.end());
      CHECK(it->second.type == "file");
      CHECK(it->second.kinds == std::set<std::string>{"checked"});
      if (d == 3) CHECK(m.paths["/link"].why.count("symlink on the way to " + it->first) == 1);
      ++checked;
    }
  CHECK(checked == dirs * (files - files / 7 - 1));
  CHECK(m.paths["/link"].type == "symlink");
  CHECK(m.paths["/link"].target == "d3");
  // Every failure through the link is placed at its physical spelling.
  CHECK(m.paths["/link"].why.count("symlink on the way to /d3/gone0 (missing)") == 1);
  CHECK(m.missing.size() == static_cast<size_t>(dirs * (files / 7 + 1)));
}
