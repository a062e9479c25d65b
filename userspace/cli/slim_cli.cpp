#include <memory>

#include "cli/commands.h"
#include "cli/option_checks.h"
#include "slim/slim_command.h"

namespace pare {

Command add_slim_command(CLI::App& app) {
  auto o = std::make_shared<SlimOptions>();
  auto no_verify = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand(
      "slim",
      "The whole loop: run the image (or rootfs) in a container with runc, record it under test traffic,\n"
      "build the minimal image, run the minimal image under the same traffic, print before/after.\n"
      "The container shares the host's network namespace, so traffic from the host reaches the app.\n"
      "The source is never modified (the app runs on an overlay).\n"
      "Examples:\n"
      "  pare slim --from ./nginx-image:latest --ready-tcp 127.0.0.1:80 --http-probe http://127.0.0.1/ -o ./slim\n"
      "  pare slim --from ./rootfs --http-probe http://127.0.0.1:80/ -o ./out -- /usr/sbin/nginx -g 'daemon off;'\n"
      "  pare slim --from podman:localhost/web:1 --http-probe http://127.0.0.1:8080/ -o web.tar --load podman");
  cmd->add_option("--from", o->from,
                  "Source: rootfs DIR, [oci:]DIR[:TAG], [oci-archive:]FILE[:TAG], [docker-archive:]FILE[:REPO:TAG],\n"
                  "containers-storage:NAME or podman:NAME (exported with podman, else skopeo)")
      ->required()
      ->type_name("SRC");
  cmd->add_option("-o,--output", o->output, "Where the minimal image goes")->required();
  cmd->add_option("--format", o->format,
                  "dir | oci | oci-archive | docker-archive (default: oci for an image, dir for a rootfs,\n"
                  "docker-archive with --load)")
      ->check(CLI::IsMember({"dir", "oci", "oci-archive", "docker-archive"}));
  cmd->add_option("--load", o->load, "Load the minimal image into podman (podman load) and print its image id")
      ->check(CLI::IsMember({"podman"}));
  cmd->add_flag("--force", o->force, "Replace a non-empty output");
  cmd->add_option("--runtime", o->runtime, "OCI runtime (default: runc from PATH)");
  cmd->add_option("--report", o->report_path, "Also write the report as JSON to FILE");
  cmd->add_option("--save-manifest", o->save_manifest, "Also write the recorded manifest to FILE");
  cmd->add_option("--env", o->env, "KEY=VALUE for the app and the output image (repeatable)")->type_name("KEY=VALUE");
  cmd->add_option("--tag", o->tag,
                  "Tag of the output image (default: latest); a docker-archive is tagged only by a NAME:TAG\n"
                  "such as localhost/app:slim");
  cmd->add_option("--user", o->user,
                  "Run the app as USER[:GROUP] instead of the image's User (names from the image's own\n"
                  "/etc/passwd and /etc/group, or numbers)")
      ->type_name("USER[:GROUP]")
      ->check(user_option());
  cmd->add_option("--max-unpacked-size", o->max_unpacked_size,
                  "Refuse an image that unpacks to more than SIZE, e.g. 512M, 20G (default: 16G);\n"
                  "the free space of OUT's filesystem bounds it too")
      ->transform(CLI::Validator(size_option_to_bytes, ""))
      ->type_name("SIZE");
  cmd->add_option("--verify-traffic", o->verify_traffic, "Extra host command for the verify run only (repeatable)")
      ->type_name("CMD");
  cmd->add_option("--verify-probe", o->verify_probes, "Extra GET for the verify run only (repeatable)")->type_name("URL");
  cmd->add_flag("--no-verify", *no_verify, "Do not run the minimal image");
  cmd->add_flag("--seccomp", o->seccomp,
                "Also write the recorded syscalls as a seccomp profile to OUT.seccomp.json (like pare seccomp)\n"
                "and run the verify step under it");
  cmd->add_option("command", o->command, "-- CMD [ARGS...]: what to run (default: the image's Entrypoint + Cmd)");
  auto packages_parsed = add_package_options(cmd, o->package_db, o->sbom_path, o->sbom_format);
  add_traffic_options(cmd, o->traffic);
  add_closure_options(cmd, o->closure);
  return {cmd, [=] {
            packages_parsed();
            o->verify = !*no_verify;
            return run_slim(*o);
          }};
}

}  // namespace pare
