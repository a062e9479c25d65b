// dpkg's database from an untrusted image: the input is
// "STATUS<NUL>LIST<NUL>DIVERSIONS", written as /var/lib/dpkg/status, as the
// info/NAME.list of the first packages the status names, and as diversions,
// in a merged-/usr root. Reading, attributing (every file of the root
// kept) and trimming must throw pare::Error or return, and hold: every
// package is kept or removed exactly once, each kept one has a kept file, and
// the trimmed status is made of the input's own paragraphs.
#include <filesystem>
#include <memory>
#include <set>

#include "packages/deb822.h"
#include "packages/dpkg_db.h"
#include "packages/file_owners.h"
#include "packages/os_release.h"
#include "packages/trimmed_db.h"
#include "resolve/root_fs.h"
#include "resolve/tree_scan.h"
#include "support.h"

namespace {

// A merged-/usr root with a few files for the lists to name.
std::string make_root() {
  std::string root = fuzz::scratch() + "/root";
  for (const char* d : {"/usr/bin", "/usr/lib", "/etc", "/var/lib/dpkg/info"})
    std::filesystem::create_directories(root + d);
  for (const char* f : {"/usr/bin/tool", "/usr/bin/sh.distrib", "/usr/lib/libx.so.1", "/etc/conf"})
    fuzz::write_file(root + f, "x");
  std::filesystem::create_directory_symlink("usr/bin", root + "/bin");
  std::filesystem::create_directory_symlink("usr/lib", root + "/lib");
  std::filesystem::create_symlink("tool", root + "/usr/bin/sh");
  std::filesystem::create_directory_symlink("/..", root + "/up");
  return root;
}

std::string_view next_part(std::string_view& in) {
  size_t nul = in.find('\0');
  std::string_view part = in.substr(0, nul);
  in = nul == std::string_view::npos ? std::string_view() : in.substr(nul + 1);
  return part;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::setup();
  static const std::string root = make_root();
  static const std::string admin = root + "/var/lib/dpkg";
  std::string_view in = fuzz::as_text(data, size);
  std::string_view status = next_part(in), list = next_part(in), diversions = next_part(in);
  (void)pare::parse_os_release(std::string(status));
  fuzz::remove_tree(admin + "/info");
  std::filesystem::create_directories(admin + "/info");
  fuzz::write_file(admin + "/status", status);
  fuzz::write_file(admin + "/diversions", diversions);
  size_t lists = 0;
  for (auto& p : pare::parse_deb822(status)) {
    auto name = p.field("Package");
    if (!name || !pare::valid_package_name(*name) || ++lists > 8) continue;
    fuzz::write_file(admin + "/info/" + *name + ".list", list);
  }
  fuzz::expect_only_errors("dpkg db", [&] {
    pare::RootFs fs(root);
    auto db = pare::read_dpkg_db(fs);
    if (!db) fuzz::finding("a status file was written but no database read");
    auto image = pare::scan_tree(root, {}, true).entries;
    pare::PackageUsage u = pare::attribute_files(*db, fs, image);
    if (u.kept.size() + u.removed.size() != db->packages.size()) fuzz::finding("packages kept + removed != all");
    std::set<size_t> seen(u.removed.begin(), u.removed.end());
    for (auto& use : u.kept) {
      if (!seen.insert(use.package).second) fuzz::finding("a package both kept and removed");
      if (!use.files_kept || use.files_kept > use.files_total) fuzz::finding("a kept package with bad counts");
      if (use.list_kept.size() != db->packages[use.package].files.size()) fuzz::finding("list flags out of step");
    }
    for (auto& f : pare::trimmed_dpkg_db(*db, u)) {
      if (f.path != "/var/lib/dpkg/status") continue;
      // Each paragraph's text ends in '\n', which the input's last line may lack.
      for (auto& para : pare::parse_deb822(f.content))
        if (status.find(std::string_view(para.text).substr(0, para.text.size() - 1)) == std::string_view::npos)
          fuzz::finding("a trimmed status paragraph that is not the input's");
    }
  });
  return 0;
}
