#include "closure/rule_packs.h"

#include <algorithm>
#include <set>

#include "closure/glob.h"
#include "resolve/elf_info.h"
#include "resolve/symlink_chain.h"

namespace pare {

namespace {

bool any_path(const Manifest& m, bool (*pred)(const std::string&)) {
  for (auto& [p, e] : m.paths)
    if (pred(p)) return true;
  for (auto& [p, e] : m.missing)
    if (pred(p)) return true;
  return false;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// A dynamically linked program ran: it uses the loader cache and glibc's NSS.
bool runs_dynamic_elf(const Manifest& m, const RootFs& fs) {
  for (auto& [p, e] : m.paths)
    if (e.kinds.count("elf-interp")) return true;
  for (auto& [exe, proc] : m.processes)
    if (elf_interpreter(fs, exe)) return true;
  return false;
}

bool uses_tls(const std::string& p) {
  auto base = p.substr(p.rfind('/') + 1);
  return starts_with(base, "libssl.") || starts_with(base, "libcrypto.") || starts_with(base, "libgnutls.") ||
         starts_with(base, "libnss3.") || starts_with(p, "/etc/ssl/") || starts_with(p, "/usr/lib/ssl/") ||
         starts_with(p, "/usr/share/ca-certificates/");
}

bool reads_zoneinfo(const std::string& p) { return starts_with(p, "/usr/share/zoneinfo/") || p == "/etc/localtime"; }

// "/usr/lib/locale/de_DE.utf8/LC_CTYPE" -> "de_DE.utf8"
std::vector<std::string> locales_read(const Manifest& m) {
  std::vector<std::string> out;
  const std::string prefix = "/usr/lib/locale/";
  for (auto& [p, e] : m.paths) {
    if (!starts_with(p, prefix)) continue;
    auto rest = p.substr(prefix.size());
    auto slash = rest.find('/');
    if (slash != std::string::npos) out.push_back(rest.substr(0, slash));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// LANG=de_DE.UTF-8 -> de_DE.utf8, the directory name localedef uses.
std::string locale_dir(std::string lang) {
  auto at = lang.find('@');
  std::string modifier = at == std::string::npos ? "" : lang.substr(at);
  if (at != std::string::npos) lang.resize(at);
  auto dot = lang.find('.');
  if (dot != std::string::npos) {
    std::string codeset = lang.substr(dot + 1), norm;
    for (char c : codeset)
      if (std::isalnum(static_cast<unsigned char>(c))) norm += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    lang = lang.substr(0, dot + 1) + norm;
  }
  return lang + modifier;
}

}  // namespace

const std::vector<RulePack>& rule_packs() {
  static const std::vector<RulePack> packs = {
      {"ca-certificates", "the CA bundle and OpenSSL config, when the app uses TLS libraries or /etc/ssl"},
      {"nss", "nsswitch.conf, hosts, resolv.conf, host.conf, gai.conf and libnss_files/dns, for dynamic programs"},
      {"passwd-group", "/etc/passwd and /etc/group: user and group names (runtimes resolve User with them)"},
      {"ld.so.cache", "the loader cache and its config, for dynamic programs"},
      {"tzdata", "/etc/localtime and /etc/timezone when a zone file was read; the whole zoneinfo tree when a zone other than the local one was"},
      {"locale", "every file of the locale named by the traced LANG or of a locale the app read"},
      {"state-dirs", "directories holding the app's state, whole: image VOLUMEs and directories of files the app\n"
                     "    read and wrote that existed before the run (--state-dir DIR is applied even without it)"},
  };
  return packs;
}

std::vector<std::string> rule_pack_paths(const std::string& name, const Manifest& m, const RootFs& fs, bool force) {
  if (name == "state-dirs") return {};  // whole directories: closure/state_dirs.h, applied by apply_closure
  if (name == "ca-certificates") {
    if (!force && !any_path(m, uses_tls)) return {};
    return {"/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/openssl.cnf", "/usr/lib/ssl/openssl.cnf",
            "/usr/lib/ssl/cert.pem", "/usr/lib/ssl/certs"};
  }
  if (name == "nss") {
    if (!force && !runs_dynamic_elf(m, fs)) return {};
    return {"/etc/nsswitch.conf", "/etc/hosts", "/etc/resolv.conf", "/etc/host.conf", "/etc/gai.conf",
            "/lib/x86_64-linux-gnu/libnss_files.so.2", "/lib/x86_64-linux-gnu/libnss_dns.so.2",
            "/lib/x86_64-linux-gnu/libresolv.so.2"};
  }
  if (name == "passwd-group") return {"/etc/passwd", "/etc/group"};
  if (name == "ld.so.cache") {
    if (!force && !runs_dynamic_elf(m, fs)) return {};
    return {"/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d/*"};
  }
  if (name == "tzdata") {
    if (!force && !any_path(m, reads_zoneinfo)) return {};
    // Reading only the local zone (through /etc/localtime) needs just that
    // zone; naming other zones (TZ=..., a zone picker) needs the whole tree.
    // Everything on the way from /etc/localtime to its zone file is the local zone.
    std::set<std::string> local;
    Resolution res = resolve_in_root(fs, "/etc/localtime");
    local.insert(res.path);
    for (auto& hop : res.hops) local.insert(hop.link);
    bool other_zones = false;
    for (auto& [p, e] : m.paths)
      if (starts_with(p, "/usr/share/zoneinfo/") && e.type != "dir" && !local.count(p) && !e.kinds.empty() &&
          e.kinds != std::set<std::string>{"symlink"})
        other_zones = true;
    // A failed zone lookup is not a reason: `date -u` tries zoneinfo/UTC0 and
    // falls back to the POSIX rule, as it will in the minimal image.
    std::vector<std::string> out = {"/etc/localtime", "/etc/timezone"};
    if (other_zones || force) out.push_back("/usr/share/zoneinfo/**");
    return out;
  }
  if (name == "locale") {
    auto names = locales_read(m);
    if (m.target.lang && *m.target.lang != "C" && *m.target.lang != "POSIX") names.push_back(locale_dir(*m.target.lang));
    std::vector<std::string> out;
    for (auto& n : names) out.push_back("/usr/lib/locale/" + n + "/**");
    if (!names.empty() || force) out.push_back("/usr/lib/locale/locale-archive");
    if (force && names.empty()) out.push_back("/usr/lib/locale/C.utf8/**");
    return out;
  }
  return {};
}

}  // namespace pare
