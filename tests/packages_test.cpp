// The package database pieces against a fake Debian root: deb822 paragraphs,
// dpkg's database (multiarch info names, Source with a version, states
// without files, diversions), attribution through merged-/usr symlinks, the
// trimmed database, purls and os-release, the SBOM ids, and the copy's
// generated files keeping the source's metadata and directory times.
#include <fcntl.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <regex>

#include "build/rootfs_copy.h"
#include "packages/deb822.h"
#include "packages/dpkg_db.h"
#include "packages/file_owners.h"
#include "packages/os_release.h"
#include "packages/purl.h"
#include "packages/trimmed_db.h"
#include "sbom/inventory.h"
#include "support/run_pare.h"

namespace {

const char* kStatus =
    "Package: tool\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 2:1.0-1\n"
    "Description: a tool\n"
    " with a long description\n"
    " .\n"
    " over lines\n"
    "\n"
    "Package: libfoo\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Multi-Arch: same\n"
    "Source: foo-src (1.0-1)\n"
    "Version: 1.0-1+b1\n"
    "\n"
    "Package: gone\n"
    "Status: deinstall ok config-files\n"
    "Architecture: all\n"
    "Version: 3\n"
    "\n"
    "Package: dash\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 0.5\n"
    "\n"
    "Package: bash\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 5.2\n"
    "\n"
    "Package: unused\n"
    "Status: install ok installed\n"
    "Architecture: all\n"
    "Version: 1\n"
    "\n"
    "Package: ../evil\n"
    "Status: install ok installed\n"
    "Architecture: all\n"
    "Version: 1\n"
    "\n";

// A merged-/usr root (/bin -> usr/bin) whose lists name /bin/..., with dash
// diverting bash's /bin/sh to /bin/sh.distrib.
struct FakeDebian {
  test::TempDir d;
  FakeDebian() {
    d.symlink("bin", "usr/bin");
    d.write("usr/bin/tool", "tool!");
    d.write("usr/bin/other", "other");
    d.write("usr/share/doc/tool/copyright", "(c)");
    d.write("usr/lib/x86_64-linux-gnu/libfoo.so.1", "libfoo");
    d.symlink("usr/bin/sh", "dash");
    d.write("usr/bin/dash", "dash");
    d.write("usr/bin/sh.distrib", "bash's sh");
    d.write("usr/bin/bash", "bash");
    d.write("usr/bin/unused", "unused");
    d.write("etc/generated", "made by a maintainer script");
    d.write("var/lib/dpkg/status", kStatus);
    d.write("var/lib/dpkg/info/format", "1\n");
    d.write("var/lib/dpkg/info/tool.list", "/.\n/bin\n/bin/tool\n/bin/other\n/usr\n/usr/share\n/usr/share/doc\n"
                                           "/usr/share/doc/tool\n/usr/share/doc/tool/copyright\n/usr/share/man/tool.1.gz\n");
    d.write("var/lib/dpkg/info/tool.md5sums", "aaaa  bin/tool\nbbbb  bin/other\n");
    d.write("var/lib/dpkg/info/libfoo:amd64.list", "/.\n/usr\n/usr/lib\n/usr/lib/x86_64-linux-gnu\n"
                                                   "/usr/lib/x86_64-linux-gnu/libfoo.so.1\n");
    d.write("var/lib/dpkg/info/gone.list", "/etc/gone.conf\n");
    d.write("var/lib/dpkg/info/dash.list", "/.\n/bin\n/bin/dash\n/bin/sh\n");
    d.write("var/lib/dpkg/info/bash.list", "/.\n/bin\n/bin/bash\n/bin/sh\n");
    d.write("var/lib/dpkg/info/unused.list", "/.\n/usr\n/usr/bin\n/usr/bin/unused\n");
    d.write("var/lib/dpkg/diversions", "/bin/sh\n/bin/sh.distrib\ndash\n");
  }
  std::string root() const { return d.path(); }
};

std::map<std::string, pare::TreeEntry> image(std::initializer_list<std::pair<const char*, char>> entries) {
  std::map<std::string, pare::TreeEntry> m;
  for (auto& [p, t] : entries) m[p] = {t, t == 'f' ? 5u : 7u, 0};
  return m;
}

const pare::PackageUse* use_of(const pare::DpkgDb& db, const pare::PackageUsage& u, const std::string& name) {
  for (auto& use : u.kept)
    if (db.packages[use.package].name == name) return &use;
  return nullptr;
}

}  // namespace

TEST_CASE("deb822 paragraphs keep their text, continuation lines join their field", "[packages]") {
  auto paras = pare::parse_deb822("A: 1\nB: x\n y\n\n\n\nA: 2\n#junk\nc: 3\n");
  REQUIRE(paras.size() == 2);
  CHECK(paras[0].text == "A: 1\nB: x\n y\n");
  CHECK(*paras[0].field("b") == "x\ny");
  CHECK(*paras[1].field("A") == "2");
  CHECK(*paras[1].field("C") == "3");
  CHECK_FALSE(paras[1].field("B"));
}

TEST_CASE("dpkg database: installed packages only, multiarch info names, Source with a version", "[packages]") {
  FakeDebian f;
  pare::RootFs fs(f.root());
  auto db = pare::read_dpkg_db(fs);
  REQUIRE(db);
  std::vector<std::string> names;
  for (auto& p : db->packages) names.push_back(p.name);
  // "gone" has only conffiles left; "../evil" cannot name an info file.
  CHECK(names == std::vector<std::string>{"tool", "libfoo", "dash", "bash", "unused"});
  CHECK(db->skipped == 1);
  auto& libfoo = db->packages[1];
  CHECK(libfoo.info_name == "libfoo:amd64");
  CHECK(libfoo.source == "foo-src");
  CHECK(libfoo.source_version == "1.0-1");
  CHECK(db->packages[0].source == "tool");
  CHECK(db->packages[0].md5sums.size() == 2);
  CHECK(db->packages[0].md5sums[0].first == "/bin/tool");
  REQUIRE(db->diversions.size() == 1);
  CHECK(db->diversions[0].by == "dash");
  CHECK(*db->info_format == "1\n");
  test::TempDir empty;
  CHECK_FALSE(pare::read_dpkg_db(pare::RootFs(empty.path())));
}

TEST_CASE("files are attributed through the source's merged-/usr links and diversions", "[packages]") {
  FakeDebian f;
  pare::RootFs fs(f.root());
  auto db = pare::read_dpkg_db(fs);
  REQUIRE(db);
  // The image keeps /usr/bin/tool (listed as /bin/tool), dash's /bin/sh, libfoo, and a file no package lists.
  auto img = image({{"/bin", 'l'}, {"/usr", 'd'}, {"/usr/bin", 'd'}, {"/usr/bin/tool", 'f'}, {"/usr/bin/sh", 'l'},
                    {"/usr/bin/dash", 'f'}, {"/usr/lib", 'd'}, {"/usr/lib/x86_64-linux-gnu", 'd'},
                    {"/usr/lib/x86_64-linux-gnu/libfoo.so.1", 'f'}, {"/etc", 'd'}, {"/etc/generated", 'f'}});
  auto u = pare::attribute_files(*db, fs, img);
  CHECK(u.before == 5);
  auto* tool = use_of(*db, u, "tool");
  REQUIRE(tool);
  // Directories do not count; the man page the source lacks counts nowhere.
  CHECK(tool->files_total == 3);
  CHECK(tool->files_kept == 1);
  CHECK(tool->bytes_kept == 5);
  CHECK(tool->kept_files == std::vector<std::string>{"/usr/bin/tool"});
  auto* dash = use_of(*db, u, "dash");
  REQUIRE(dash);
  CHECK(dash->files_kept == 2);  // /bin/dash and /bin/sh: dash's own /bin/sh is not diverted
  CHECK(use_of(*db, u, "libfoo"));
  // bash's /bin/sh is /bin/sh.distrib, which the image does not keep.
  CHECK_FALSE(use_of(*db, u, "bash"));
  std::vector<std::string> removed;
  for (size_t i : u.removed) removed.push_back(db->packages[i].name);
  CHECK(removed == std::vector<std::string>{"bash", "unused"});
  REQUIRE(u.unowned.size() == 2);
  CHECK(u.unowned[0].path == "/bin");
  CHECK(u.unowned[0].type == 'l');
  CHECK(u.unowned[1].path == "/etc/generated");

  SECTION("the trimmed database lists exactly the kept packages and their kept lines") {
    auto files = pare::trimmed_dpkg_db(*db, u);
    std::map<std::string, std::string> by_path;
    for (auto& g : files) by_path[g.path] = g.content;
    CHECK(by_path.size() == 6);  // status, 3 lists, tool's md5sums, format
    std::string status = by_path["/var/lib/dpkg/status"];
    CHECK(status.find("Package: tool\n") == 0);
    CHECK(status.find(" with a long description\n .\n over lines\n\nPackage: libfoo\n") != std::string::npos);
    CHECK(status.find("Package: bash") == std::string::npos);
    CHECK(status.find("Package: unused") == std::string::npos);
    CHECK(status.substr(status.size() - 2) == "\n\n");
    CHECK(by_path["/var/lib/dpkg/info/tool.list"] == "/.\n/bin\n/bin/tool\n/usr\n");
    CHECK(by_path["/var/lib/dpkg/info/tool.md5sums"] == "aaaa  bin/tool\n");
    CHECK(by_path.count("/var/lib/dpkg/info/libfoo:amd64.list"));
    CHECK(by_path["/var/lib/dpkg/info/format"] == "1\n");
  }
}

TEST_CASE("purls name the distribution from os-release and the source package when it differs", "[packages]") {
  auto os = pare::parse_os_release("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"
                                   "VERSION_CODENAME=bookworm\n# comment\n");
  CHECK(os.distro() == "debian-12");
  CHECK(os.pretty_name == "Debian GNU/Linux 12 (bookworm)");
  pare::DpkgPackage p;
  p.name = "libc6";
  p.arch = "amd64";
  p.version = "2.36-9+deb12u4";
  p.source = "libc6";
  p.source_version = p.version;
  CHECK(pare::deb_purl(p, os) == "pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12");
  p.source = "glibc";
  CHECK(pare::deb_purl(p, os) == "pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc");
  p.source_version = "2.36-9";
  CHECK(pare::deb_purl(p, os) ==
        "pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc%402.36-9");
  auto ubuntu = pare::parse_os_release("ID='ubuntu'\nVERSION_ID=22.04\n");
  p.source = p.name = "bash";
  p.version = p.source_version = "5.1-6ubuntu1";
  CHECK(pare::deb_purl(p, ubuntu) == "pkg:deb/ubuntu/bash@5.1-6ubuntu1?arch=amd64&distro=ubuntu-22.04");
  CHECK(pare::parse_os_release("ID=debian\nVERSION_CODENAME=trixie\n").distro() == "debian-trixie");
}

TEST_CASE("SBOM ids are name-based UUIDs: the same content, the same id", "[packages]") {
  std::string a = pare::content_uuid("x"), b = pare::content_uuid("x"), c = pare::content_uuid("y");
  CHECK(a == b);
  CHECK(a != c);
  CHECK(std::regex_match(a, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
}

TEST_CASE("a generated file stands in for the source's: its metadata, and directory times unchanged", "[packages]") {
  FakeDebian f;
  struct timespec old_times[2] = {{1500000000, 0}, {1500000000, 0}};
  for (auto p : {"var/lib/dpkg/status", "var/lib/dpkg", "var/lib/dpkg/info", "var/lib/dpkg/info/tool.list"})
    REQUIRE(utimensat(AT_FDCWD, (f.d / p).c_str(), old_times, AT_SYMLINK_NOFOLLOW) == 0);
  chmod((f.d / "var/lib/dpkg/status").c_str(), 0640);
  test::TempDir out;
  pare::RootFs fs(f.root());
  pare::RootfsCopy copy(fs, out.path());
  copy.copy_paths({"/var/lib/dpkg/status", "/bin/tool"});
  CHECK(copy.write_generated("/var/lib/dpkg/status", "trimmed\n") == "/var/lib/dpkg/status");
  CHECK(copy.write_generated("/var/lib/dpkg/info/tool.list", "/.\n") == "/var/lib/dpkg/info/tool.list");
  pare::CopyResult r = copy.finish();
  CHECK(test::slurp(out / "var/lib/dpkg/status") == "trimmed\n");
  CHECK(test::slurp(out / "var/lib/dpkg/info/tool.list") == "/.\n");
  CHECK(r.generated.size() == 2);
  CHECK(r.files == 3);  // status replaced, not counted twice
  struct stat st;
  REQUIRE(stat((out / "var/lib/dpkg/status").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
  CHECK(st.st_mtime == 1500000000);
  for (auto p : {"var/lib/dpkg", "var/lib/dpkg/info"}) {
    INFO(p);
    REQUIRE(stat((out / p).c_str(), &st) == 0);
    CHECK(st.st_mtime == 1500000000);
  }
}
