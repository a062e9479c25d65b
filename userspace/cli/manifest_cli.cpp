#include <memory>

#include "cli/commands.h"
#include "manifest/manifest_commands.h"
#include "seccomp/profile.h"

namespace pare {

Command add_manifest_command(CLI::App& app) {
  auto opts = std::make_shared<ManifestCommandOptions>();
  auto* cmd = app.add_subcommand(
      "manifest",
      "Complete one or more recordings against a root filesystem: ELF dependencies, symlinks, rule packs,\n"
      "includes/excludes and parent directories, each entry saying why it is kept.\n"
      "Example: pare manifest --rootfs ./rootfs run1.json run2.json -o app.json");
  cmd->add_option("--rootfs", opts->rootfs, "Root filesystem the manifest's paths live in")->required();
  cmd->add_option("inputs", opts->inputs, "Input manifests (merged first)")->required();
  cmd->add_option("-o,--output", opts->output, "Write the manifest here (default: stdout)");
  add_closure_options(cmd, opts->closure);
  return {cmd, [=] { return run_manifest_closure(*opts); }};
}

Command add_merge_command(CLI::App& app) {
  auto inputs = std::make_shared<std::vector<std::string>>();
  auto output = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("merge",
                                 "Merge manifests of several runs into one (set union; commutative, idempotent;\n"
                                 "complete only if every input was; counts are the maximum of the inputs).");
  cmd->add_option("inputs", *inputs, "Manifests to merge")->required();
  cmd->add_option("-o,--output", *output, "Write the merged manifest here (default: stdout)");
  return {cmd, [=] { return run_merge(*inputs, *output); }};
}

Command add_seccomp_command(CLI::App& app) {
  auto manifest = std::make_shared<std::string>(), output = std::make_shared<std::string>();
  auto no_base = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand(
      "seccomp",
      "Write an OCI/Docker seccomp profile from a manifest's syscalls: everything else fails with EPERM.\n"
      "Example: pare seccomp app.json -o app-seccomp.json");
  cmd->add_option("manifest", *manifest, "Manifest recorded by pare record or slim")->required();
  cmd->add_option("-o,--output", *output, "Write the profile here (default: stdout)");
  cmd->add_flag("--no-base", *no_base, "Leave out the syscalls the runtime needs before exec'ing the app");
  return {cmd, [=] { return run_seccomp(*manifest, *output, !*no_base); }};
}

Command add_diff_command(CLI::App& app) {
  auto a = std::make_shared<std::string>(), b = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false), exit_code = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("diff", "Paths, failed lookups and executables added (+) or removed (-) from A to B.");
  cmd->add_option("A", *a, "Old manifest")->required();
  cmd->add_option("B", *b, "New manifest")->required();
  cmd->add_flag("--json", *json, "Print the differences as JSON");
  cmd->add_flag("--exit-code", *exit_code, "Exit 1 when the manifests differ");
  return {cmd, [=] { return run_diff(*a, *b, *json, *exit_code); }};
}

}  // namespace pare
