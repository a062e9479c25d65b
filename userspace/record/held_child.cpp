#include "record/held_child.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/error.h"

namespace pare {

std::string find_executable(const std::string& name) {
  auto runnable = [](const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) {
    if (!runnable(name)) throw Error(kExitTarget, "cannot execute " + name + ": not an executable file");
    return name;
  }
  const char* env = std::getenv("PATH");
  std::string path = env ? env : "/usr/local/bin:/usr/bin:/bin";
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find(':', i);
    if (j == std::string::npos) j = path.size();
    std::string dir = j > i ? path.substr(i, j - i) : ".";
    std::string cand = dir + "/" + name;
    if (runnable(cand)) return cand;
    i = j + 1;
  }
  throw Error(kExitTarget, "command not found: " + name + " (not in PATH)");
}

HeldChild::HeldChild(const std::vector<std::string>& argv) {
  if (argv.empty()) throw Error(kExitUsage, "no command given after --");
  path_ = find_executable(argv[0]);
  int go[2], status[2];
  if (pipe2(go, O_CLOEXEC) != 0 || pipe2(status, O_CLOEXEC) != 0)
    throw Error(kExitFailure, errno_message("pipe", errno));

  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0) throw Error(kExitFailure, errno_message("fork", errno));
  if (pid_ == 0) {
    // Child: only async-signal-safe calls from here.
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // pare gone -> no untraced orphan runs on
    // Its own group, so stopping it stops what it started; not when it reads a
    // terminal (a background group would get SIGTTIN).
    if (!isatty(STDIN_FILENO)) setpgid(0, 0);
    close(go[1]);
    close(status[0]);
    char c;
    ssize_t n;
    do n = read(go[0], &c, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1) _exit(127);  // parent gave up
    execv(path_.c_str(), args.data());
    int err = errno;
    (void)!write(status[1], &err, sizeof err);
    _exit(127);
  }
  close(go[0]);
  close(status[1]);
  go_fd_ = go[1];
  status_fd_ = status[0];
}

HeldChild::~HeldChild() {
  if (go_fd_ >= 0) close(go_fd_);
  if (status_fd_ >= 0) close(status_fd_);
  if (!released_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void HeldChild::release() {
  char c = 'x';
  if (write(go_fd_, &c, 1) != 1) throw Error(kExitFailure, errno_message("cannot start the target", errno));
  close(go_fd_);
  go_fd_ = -1;
  released_ = true;
  int err = 0;
  ssize_t n;
  do n = read(status_fd_, &err, sizeof err);
  while (n < 0 && errno == EINTR);
  close(status_fd_);
  status_fd_ = -1;
  if (n == sizeof err) {
    waitpid(pid_, nullptr, 0);
    throw Error(kExitTarget, errno_message("cannot execute " + path_, err));
  }
}

}  // namespace pare
