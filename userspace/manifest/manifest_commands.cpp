#include "manifest/manifest_commands.h"

#include <cstdio>
#include <future>

#include <spdlog/spdlog.h>

#include "closure/rule_packs.h"
#include "common/output_file.h"
#include "common/error.h"
#include "common/interrupt.h"
#include "manifest/diff.h"
#include "manifest/merge.h"
#include "resolve/root_fs.h"

namespace pare {

namespace {

// The union of the manifests at PATHS, merged one at a time. Each next input
// is read on a second thread while this one is read or merged: at most two
// inputs in memory besides the union. Errors come in input order (a failed
// read waits for the one under way, whose result is dropped).
Manifest read_merged(const std::vector<std::string>& paths) {
  Manifest out;
  std::future<Manifest> next;
  auto read_ahead = [&](size_t i) {
    if (i < paths.size()) next = std::async(std::launch::async, [&paths, i] { return read_manifest_file(paths[i]); });
  };
  read_ahead(1);
  for (size_t i = 0; i < paths.size(); ++i) {
    throw_if_interrupted();
    Manifest m = i == 0 ? read_manifest_file(paths[0]) : next.get();
    if (i > 0) read_ahead(i + 1);
    if (i == 0)
      out = merge_start(std::move(m));
    else
      merge_into(out, std::move(m));
  }
  return out;
}

// -o checked before any input is read: not a directory, not one of the inputs.
OutputPlan checked_output(const std::string& output, const std::vector<std::string>& inputs) {
  OutputPlan plan = plan_output(output, "-o");
  check_outputs({plan}, inputs);
  return plan;
}

}  // namespace

std::string rules_help() {
  std::string s;
  for (auto& p : rule_packs()) s += "  " + p.name + ": " + p.description + "\n";
  return s;
}

int run_manifest_closure(const ManifestCommandOptions& o) {
  if (o.inputs.empty()) throw Error(kExitUsage, "manifest needs at least one input manifest");
  OutputFile out(checked_output(o.output, o.inputs));
  Manifest m = read_merged(o.inputs);
  RootFs fs(o.rootfs);
  RootFs::StableTree stable(fs);  // an image's tree, not a live one
  stall_point("manifest-closure");
  ClosureStats st = apply_closure(m, fs, o.closure);
  spdlog::info("closure: +{} elf dependencies, +{} rule paths, +{} included, +{} parent dirs, -{} excluded",
               st.elf_dependencies, st.rule_paths, st.included, st.parent_dirs, st.excluded);
  write_manifest_text(m, [&out](const std::string& text) { out.write(text); });
  out.commit();
  return kExitOk;
}

int run_merge(const std::vector<std::string>& inputs, const std::string& output) {
  if (inputs.empty()) throw Error(kExitUsage, "merge needs at least one input manifest");
  OutputFile out(checked_output(output, inputs));
  Manifest merged = read_merged(inputs);
  // Streamed: the text of a 10^5-entry manifest is never held whole beside it.
  write_manifest_text(merged, [&out](const std::string& text) { out.write(text); });
  out.commit();
  return kExitOk;
}

int run_diff(const std::string& a_path, const std::string& b_path, bool json, bool exit_code) {
  // The two reads are independent: B is read on a second thread meanwhile.
  // If both fail, A's error is the one reported (as when read in turn).
  auto b_read = std::async(std::launch::async, [&b_path] { return read_manifest_file(b_path); });
  Manifest a = read_manifest_file(a_path);
  Manifest b = b_read.get();
  ManifestDiff d = diff_manifests(a, b);
  write_output("", json ? diff_to_json(d).dump(2) + "\n" : diff_to_text(d, a, b));
  return exit_code && !d.empty() ? 1 : kExitOk;
}

}  // namespace pare
