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
#include "closure/closure.h"
#include "common/scratch_dir.h"
#include "resolve/root_fs.h"

namespace pare {

namespace fs = std::filesystem;

namespace {


void replace_output(const std::string& from, const std::string& out) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(out, ec))) {
    fs::remove_all(out, ec);
    if (ec) throw Error(kExitFailure, "cannot replace " + out + ": " + ec.message());
  }
  if (rename(from.c_str(), out.c_str()) != 0) throw Error(kExitFailure, errno_message("cannot move the result to " + out, errno));
}

}  // namespace

std::string normalize_output(const std::string& out, const std::string& src) {
  fs::path p = fs::absolute(out).lexically_normal();
  if (p.has_filename() == false) p = p.parent_path();  // "out/" -> "out"
  std::string s = p.string();
  std::string cwd = fs::current_path().string();
  if (s == "/" || s == cwd || (cwd.rfind(s + "/", 0) == 0))
    throw Error(kExitUsage, "refusing to write the output over " + s + " (it contains the working directory)");
  if (!src.empty()) {
    std::string source = fs::absolute(src.substr(0, src.find(':', src.rfind('/') == std::string::npos ? 0 : src.rfind('/'))))
                             .lexically_normal()
                             .string();
    while (source.size() > 1 && source.back() == '/') source.pop_back();
    if (s == source || source.rfind(s + "/", 0) == 0 || s.rfind(source + "/", 0) == 0)
      throw Error(kExitUsage, "the output " + s + " must be outside the source " + source);
  }
  return s;
}

void check_build_output(const std::string& out, bool force) {
  std::error_code ec;
  auto st = fs::symlink_status(out, ec);
  if (!fs::exists(st)) return;
  bool empty_dir = fs::is_directory(st) && fs::is_empty(out, ec);
  if (!empty_dir && !force) throw Error(kExitUsage, "output " + out + " exists and is not empty (use --force to replace it)");
}

CopyResult copy_manifest_paths(const Manifest& m, const std::string& src_root, const std::string& rootfs_out) {
  RootFs src(src_root);
  std::vector<std::string> paths;
  // Pseudo paths are decided here, not trusted from the manifest (a
  // --no-closure or hand-written one may not mark /dev or /proc).
  for (auto& [p, e] : m.paths)
    if (!e.pseudo && !is_pseudo_path(p) && e.type != "absent") paths.push_back(p);
  spdlog::info("copying {} paths", paths.size());
  return copy_into(src, paths, rootfs_out);
}

void publish_rootfs(const std::string& rootfs, const std::string& format, const std::string& out,
                    const OciWriteOptions& oci, const std::string& work) {
  if (format == "dir") {
    replace_output(rootfs, out);
    return;
  }
  std::string layout = work + "/layout";
  OciWriteResult res = write_oci_layout(rootfs, layout, oci);
  spdlog::info("image {} (layer {}, {})", res.manifest_digest, res.layer_digest, human_bytes(res.layer_bytes));
  if (format == "oci") {
    replace_output(layout, out);
  } else {
    std::string tar = work + "/image.tar";
    write_oci_archive(layout, tar);
    replace_output(tar, out);
  }
}

int run_build(const BuildOptions& opts) {
  BuildOptions o = opts;
  o.output = normalize_output(opts.output, opts.from);
  Manifest m = read_manifest_file(o.manifest_path);
  SourceKind kind = detect_source_kind(o.from);
  std::string format = o.format.empty() ? (kind == SourceKind::kRootfsDir ? "dir" : "oci") : o.format;
  if (format != "dir" && format != "oci" && format != "oci-archive")
    throw Error(kExitUsage, "unknown --format " + format + " (dir, oci or oci-archive)");
  if (format == "dir" && (o.entrypoint || o.cmd || !o.env.empty()))
    throw Error(kExitUsage, "--entrypoint, --cmd and --env need --format oci or oci-archive");
  check_build_output(o.output, o.force);
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
  std::string rootfs = work / "rootfs";
  fs::create_directory(rootfs);
  CopyResult copied = copy_manifest_paths(m, src_root, rootfs);

  SizeReport report = compare_trees(src_root, rootfs);
  report.not_in_source = copied.not_in_source;

  publish_rootfs(rootfs, format, o.output, oci, work.path());

  std::fputs(report_to_text(report).c_str(), stderr);
  if (!o.report_path.empty()) write_output(o.report_path, report_to_json(report).dump(2) + "\n");
  return kExitOk;
}

}  // namespace pare
