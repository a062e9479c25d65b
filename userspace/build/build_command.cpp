#include "build/build_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "build/rootfs_copy.h"
#include "build/size_report.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "image/image_source.h"
#include "image/oci_writer.h"
#include "manifest/manifest.h"
#include "resolve/root_fs.h"

namespace pare {

namespace fs = std::filesystem;

namespace {

// A scratch directory next to OUT (same filesystem, so the result can be
// renamed into place), removed on every exit path.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& near) {
    fs::path parent = fs::absolute(near).parent_path();
    std::string tmpl = (parent / (fs::path(near).filename().string() + ".pare-tmp-XXXXXX")).string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) throw Error(kExitFailure, errno_message("cannot create a work directory in " + parent.string(), errno));
    path_ = buf.data();
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void check_output(const BuildOptions& o) {
  std::error_code ec;
  auto st = fs::symlink_status(o.output, ec);
  if (!fs::exists(st)) return;
  bool empty_dir = fs::is_directory(st) && fs::is_empty(o.output, ec);
  if (!empty_dir && !o.force)
    throw Error(kExitUsage, "output " + o.output + " exists and is not empty (use --force to replace it)");
}

void replace_output(const std::string& from, const std::string& out) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(out, ec))) {
    fs::remove_all(out, ec);
    if (ec) throw Error(kExitFailure, "cannot replace " + out + ": " + ec.message());
  }
  if (rename(from.c_str(), out.c_str()) != 0) throw Error(kExitFailure, errno_message("cannot move the result to " + out, errno));
}

}  // namespace

int run_build(const BuildOptions& o) {
  Manifest m = read_manifest_file(o.manifest_path);
  SourceKind kind = detect_source_kind(o.from);
  std::string format = o.format.empty() ? (kind == SourceKind::kRootfsDir ? "dir" : "oci") : o.format;
  if (format != "dir" && format != "oci" && format != "oci-archive")
    throw Error(kExitUsage, "unknown --format " + format + " (dir, oci or oci-archive)");
  if (format == "dir" && (o.entrypoint || o.cmd || !o.env.empty()))
    throw Error(kExitUsage, "--entrypoint, --cmd and --env need --format oci or oci-archive");
  check_output(o);
  if (geteuid() != 0) spdlog::warn("not root: file owners and some xattrs cannot be kept");

  ScratchDir work(o.output);
  std::string src_root = o.from;
  OciWriteOptions oci;
  oci.tag = o.tag;
  oci.entrypoint = o.entrypoint;
  oci.cmd = o.cmd;
  oci.env = o.env;
  if (kind != SourceKind::kRootfsDir) {
    src_root = work / "source";
    fs::create_directory(src_root);
    spdlog::info("unpacking {}", o.from);
    UnpackedImage img = unpack_image(o.from, src_root);
    oci.base_config = img.config;
  }
  RootFs src(src_root);

  std::vector<std::string> paths;
  for (auto& [p, e] : m.paths)
    if (!e.pseudo && e.type != "absent") paths.push_back(p);
  std::string rootfs = work / "rootfs";
  fs::create_directory(rootfs);
  spdlog::info("copying {} paths", paths.size());
  CopyResult copied = copy_into(src, paths, rootfs);

  SizeReport report = compare_trees(src_root, rootfs);
  report.not_in_source = copied.not_in_source;

  if (format == "dir") {
    replace_output(rootfs, o.output);
  } else {
    std::string layout = work / "layout";
    OciWriteResult res = write_oci_layout(rootfs, layout, oci);
    spdlog::info("image {} (layer {}, {})", res.manifest_digest, res.layer_digest, human_bytes(res.layer_bytes));
    if (format == "oci") replace_output(layout, o.output);
    else {
      std::string tar = work / "image.tar";
      write_oci_archive(layout, tar);
      replace_output(tar, o.output);
    }
  }

  std::fputs(report_to_text(report).c_str(), stderr);
  if (!o.report_path.empty()) write_output(o.report_path, report_to_json(report).dump(2) + "\n");
  return kExitOk;
}

}  // namespace pare
