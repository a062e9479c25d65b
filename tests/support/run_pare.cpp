#include "support/run_pare.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace test {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

RunResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
  TempDir io;
  std::string out_path = io / "out", err_path = io / "err";
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int o = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int n = open("/dev/null", O_RDONLY);
    dup2(n, 0);
    dup2(o, 1);
    dup2(e, 2);
    std::map<std::string, std::string> full = {{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}, {"LANG", "C.UTF-8"}};
    for (auto& [k, v] : env) full[k] = v;
    std::vector<std::string> envs;
    for (auto& [k, v] : full) envs.push_back(k + "=" + v);
    std::vector<char*> a, ev;
    for (auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    for (auto& s : envs) ev.push_back(const_cast<char*>(s.c_str()));
    ev.push_back(nullptr);
    execve(a[0], a.data(), ev.data());
    _exit(126);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

RunResult run_pare(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv{PARE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, env);
}

nlohmann::json record(const std::vector<std::string>& cmd, const std::vector<std::string>& extra_args) {
  TempDir out;
  std::vector<std::string> args{"record", "-o", out / "manifest.json"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  args.push_back("--");
  args.insert(args.end(), cmd.begin(), cmd.end());
  RunResult r = run_pare(args);
  INFO("pare stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(slurp(out / "manifest.json"));
  return j;
}

Background::Background(const std::vector<std::string>& argv) {
  pid_ = fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    std::vector<char*> a;
    for (auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    execv(a[0], a.data());
    _exit(126);
  }
}

Background::~Background() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

int Background::wait() {
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/pare-test-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content, int mode) const {
  std::string p = *this / name;
  std::filesystem::create_directories(std::filesystem::path(p).parent_path());
  std::ofstream(p) << content;
  chmod(p.c_str(), static_cast<mode_t>(mode));
  return p;
}

std::string TempDir::mkdir(const std::string& name) const {
  std::string p = *this / name;
  std::filesystem::create_directories(p);
  return p;
}

std::string TempDir::symlink(const std::string& name, const std::string& target) const {
  std::string p = *this / name;
  std::filesystem::create_directories(std::filesystem::path(p).parent_path());
  REQUIRE(::symlink(target.c_str(), p.c_str()) == 0);
  return p;
}

std::string fixture() { return PARE_FIXTURE_BIN; }

bool has_kind(const nlohmann::json& m, const std::string& path, const std::string& kind) {
  auto it = m["paths"].find(path);
  if (it == m["paths"].end()) return false;
  for (auto& k : (*it)["kinds"])
    if (k == kind) return true;
  return false;
}

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace test
