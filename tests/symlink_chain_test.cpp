// Symlink resolution inside a root, on real temp trees: chains, relative and
// absolute links, "..", loops, and links that try to leave the root.
#include <catch2/catch.hpp>

#include "resolve/symlink_chain.h"
#include "support/run_pare.h"

using pare::resolve_in_root;

namespace {

std::vector<std::string> links(const pare::Resolution& r) {
  std::vector<std::string> out;
  for (auto& h : r.hops) out.push_back(h.link + " -> " + h.target);
  return out;
}

}  // namespace

TEST_CASE("resolve: merged /usr and a versioned binary link", "[resolve]") {
  test::TempDir root;
  root.write("usr/lib/x86_64-linux-gnu/libz.so.1.2.13", "elf");
  root.symlink("usr/lib/x86_64-linux-gnu/libz.so.1", "libz.so.1.2.13");
  root.symlink("lib", "usr/lib");
  pare::RootFs fs(root.path());
  auto r = resolve_in_root(fs, "/lib/x86_64-linux-gnu/libz.so.1");
  CHECK(r.exists);
  CHECK(r.path == "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13");
  CHECK(links(r) == std::vector<std::string>{"/lib -> usr/lib", "/usr/lib/x86_64-linux-gnu/libz.so.1 -> libz.so.1.2.13"});
}

TEST_CASE("resolve: absolute links are taken inside the root, /etc/alternatives style", "[resolve]") {
  test::TempDir root;
  root.write("usr/bin/vim.basic", "elf");
  root.symlink("etc/alternatives/vi", "/usr/bin/vim.basic");
  root.symlink("usr/bin/vi", "/etc/alternatives/vi");
  pare::RootFs fs(root.path());
  auto r = resolve_in_root(fs, "/usr/bin/vi");
  CHECK(r.exists);
  CHECK(r.path == "/usr/bin/vim.basic");
  CHECK(r.hops.size() == 2);
}

TEST_CASE("resolve: relative names against a base, and .. after a symlink is physical", "[resolve]") {
  test::TempDir root;
  root.write("srv/app/conf/app.ini", "x");
  root.write("data/real/file", "x");
  root.symlink("srv/app/link", "/data/real");
  pare::RootFs fs(root.path());
  auto r = resolve_in_root(fs, "conf/app.ini", "/srv/app");
  CHECK(r.path == "/srv/app/conf/app.ini");
  CHECK(r.exists);
  // link/.. is /data, not /srv/app: the kernel follows the link before "..".
  auto up = resolve_in_root(fs, "link/../real/file", "/srv/app");
  CHECK(up.path == "/data/real/file");
  CHECK(up.exists);
}

TEST_CASE("resolve: a hostile link cannot leave the root", "[resolve]") {
  test::TempDir outside;
  outside.write("secret", "host secret");
  test::TempDir root;
  root.mkdir("etc");
  root.symlink("etc/passwd", "../../../../../../../../" + outside.path() + "/secret");
  root.symlink("escape", outside.path());
  pare::RootFs fs(root.path());
  auto r = resolve_in_root(fs, "/etc/passwd");
  CHECK_FALSE(r.exists);  // clamped at the root: the host file is not found
  CHECK(r.path == outside.path() + "/secret");
  CHECK_FALSE(resolve_in_root(fs, "/escape/secret").exists);
  CHECK_FALSE(resolve_in_root(fs, "/../../../../" + outside.path() + "/secret").exists);
  CHECK_FALSE(fs.lstat(outside.path() + "/secret").has_value());
}

TEST_CASE("resolve: loops end with loop=true, missing tails are kept lexically", "[resolve]") {
  test::TempDir root;
  root.symlink("a", "b");
  root.symlink("b", "a");
  root.mkdir("etc");
  pare::RootFs fs(root.path());
  auto loop = resolve_in_root(fs, "/a");
  CHECK(loop.loop);
  CHECK_FALSE(loop.exists);
  auto miss = resolve_in_root(fs, "/etc/nope/../app.conf");
  CHECK_FALSE(miss.exists);
  CHECK(miss.path == "/etc/app.conf");
}

TEST_CASE("resolve: nofollow stops at a final symlink but follows earlier ones", "[resolve]") {
  test::TempDir root;
  root.write("usr/bin/python3.11", "elf");
  root.symlink("usr/bin/python3", "python3.11");
  root.symlink("bin", "usr/bin");
  pare::RootFs fs(root.path());
  auto r = resolve_in_root(fs, "/bin/python3", "/", false);
  CHECK(r.path == "/usr/bin/python3");
  CHECK(links(r) == std::vector<std::string>{"/bin -> usr/bin"});
}

TEST_CASE("lexical_normalize", "[resolve]") {
  CHECK(pare::lexical_normalize("/a/./b//c/../d") == "/a/b/d");
  CHECK(pare::lexical_normalize("/../..") == "/");
  CHECK(pare::lexical_normalize("") == "/");
}
