// Which distribution a root holds, from its os-release file (/etc/os-release,
// else /usr/lib/os-release): the purl namespace and `distro` qualifier of its
// packages (pkg:deb/debian/...?distro=debian-12) and the SBOM's
// operating-system component. Never guessed from the host.
#pragma once

#include <optional>
#include <string>

#include "resolve/root_fs.h"

namespace pare {

struct OsRelease {
  std::string id;                // "debian", "ubuntu" (lower case)
  std::string version_id;        // "12", "22.04"; empty for testing/unstable
  std::string version_codename;  // "bookworm"
  std::string pretty_name;
  // "debian-12"; "debian-trixie" without VERSION_ID; "" without ID.
  std::string distro() const;
};

// nullopt when the root has no readable os-release.
std::optional<OsRelease> read_os_release(const RootFs& fs);

// Shell-style KEY=VALUE text (quotes and backslashes as os-release(5) says) -> fields.
OsRelease parse_os_release(const std::string& text);

}  // namespace pare
