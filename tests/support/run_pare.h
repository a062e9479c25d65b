// Test support: run pare (or any program) as a child with a clean environment,
// capture its output, and make scratch directories with known files.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace test {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// argv[0] is a path. ENV replaces the environment (PATH is always set to the
// system directories so #!/usr/bin/env and PATH searches are deterministic).
RunResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});
RunResult run_pare(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});

// pare record -o TMP -- CMD...; REQUIREs exit 0 and returns the parsed manifest.
nlohmann::json record(const std::vector<std::string>& cmd, const std::vector<std::string>& extra_args = {});

// A background process that is not a child of pare. Killed and reaped on destruction.
class Background {
 public:
  explicit Background(const std::vector<std::string>& argv);
  ~Background();
  pid_t pid() const { return pid_; }
  int wait();  // exit code

 private:
  pid_t pid_ = -1;
};

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  std::string write(const std::string& name, const std::string& content, int mode = 0644) const;
  std::string mkdir(const std::string& name) const;
  std::string symlink(const std::string& name, const std::string& target) const;

 private:
  std::string path_;
};

std::string fixture();  // path of the pare_fixture program
std::string slurp(const std::string& path);
// VmRSS of PID in KiB, -1 when it is gone (the memory-flatness tests).
long rss_kib(pid_t pid);
bool has_kind(const nlohmann::json& manifest, const std::string& path, const std::string& kind);

}  // namespace test
