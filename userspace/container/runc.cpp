#include "container/runc.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/wait_status.h"
#include "record/held_child.h"

namespace pare {

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  size_t nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);  // the last line says why
}

}  // namespace

Runc::Runc(const std::string& runtime) {
  try {
    path_ = find_executable(runtime.empty() ? "runc" : runtime);
  } catch (const Error&) {
    throw Error(kExitEnvironment, "container runtime " + (runtime.empty() ? std::string("runc") : runtime) +
                                      " not found: install it (apt-get install runc) or pass --runtime PATH");
  }
}

int Runc::run(const std::vector<std::string>& args, std::string* err, int stdout_fd) {
  char tmpl[] = "/tmp/pare-runc-err-XXXXXX";
  int errfd = mkostemp(tmpl, O_CLOEXEC);
  if (errfd < 0) throw Error(kExitFailure, errno_message("mkstemp", errno));
  unlink(tmpl);
  pid_t pid = fork();
  if (pid < 0) throw Error(kExitFailure, errno_message("fork", errno));
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(stdout_fd >= 0 ? stdout_fd : null, 1);
    dup2(stdout_fd >= 0 ? stdout_fd : errfd, 2);
    // With STDOUT_FD, runc create hands its stdio to the container; runc's
    // own complaints then go to its --log file instead.
    std::vector<char*> argv{const_cast<char*>(path_.c_str())};
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(path_.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (err) {
    std::string text;
    lseek(errfd, 0, SEEK_SET);
    char buf[4096];
    ssize_t n;
    while ((n = read(errfd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    *err = trim(text);
  }
  close(errfd);
  return exit_code_of(status);
}

pid_t Runc::create(const std::string& id, const std::string& bundle, int output_fd) {
  char log_tmpl[] = "/tmp/pare-runc-log-XXXXXX";
  int logfd = mkostemp(log_tmpl, O_CLOEXEC);
  if (logfd < 0) throw Error(kExitFailure, errno_message("mkstemp", errno));
  close(logfd);
  std::string pidfile = std::string(log_tmpl) + ".pid";
  std::string ignored;
  int rc = run({"--log", log_tmpl, "--log-format", "json", "create", "--bundle", bundle, "--pid-file", pidfile, id},
               &ignored, output_fd);
  std::string why;
  {
    std::ifstream log(log_tmpl);
    std::string line;
    while (std::getline(log, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_discarded() && j.value("level", "") == "error") why = j.value("msg", line);
    }
  }
  unlink(log_tmpl);
  std::ifstream pf(pidfile);
  pid_t pid = 0;
  pf >> pid;
  unlink(pidfile.c_str());
  if (rc != 0 || pid <= 0)
    throw Error(kExitTarget, "runc create failed for bundle " + bundle + (why.empty() ? "" : ": " + why));
  return pid;
}

void Runc::start(const std::string& id) {
  std::string err;
  if (run({"start", id}, &err) != 0) throw Error(kExitTarget, "runc start " + id + " failed: " + err);
}

void Runc::kill(const std::string& id, const std::string& signal) {
  std::string err;
  run({"kill", id, signal}, &err);
}

void Runc::remove(const std::string& id) {
  std::string err;
  run({"delete", "--force", id}, &err);
}

}  // namespace pare
