#include "build/build_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "build/rootfs_copy.h"
#include "build/size_report.h"
#include "build/usage_report.h"
#include "build/package_report.h"
#include "sbom/image_sbom.h"
#include "sbom/sbom_format.h"
#include "common/output_file.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "common/name_encoding.h"
#include "build/output_dir.h"
#include "image/containers_storage.h"
#include "image/docker_archive_writer.h"
#include "image/image_source.h"
#include "image/oci_writer.h"
#include "manifest/manifest.h"
#include "closure/closure.h"
#include "common/scratch_dir.h"
#include "resolve/root_fs.h"

namespace pare {

namespace fs = std::filesystem;

BuiltRootfs build_rootfs(const Manifest& m, const std::string& src_root, const std::string& rootfs_out, bool package_db) {
  RootFs src(src_root);
  RootFs::StableTree stable(src);  // the source image does not change while it is copied
  std::vector<std::string> paths;
  // Pseudo paths are decided here, not trusted from the manifest (a
  // --no-closure or hand-written one may not mark /dev or /proc).
  for (auto& [p, e] : m.paths)
    // Created paths were made by the recorded run: the image is as it was before the app first ran.
    if (!e.pseudo && !is_pseudo_path(p) && e.type != "absent" && !e.created) paths.push_back(p);
  spdlog::info("copying {} paths", paths.size());
  stall_point("build-copy");
  throw_if_interrupted();
  RootfsCopy copy(src, rootfs_out);
  copy.copy_paths(paths);
  PackageStep packages = package_step(copy, src, rootfs_out, package_db);
  return {copy.finish(), std::move(packages)};
}

std::string publish_rootfs(const std::string& rootfs, const std::string& format, const std::string& out,
                           const OciWriteOptions& oci, const std::string& work) {
  if (format == "dir") {
    publish_output(rootfs, out);
    return "";
  }
  if (format == "docker-archive") {
    std::string tar = work + "/image.tar";
    OciWriteResult res = write_docker_archive(rootfs, tar, oci);
    spdlog::info("image {} (layer {}, {})", res.config_digest, res.layer_digest, human_bytes(res.layer_bytes));
    publish_output(tar, out);
    return res.config_digest;
  }
  std::string layout = work + "/layout";
  OciWriteResult res = write_oci_layout(rootfs, layout, oci);
  spdlog::info("image {} (layer {}, {})", res.manifest_digest, res.layer_digest, human_bytes(res.layer_bytes));
  if (format == "oci") {
    publish_output(layout, out);
  } else {
    std::string tar = work + "/image.tar";
    write_oci_archive(layout, tar);
    publish_output(tar, out);
  }
  return res.config_digest;
}

std::string choose_format(const std::string& format, bool rootfs_source, const std::string& load) {
  std::string f = !format.empty() ? format : !load.empty() ? "docker-archive" : rootfs_source ? "dir" : "oci";
  if (f != "dir" && f != "oci" && f != "oci-archive" && f != "docker-archive")
    throw Error(kExitUsage, "unknown --format " + f + " (dir, oci, oci-archive or docker-archive)");
  if (load.empty()) return f;
  if (load != "podman") throw Error(kExitUsage, "unknown --load " + load + " (podman)");
  if (f == "dir") throw Error(kExitUsage, "--load podman needs an image --format (docker-archive, oci-archive or oci)");
  require_podman("--load podman");
  return f;
}

int run_build(const BuildOptions& opts) {
  BuildOptions o = opts;
  // Every output is checked before any work: OUT against the source, the
  // report against OUT and the inputs.
  o.output = normalize_output(opts.output, opts.from);
  check_sbom_format(o.sbom_format);
  std::optional<OutputPlan> report_plan, sbom_plan;
  std::vector<OutputPlan> side_outputs;
  if (!o.report_path.empty()) {
    report_plan = plan_output(o.report_path, "--report");
    check_not_inside_output(o.report_path, "--report", o.output);
    side_outputs.push_back(*report_plan);
  }
  if (!o.sbom_path.empty()) {
    sbom_plan = plan_output(o.sbom_path, "--sbom");
    check_not_inside_output(o.sbom_path, "--sbom", o.output);
    side_outputs.push_back(*sbom_plan);
  }
  check_outputs(side_outputs, {o.manifest_path, source_file_path(o.from)});
  Manifest m = read_manifest_file(o.manifest_path);
  SourceKind kind = detect_source_kind(o.from);
  std::string format = choose_format(o.format, kind == SourceKind::kRootfsDir, o.load);
  if (format == "dir" && (o.entrypoint || o.cmd || !o.env.empty()))
    throw Error(kExitUsage, "--entrypoint, --cmd and --env need an image --format (oci, oci-archive, docker-archive)");
  check_build_output(o.output, o.force);
  for (auto& e : o.env) require_utf8(e, "--env");
  for (auto* words : {&o.entrypoint, &o.cmd})
    if (*words)
      for (auto& w : **words) require_utf8(w, "--entrypoint/--cmd word");
  // Not root, a directory output cannot keep owners or security xattrs: said
  // before any work (an OCI layer keeps them from the copy's metadata table).
  if (format == "dir" && !not_root_warning().empty()) spdlog::warn("{}", not_root_warning());

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
    UnpackedImage img = unpack_image(o.from, src_root, o.max_unpacked_size);
    oci.base_config = img.config;
  }
  std::string rootfs = work / "rootfs";
  fs::create_directory(rootfs);
  BuiltRootfs built = build_rootfs(m, src_root, rootfs, o.package_db);
  CopyResult& copied = built.copied;

  oci.metadata = std::move(copied.metadata);

  // An image was unpacked into our scratch dir: measured. A directory SRC
  // may be a live / of 400k files: walked only with --measure-source.
  ReportOptions measure{kind != SourceKind::kRootfsDir || o.measure_source,
                        "the source is a directory; --measure-source walks it"};
  SizeReport report = size_report(src_root, copied, measure);
  UsageReport usage = usage_report(m, RootFs(src_root), rootfs);

  // OUT is published only when everything it promises is written: the report
  // and the SBOM go to their temporaries first and are renamed right after OUT.
  std::unique_ptr<OutputFile> report_out, sbom_out;
  if (report_plan) {
    report_out = std::make_unique<OutputFile>(*report_plan);
    nlohmann::json j = report_to_json(report);
    add_usage_to_json(j, usage);
    add_packages_to_json(j, built.packages);
    report_out->write(j.dump(2) + "\n");
  }
  if (sbom_plan) {
    sbom_out = std::make_unique<OutputFile>(*sbom_plan);
    sbom_out->write(image_sbom(rootfs, built.packages, o.output, format == "dir" ? "" : o.tag, o.sbom_format));
  }
  stall_point("build-publish");
  throw_if_interrupted();
  std::string config_digest = publish_rootfs(rootfs, format, o.output, oci, work.path());
  if (format == "dir" && !not_kept_summary(copied).empty()) spdlog::warn("{}", not_kept_summary(copied));
  if (report_out) report_out->commit();
  if (sbom_out) sbom_out->commit();
  std::fputs((report_to_text(report) + usage_to_text(usage) + packages_to_text(built.packages)).c_str(), stderr);
  if (!o.load.empty()) {
    // The image id alone on stdout, like `podman build -q`: scripts run it next.
    std::string id = podman_load(o.output, config_digest);
    std::printf("%s\n", id.c_str());
    std::fflush(stdout);
  }
  return kExitOk;
}

}  // namespace pare
