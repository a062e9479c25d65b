// Package URLs (purl-spec) of dpkg packages, as scanners match them:
// pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc
// The namespace and distro come from the image's os-release; `upstream`
// names the source package when it differs (Debian's security tracker and
// Grype key vulnerabilities by source package), with its version when that
// differs too.
#pragma once

#include <string>

#include "packages/dpkg_db.h"
#include "packages/os_release.h"

namespace pare {

std::string deb_purl(const DpkgPackage& p, const OsRelease& os);

// purl-spec percent-encoding of one component (unreserved characters,
// plus ':' and '+' which Debian versions use and purl leaves as they are).
std::string purl_encode(const std::string& s);

}  // namespace pare
