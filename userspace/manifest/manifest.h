// The allowlist manifest: the product's central artifact (schema in
// manifests/schema.json). Pure data + JSON conversion; nothing here touches
// the filesystem or the kernel.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pare {

struct PathEntry {
  std::string type = "unknown";  // file, dir, symlink, other, absent, unknown
  std::set<std::string> kinds;    // how the app used it (see schema)
  std::set<std::string> why;      // why it is kept: "traced", "symlink on the way to X", "elf-interp of X"
  std::optional<std::string> target;  // symlink target text
  bool pseudo = false;                // on /proc, /sys, /dev...: audited, never copied (the runtime provides it)
  bool created = false;               // did not exist before the recording: the run made it, never copied
  uint64_t count = 0;
  uint32_t first_pid = 0;
  std::string first_comm;
};

struct MissingEntry {
  std::set<std::string> kinds;
  std::set<std::string> errors;  // errno names: ENOENT, ENOTDIR, EACCES...
  uint64_t count = 0;
  uint32_t first_pid = 0;
  std::string first_comm;
};

struct ProcessEntry {
  uint64_t execs = 0;
  uint32_t first_pid = 0;
  std::string first_comm;
  std::set<std::string> scripts;
};

struct UnbackedEntry {
  std::set<std::string> kinds;
  uint64_t count = 0;
  uint32_t first_pid = 0;
  std::string first_comm;
};

struct Target {
  std::vector<std::string> command;
  std::optional<int> pid;
  std::string root = "/";
  std::optional<int> exit_status;
  std::optional<std::string> lang;  // the target's own LC_ALL, else LC_CTYPE, else LANG (picks the locale rule pack)
};

struct Manifest {
  int schema_version = 1;
  std::string tool_version;
  Target target;
  std::string started_at;  // RFC 3339 UTC
  std::string ended_at;
  bool complete = true;
  std::vector<std::string> incomplete_reasons;
  std::map<std::string, uint64_t> drops;  // per event type
  uint64_t truncated = 0;
  std::vector<std::string> blind_spots;
  std::map<std::string, PathEntry> paths;
  std::map<std::string, MissingEntry> missing;
  std::map<std::string, ProcessEntry> processes;
  std::map<std::string, UnbackedEntry> unbacked;
  // Syscall names the scope made (native architecture); absent in manifests
  // recorded before pare collected them (then no seccomp profile can be made).
  std::optional<std::set<std::string>> syscalls;
};

nlohmann::json manifest_to_json(const Manifest& m);
// Throws Error(kExitBadInput) naming the first problem; SOURCE names the input in messages.
Manifest manifest_from_json(const nlohmann::json& j, const std::string& source);
Manifest read_manifest_file(const std::string& path);
std::string manifest_to_string(const Manifest& m);  // pretty JSON + newline
// The same text, handed to SINK in pieces (a big manifest is never one string).
using ManifestSink = std::function<void(const std::string&)>;
void write_manifest_text(const Manifest& m, const ManifestSink& sink);

}  // namespace pare
