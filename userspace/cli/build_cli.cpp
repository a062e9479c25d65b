#include <memory>

#include "build/build_command.h"
#include "cli/commands.h"

namespace pare {

Command add_build_command(CLI::App& app) {
  auto o = std::make_shared<BuildOptions>();
  auto entrypoint = std::make_shared<std::vector<std::string>>();
  auto cmd_args = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand(
      "build",
      "Build a minimal image from a manifest and a source: a rootfs directory, an OCI image layout\n"
      "(oci:DIR[:TAG]), an oci-archive (oci-archive:FILE), a `docker save` tar (docker-archive:FILE) or an\n"
      "image in podman's store (containers-storage:NAME, podman:NAME). Output: a rootfs directory, an OCI\n"
      "image layout, an oci-archive or a docker-archive tar. Prints before/after sizes and what was removed.\n"
      "Examples:\n"
      "  pare build --manifest app.json --from ./image:latest -o ./slim --format oci\n"
      "  pare build --manifest app.json --from podman:localhost/app:1 -o slim.tar --load podman --tag localhost/app:slim");
  cmd->add_option("--manifest", o->manifest_path, "Manifest to build from")->required();
  cmd->add_option("--from", o->from,
                  "Source: rootfs DIR, [oci:]DIR[:TAG], [oci-archive:]FILE[:TAG], [docker-archive:]FILE[:REPO:TAG],\n"
                  "containers-storage:NAME or podman:NAME (exported with podman, else skopeo)")
      ->required()
      ->type_name("SRC");
  cmd->add_option("-o,--output", o->output, "Output directory (dir, oci) or file (oci-archive, docker-archive)")->required();
  cmd->add_option("--format", o->format,
                  "dir | oci | oci-archive | docker-archive (default: dir for a rootfs, oci for an image,\n"
                  "docker-archive with --load)")
      ->check(CLI::IsMember({"dir", "oci", "oci-archive", "docker-archive"}));
  cmd->add_option("--load", o->load, "Load the result into podman (podman load) and print its image id on stdout")
      ->check(CLI::IsMember({"podman"}));
  cmd->add_flag("--force", o->force, "Replace a non-empty output");
  cmd->add_option("--report", o->report_path, "Also write the size report as JSON to FILE");
  auto* ep = cmd->add_option("--entrypoint", *entrypoint, "Override the image Entrypoint (repeat for each word)");
  auto* cm = cmd->add_option("--cmd", *cmd_args, "Override the image Cmd (repeat for each word)");
  cmd->add_option("--env", o->env, "Set KEY=VALUE in the image Env (repeatable)");
  cmd->add_option("--tag", o->tag,
                  "Tag of the image (default: latest); a docker-archive is tagged only by a NAME:TAG such as\n"
                  "localhost/app:slim");
  cmd->add_option("--max-unpacked-size", o->max_unpacked_size,
                  "Refuse an image SRC that unpacks to more than SIZE, e.g. 512M, 20G (default: 16G);\n"
                  "the free space of OUT's filesystem bounds it too")
      ->transform(CLI::Validator(size_option_to_bytes, ""))
      ->type_name("SIZE");
  cmd->add_flag("--measure-source", o->measure_source,
                "Also walk a directory SRC for the report's \"before\" figures (by default only an image\n"
                "SRC is measured: a directory may be a live / of 400k files)");
  auto packages_parsed = add_package_options(cmd, o->package_db, o->sbom_path, o->sbom_format);
  return {cmd, [=] {
            packages_parsed();
            if (ep->count()) o->entrypoint = *entrypoint;
            if (cm->count()) o->cmd = *cmd_args;
            return run_build(*o);
          }};
}

}  // namespace pare
