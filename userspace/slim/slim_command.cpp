#include "slim/slim_command.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "build/build_command.h"
#include "build/rootfs_copy.h"
#include "build/size_report.h"
#include "build/usage_report.h"
#include "build/package_report.h"
#include "sbom/image_sbom.h"
#include "sbom/sbom_format.h"
#include "resolve/root_fs.h"
#include "common/output_file.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "common/name_encoding.h"
#include "build/output_dir.h"
#include "common/scratch_dir.h"
#include "container/bundle.h"
#include "image/containers_storage.h"
#include "image/image_source.h"
#include "image/oci_writer.h"
#include "record/recorder.h"
#include "seccomp/profile.h"
#include "slim/overlay.h"
#include "slim/run_spec.h"

namespace pare {

namespace fs = std::filesystem;

namespace {

// Runs SPEC on a copy-on-write overlay of ROOTFS under the traffic plan.
RecordOutcome run_in_container(ContainerSpec spec, const std::string& rootfs, const std::string& work,
                               const SlimOptions& o, const TrafficPlan& plan, bool closure) {
  fs::create_directories(work);
  OverlayMount overlay(rootfs, work);
  spec.rootfs = overlay.merged();
  write_bundle(work + "/bundle", spec);
  RecordOptions r;
  r.bundle = work + "/bundle";
  r.runtime = o.runtime;
  r.app_log = work + "/app.log";
  r.traffic = plan;
  r.closure = closure;
  r.closure_opts = o.closure;
  r.pristine_root = rootfs;  // the overlay's lower layer: what existed before the app ran
  RecordOutcome out = record_session(r);
  if (!out.traffic_error.empty()) {
    // Show what the app said: the reason is usually there.
    std::string log;
    if (FILE* f = std::fopen(r.app_log.c_str(), "r")) {
      char buf[4096];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) log.append(buf, n);
      std::fclose(f);
    }
    if (!log.empty()) spdlog::error("app output:\n{}", log.substr(log.size() > 2000 ? log.size() - 2000 : 0));
  }
  return out;
}

}  // namespace

std::string seccomp_profile_path(const std::string& output) {
  std::string out = output;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out + ".seccomp.json";
}

int run_slim(const SlimOptions& opts) {
  SlimOptions o = opts;
  // Every output is checked before anything runs.
  o.output = normalize_output(opts.output, opts.from);
  check_build_output(o.output, o.force);
  std::vector<OutputPlan> side_outputs;
  std::optional<OutputPlan> report_plan, manifest_plan;
  if (!o.report_path.empty()) {
    report_plan = plan_output(o.report_path, "--report");
    side_outputs.push_back(*report_plan);
    check_not_inside_output(o.report_path, "--report", o.output);
  }
  if (!o.save_manifest.empty()) {
    manifest_plan = plan_output(o.save_manifest, "--save-manifest");
    side_outputs.push_back(*manifest_plan);
    check_not_inside_output(o.save_manifest, "--save-manifest", o.output);
    if (manifest_plan->kind == OutputKind::kFile) plan_output(partial_name(o.save_manifest), "--save-manifest (partial)");
  }
  check_sbom_format(o.sbom_format);
  std::optional<OutputPlan> sbom_plan;
  if (!o.sbom_path.empty()) {
    sbom_plan = plan_output(o.sbom_path, "--sbom");
    side_outputs.push_back(*sbom_plan);
    check_not_inside_output(o.sbom_path, "--sbom", o.output);
  }
  std::optional<OutputPlan> seccomp_plan;
  if (o.seccomp) {
    // Beside the image, never inside it: OUT.seccomp.json.
    seccomp_plan = plan_output(seccomp_profile_path(o.output), "--seccomp");
    side_outputs.push_back(*seccomp_plan);
  }
  check_outputs(side_outputs, {source_file_path(o.from)});
  for (auto& e : o.env) require_utf8(e, "--env");
  SourceKind kind = detect_source_kind(o.from);
  std::string format = choose_format(o.format, kind == SourceKind::kRootfsDir, o.load);
  ScratchDir work(o.output);

  // 1. the source, never modified: an image is unpacked into the work dir.
  std::string src_root = kind == SourceKind::kRootfsDir ? fs::absolute(source_file_path(o.from)).string() : "";
  nlohmann::json config = nlohmann::json::object();
  if (kind != SourceKind::kRootfsDir) {
    src_root = work / "source";
    fs::create_directory(src_root);
    spdlog::info("unpacking {}", o.from);
    config = unpack_image(o.from, src_root, o.max_unpacked_size).config;
  }
  ContainerSpec spec = run_spec(config, o.command, src_root, o.user);
  // The image says where the app listens: traffic waits for it unless told otherwise.
  o.traffic.implied_ready_tcp = exposed_tcp_ports(config);
  // Image VOLUMEs hold the app's state: kept whole (rule state-dirs).
  if (auto c = config.find("config"); c != config.end() && c->is_object())
    if (auto v = c->find("Volumes"); v != c->end() && v->is_object())
      for (auto& [dir, unused] : v->items())
        if (!dir.empty() && dir[0] == '/') o.closure.volumes.push_back({dir, "image VOLUME"});
  for (auto& kv : o.env) {
    auto key = kv.substr(0, kv.find('=') + 1);
    std::erase_if(spec.env, [&](const std::string& e) { return e.rfind(key, 0) == 0; });
    spec.env.push_back(kv);
  }

  // 2. record the app in a container on an overlay of the source.
  std::fprintf(stderr, "pare slim: recording %s under test traffic\n", spec.args[0].c_str());
  RecordOutcome rec = run_in_container(spec, src_root, work / "record", o, o.traffic, true);
  bool failed = rec.interrupted || !rec.traffic_error.empty();
  std::string kept = "; nothing was written";
  if (manifest_plan) {
    bool to_file = manifest_plan->kind == OutputKind::kFile;
    std::string where = failed && to_file ? partial_name(o.save_manifest) : o.save_manifest;
    write_output(where, manifest_to_string(rec.manifest), "--save-manifest");
    kept = "; the manifest so far: " + printable_name(where);
  }
  if (rec.interrupted)
    throw Error(static_cast<ExitCode>(kExitInterruptedBase + rec.interrupted),
                Interrupted(rec.interrupted).what() + std::string(" while recording") + kept);
  if (!rec.traffic_error.empty()) throw Error(kExitTraffic, "while recording: " + rec.traffic_error);
  if (!rec.manifest.complete)
    spdlog::warn("the recording is incomplete: {}", rec.manifest.incomplete_reasons.empty() ? "" : rec.manifest.incomplete_reasons[0]);

  // 3. build the minimal rootfs.
  std::string minimal = work / "minimal";
  fs::create_directory(minimal);
  BuiltRootfs built = build_rootfs(rec.manifest, src_root, minimal, o.package_db);
  CopyResult& copied = built.copied;
  SizeReport report = size_report(src_root, copied);
  UsageReport usage = usage_report(rec.manifest, RootFs(src_root), minimal);

  // The syscall profile of what ran; the verify run below runs under it.
  nlohmann::json profile;
  if (o.seccomp) {
    profile = seccomp_profile(rec.manifest, true, "the recording");
    spec.seccomp = profile;
  }

  // 4. verify: the same traffic (plus the verify-only extras) against the minimal image.
  std::string verify = "skipped";
  if (o.verify) {
    TrafficPlan plan = o.traffic;
    plan.commands.insert(plan.commands.end(), o.verify_traffic.begin(), o.verify_traffic.end());
    plan.http_probes.insert(plan.http_probes.end(), o.verify_probes.begin(), o.verify_probes.end());
    std::fprintf(stderr, "pare slim: verifying the minimal image under the same traffic%s\n",
                 o.seccomp ? " and its seccomp profile" : "");
    RecordOutcome ver = run_in_container(spec, minimal, work / "verify", o, plan, false);
    if (ver.interrupted) throw Interrupted(ver.interrupted);
    if (!ver.traffic_error.empty())
      throw Error(kExitVerify, "the minimal image failed its traffic: " + ver.traffic_error +
                                   " (the full image passed; see the app output above; --include what it misses" +
                                   (o.seccomp ? "; it ran under the generated seccomp profile" : "") + ")");
    if (rec.manifest.target.exit_status && ver.manifest.target.exit_status &&
        *rec.manifest.target.exit_status != *ver.manifest.target.exit_status)
      throw Error(kExitVerify, "the minimal image exited " + std::to_string(*ver.manifest.target.exit_status) +
                                   ", the full one " + std::to_string(*rec.manifest.target.exit_status));
    verify = "passed";
  }

  // 5. publish.
  OciWriteOptions oci;
  oci.base_config = config;
  oci.tag = o.tag;
  if (kind == SourceKind::kRootfsDir) {
    // A plain rootfs has no config: the command and env that ran become the image's.
    oci.entrypoint = spec.args;
    oci.env = spec.env;
  } else {
    oci.env = o.env;
  }
  // OUT is published only with everything it promises: the report is written to its temporary first.
  std::unique_ptr<OutputFile> report_out;
  if (report_plan) {
    auto j = report_to_json(report);
    j["verify"] = verify;
    j["complete"] = rec.manifest.complete;
    j["kept_paths"] = rec.manifest.paths.size();
    add_usage_to_json(j, usage);
    add_packages_to_json(j, built.packages);
    if (seccomp_plan) j["seccomp"] = encode_name(seccomp_plan->given);
    report_out = std::make_unique<OutputFile>(*report_plan);
    report_out->write(j.dump(2) + "\n");
  }
  std::unique_ptr<OutputFile> sbom_out;
  if (sbom_plan) {
    sbom_out = std::make_unique<OutputFile>(*sbom_plan);
    sbom_out->write(image_sbom(minimal, built.packages, o.output, format == "dir" ? "" : o.tag, o.sbom_format));
  }
  std::unique_ptr<OutputFile> seccomp_out;
  if (seccomp_plan) {
    seccomp_out = std::make_unique<OutputFile>(*seccomp_plan);
    seccomp_out->write(profile.dump(2) + "\n");
  }
  throw_if_interrupted();
  std::string config_digest = publish_rootfs(minimal, format, o.output, oci, work.path());
  if (report_out) report_out->commit();
  if (seccomp_out) seccomp_out->commit();
  if (sbom_out) sbom_out->commit();
  std::string loaded = o.load.empty() ? "" : podman_load(o.output, config_digest);

  double ratio = report.after.bytes ? static_cast<double>(report.before.bytes) / static_cast<double>(report.after.bytes) : 0;
  std::printf("%-14s %s\n", "image", o.output.c_str());
  std::printf("%-14s %s (%llu files)\n", "before", human_bytes(report.before.bytes).c_str(),
              static_cast<unsigned long long>(report.before.files));
  std::printf("%-14s %s (%llu files)\n", "after", human_bytes(report.after.bytes).c_str(),
              static_cast<unsigned long long>(report.after.files));
  std::printf("%-14s %.1fx smaller\n", "ratio", ratio);
  std::printf("%-14s %zu paths\n", "kept", rec.manifest.paths.size());
  std::printf("%-14s %s\n", "complete", rec.manifest.complete ? "yes" : "NO (see the manifest)");
  std::printf("%-14s %s\n", "verify", verify.c_str());
  if (!loaded.empty()) std::printf("%-14s %s\n", "podman image", loaded.c_str());
  if (seccomp_plan) std::printf("%-14s %s (%zu syscalls)\n", "seccomp", printable_name(seccomp_plan->given).c_str(),
                                profile["syscalls"].empty() ? size_t{0} : profile["syscalls"][0]["names"].size());
  if (built.packages.usage)
    std::printf("%-14s %zu -> %zu\n", "packages", built.packages.usage->before, built.packages.usage->kept.size());
  if (sbom_plan) std::printf("%-14s %s (%s)\n", "sbom", printable_name(sbom_plan->given).c_str(), o.sbom_format.c_str());
  std::fflush(stdout);
  std::fputs((usage_to_text(usage) + packages_to_text(built.packages)).c_str(), stderr);
  return kExitOk;
}

}  // namespace pare
