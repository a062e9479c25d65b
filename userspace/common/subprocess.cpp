#include "common/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "common/error.h"
#include "common/interrupt.h"
#include "common/wait_status.h"
#include "record/held_child.h"

namespace pare {

namespace {

constexpr size_t kErrTail = 8192;  // enough for the last lines of a helper's complaint

std::string last_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  size_t nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

}  // namespace

std::string find_tool(const std::string& name) {
  try {
    return find_executable(name);
  } catch (const Error&) {
    return "";
  }
}

ToolRun run_tool(const std::vector<std::string>& argv, size_t max_out) {
  if (argv.empty()) throw Error(kExitFailure, "no program to run");
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw Error(kExitFailure, errno_message("pipe", errno));
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    throw Error(kExitFailure, errno_message("pipe", errno));
  }
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
    throw Error(kExitFailure, errno_message("fork", errno));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // pare gone: no helper writes on into a removed scratch dir
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);

  ToolRun r;
  std::string err_text;
  bool out_open = true, err_open = true;
  bool termed = false;
  auto termed_at = std::chrono::steady_clock::now();
  char buf[1 << 16];
  while (out_open || err_open) {
    if (interrupt_signal() && !termed) {
      kill(pid, SIGTERM);
      termed = true;
      termed_at = std::chrono::steady_clock::now();
    }
    if (termed && std::chrono::steady_clock::now() - termed_at > std::chrono::seconds(5)) kill(pid, SIGKILL);
    struct pollfd fds[2] = {{out_open ? out[0] : -1, POLLIN, 0}, {err_open ? err[0] : -1, POLLIN, 0}};
    int n = poll(fds, 2, 100);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        (i == 0 ? out_open : err_open) = false;
        continue;
      }
      if (i == 0) {
        if (r.out.size() < max_out) r.out.append(buf, std::min(static_cast<size_t>(got), max_out - r.out.size()));
      } else {
        err_text.append(buf, static_cast<size_t>(got));
        if (err_text.size() > 2 * kErrTail) err_text.erase(0, err_text.size() - kErrTail);
      }
    }
  }
  close(out[0]);
  close(err[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) break;
    if (interrupt_signal() && !termed) {
      kill(pid, SIGTERM);
      termed = true;
    }
  }
  r.exit_code = exit_code_of(status);
  r.err_line = last_line(err_text);
  throw_if_interrupted();
  return r;
}

}  // namespace pare
