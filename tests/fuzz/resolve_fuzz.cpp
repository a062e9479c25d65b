// resolve_in_root(fs, path, base, follow_final) over a fixed hostile tree: the
// input is one flag byte (bit 0: follow_final) then "PATH<NUL or newline>BASE"
// (BASE "/" when absent), each capped at PATH_MAX. Whatever the links say,
// the result must be a clean absolute path inside the root, at most 40 hops
// long, and when it exists it must be the physical path the kernel reaches
// from the root without following anything.
//
// Inputs outside the function's contract are skipped, not reported: a NUL
// in a name (kernel strings cannot hold one, manifests refuse one), and a
// BASE that is not a physical directory, which is what callers always pass
// (the BPF side reports the directory's resolved path). The fuzzed BASE is
// therefore resolved first and used only when it names a directory.
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <filesystem>
#include <memory>

#include "resolve/root_fs.h"
#include "resolve/symlink_chain.h"
#include "support.h"

namespace {

void make_file(const std::string& path) { fuzz::write_file(path, "x"); }

void make_link(const std::string& target, const std::string& path) {
  if (symlink(target.c_str(), path.c_str()) != 0) fuzz::finding("harness: cannot create symlink " + path);
}

// The tree: merged-/usr links, an alternatives chain, absolute links, links
// that climb above the root, loops, a chain longer than the kernel's 40, a
// dangling link, a file used as a directory, and a link to the real host path.
std::string make_tree() {
  std::string root = fuzz::scratch() + "/root";
  for (const char* d : {"", "/usr", "/usr/bin", "/usr/lib", "/etc", "/etc/alternatives", "/dir"})
    std::filesystem::create_directories(root + d);
  make_file(root + "/usr/bin/python3.11");
  make_file(root + "/usr/lib/libc.so.6");
  make_file(root + "/etc/passwd");
  make_file(root + "/dir/file");
  make_link("python3.11", root + "/usr/bin/python3");
  make_link("usr/lib", root + "/lib");
  make_link("/usr/bin", root + "/bin");
  make_link("/usr/bin/python3", root + "/etc/alternatives/py");
  make_link("/etc", root + "/abs");
  make_link("../../../..", root + "/up");
  make_link("/../../../etc", root + "/upabs");
  make_link("loop2", root + "/loop1");
  make_link("loop1", root + "/loop2");
  make_link(".", root + "/self");
  make_link("selfloop/x", root + "/selfloop");
  make_link("/nonexistent/x", root + "/dangling");
  make_link("..", root + "/dir/parent");
  make_link("../dir", root + "/dir/sub");
  make_link("/etc/passwd", root + "/notdir");
  make_link(root, root + "/host");
  for (int i = 0; i < 45; ++i)
    make_link(i == 44 ? "/etc" : "chain" + std::to_string(i + 1), root + "/chain" + std::to_string(i));
  return root;
}

bool clean_absolute(const std::string& p) {
  if (p.empty() || p[0] != '/') return false;
  if (p == "/") return true;
  if (p.back() == '/' || p.find("//") != std::string::npos) return false;
  for (const std::string& c : pare::path_components(p))
    if (c == "." || c == "..") return false;
  return true;
}

void check(const pare::RootFs& fs, const pare::Resolution& res, bool follow_final, const std::string& shown) {
  if (!clean_absolute(res.path)) fuzz::finding(shown + ": resolved to '" + res.path + "', not a clean absolute path");
  if (res.hops.size() > 40) fuzz::finding(shown + ": " + std::to_string(res.hops.size()) + " hops, over 40");
  if (res.loop && res.exists) fuzz::finding(shown + ": a loop reported as existing");
  for (const pare::SymlinkHop& h : res.hops) {
    auto st = fs.lstat(h.link);
    if (!clean_absolute(h.link) || !st || !S_ISLNK(st->st_mode))
      fuzz::finding(shown + ": hop '" + h.link + "' is not a symlink inside the root");
  }
  if (!res.exists) return;
  auto in_root = fs.lstat(res.path);
  if (!in_root) fuzz::finding(shown + ": '" + res.path + "' said to exist but does not");
  if (follow_final && S_ISLNK(in_root->st_mode)) fuzz::finding(shown + ": final symlink '" + res.path + "' not followed");
  // A physical path has no symlink on the way, so the host's plain lookup
  // under the root reaches the same object.
  struct stat host;
  if (lstat((fs.root() + res.path).c_str(), &host) != 0 || host.st_ino != in_root->st_ino ||
      host.st_dev != in_root->st_dev)
    fuzz::finding(shown + ": '" + res.path + "' is not a physical path (a symlink on the way)");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::setup();
  static const std::unique_ptr<pare::RootFs> fs = std::make_unique<pare::RootFs>(make_tree());
  if (size == 0) return 0;
  bool follow_final = data[0] & 1;
  std::string_view in = fuzz::as_text(data + 1, size - 1);
  size_t cut = in.find_first_of(std::string_view("\0\n", 2));
  std::string path(in.substr(0, cut));
  std::string base = cut == std::string_view::npos ? "/" : std::string(in.substr(cut + 1));
  if (path.size() > PATH_MAX || base.size() > PATH_MAX) return 0;
  if (path.find('\0') != std::string::npos || base.find('\0') != std::string::npos) return 0;
  fuzz::expect_only_errors("resolve_in_root", [&] {
    pare::Resolution dir = pare::resolve_in_root(*fs, base, "/", true);
    check(*fs, dir, true, "resolve_in_root('" + base + "')");
    auto st = dir.exists ? fs->lstat(dir.path) : std::nullopt;
    base = st && S_ISDIR(st->st_mode) ? dir.path : "/";
    pare::Resolution res = pare::resolve_in_root(*fs, path, base, follow_final);
    check(*fs, res, follow_final, "resolve_in_root('" + path + "', base '" + base + "')");
  });
  return 0;
}
