#include <memory>

#include "cli/commands.h"
#include "sbom/sbom_command.h"

namespace pare {

void add_sbom_format_option(CLI::App* cmd, std::string& format) {
  cmd->add_option("--sbom-format", format, "cyclonedx (CycloneDX 1.5 JSON, default) or spdx (SPDX 2.3 JSON)")
      ->check(CLI::IsMember({"cyclonedx", "spdx"}))
      ->type_name("FORMAT");
}

std::function<void()> add_package_options(CLI::App* cmd, bool& package_db, std::string& sbom_path,
                                          std::string& sbom_format) {
  auto no_db = std::make_shared<bool>(false);
  cmd->add_flag("--no-package-db", *no_db,
                "Do not write the trimmed dpkg database (/var/lib/dpkg: status and the kept packages' info\n"
                "files) into the image; the report still attributes files to packages");
  cmd->add_option("--sbom", sbom_path, "Also write the minimal image's SBOM to FILE (see --sbom-format)")
      ->type_name("FILE");
  add_sbom_format_option(cmd, sbom_format);
  return [no_db, &package_db] { package_db = !*no_db; };
}

Command add_sbom_command(CLI::App& app) {
  auto o = std::make_shared<SbomOptions>();
  auto* cmd = app.add_subcommand(
      "sbom",
      "Write the SBOM of an image as it is: its dpkg packages (purls) and every file with SHA-1/SHA-256.\n"
      "For the fat image, to compare with the minimal image's `pare build --sbom`.\n"
      "Example: pare sbom --from ./image:latest -o fat.cdx.json");
  cmd->add_option("--from", o->from, "Rootfs directory, OCI layout (DIR[:TAG]) or docker-save tar")->required();
  cmd->add_option("-o,--output", o->output, "Write the SBOM here (default: stdout)");
  add_sbom_format_option(cmd, o->format);
  cmd->add_option("--max-unpacked-size", o->max_unpacked_size,
                  "Refuse an image SRC that unpacks to more than SIZE, e.g. 512M, 20G (default: 16G)")
      ->transform(CLI::Validator(size_option_to_bytes, ""))
      ->type_name("SIZE");
  return {cmd, [=] { return run_sbom(*o); }};
}

}  // namespace pare
