#include "container/user_lookup.h"

#include <unistd.h>

#include <algorithm>
#include <optional>
#include <sstream>

#include "resolve/root_fs.h"

namespace pare {

namespace {

constexpr size_t kMaxFileBytes = 4u << 20;
constexpr size_t kMaxGroups = 65536;  // NGROUPS_MAX

// A uid/gid: decimal, below (uint32_t)-1, which the kernel reads as "unchanged".
std::optional<uint32_t> parse_id(const std::string& s) {
  if (s.empty() || s.size() > 10 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  unsigned long long v = std::stoull(s);
  if (v >= 0xffffffffULL) return std::nullopt;
  return static_cast<uint32_t>(v);
}

bool is_number(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// The lines of FILE inside ROOTFS, split on ':'; none when it is missing.
// Through RootFs: /etc/passwd in an untrusted image may be a symlink to a host
// file, a FIFO or /dev/zero.
std::vector<std::vector<std::string>> read_db(const std::string& rootfs, const char* file) {
  RootFs fs(rootfs);
  int fd = fs.open_read(file);
  std::string text;
  if (fd >= 0) {
    char buf[8192];
    ssize_t n;
    while (text.size() < kMaxFileBytes && (n = read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    close(fd);
  }
  std::vector<std::vector<std::string>> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string part;
    while (std::getline(ss, part, ':')) f.push_back(part);
    if (line.size() && line.back() == ':') f.push_back("");  // the empty last field (no members)
    out.push_back(std::move(f));
  }
  return out;
}

struct Split {
  std::string user, group;
  bool has_group = false;
};

Split split(const std::string& spec) {
  Split s;
  auto colon = spec.find(':');
  s.user = spec.substr(0, colon);
  if (colon != std::string::npos) {
    s.has_group = true;
    s.group = spec.substr(colon + 1);
  }
  return s;
}

}  // namespace

std::string user_syntax_error(const std::string& user) {
  Split s = split(user);
  if (s.user.empty() || (s.has_group && s.group.empty())) return "empty user or group (want USER[:GROUP])";
  if (s.group.find(':') != std::string::npos) return "more than one ':' (want USER[:GROUP])";
  for (auto* part : {&s.user, &s.group})
    if (is_number(*part) && !parse_id(*part)) return *part + " is not a valid id (0 to 4294967294)";
  return "";
}

ProcessUser resolve_user(const std::string& rootfs, const std::string& user, ExitCode code, const std::string& what) {
  auto fail = [&](const std::string& why) { return Error(code, what + " " + user + ": " + why); };
  if (std::string bad = user_syntax_error(user); !bad.empty()) throw fail(bad);
  Split s = split(user);
  ProcessUser out;
  std::string name;  // the passwd entry's name, for group membership
  bool numeric = is_number(s.user);
  if (numeric) out.uid = *parse_id(s.user);
  for (auto& f : read_db(rootfs, "/etc/passwd")) {
    if (f.size() < 4) continue;
    auto uid = parse_id(f[2]), gid = parse_id(f[3]);
    if (!uid || !gid) continue;  // a malformed entry is no entry
    if (numeric ? *uid == out.uid : f[0] == s.user) {
      name = f[0];
      out.uid = *uid;
      out.gid = *gid;
      break;
    }
  }
  if (name.empty() && !numeric) throw fail("no user " + s.user + " in the image's /etc/passwd");

  if (!s.has_group && name.empty()) return out;  // a bare uid: gid 0, no groups
  auto groups = read_db(rootfs, "/etc/group");
  if (s.has_group) {
    // An explicit group: no supplementary groups (docker's rule).
    if (is_number(s.group)) {
      out.gid = *parse_id(s.group);
      return out;
    }
    for (auto& f : groups)
      if (f.size() >= 3 && f[0] == s.group)
        if (auto gid = parse_id(f[2])) {
          out.gid = *gid;
          return out;
        }
    throw fail("no group " + s.group + " in the image's /etc/group");
  }
  for (auto& f : groups) {
    if (f.size() < 4 || out.additional_gids.size() >= kMaxGroups) continue;
    auto gid = parse_id(f[2]);
    if (!gid) continue;
    std::stringstream members(f[3]);
    for (std::string m; std::getline(members, m, ',');)
      if (m == name && std::find(out.additional_gids.begin(), out.additional_gids.end(), *gid) == out.additional_gids.end())
        out.additional_gids.push_back(*gid);
  }
  return out;
}

}  // namespace pare
