#include "agent/runtime_events.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace pare {

namespace {

constexpr size_t kMaxLine = 64 * 1024;

std::string text(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::optional<EngineEvent> parse_podman_event(const std::string& line) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object() || text(j, "Type") != "container") return std::nullopt;
  EngineEvent e{text(j, "ID"), text(j, "Name"), text(j, "Status"), text(j, "Image")};
  if (e.id.empty() || e.status.empty()) return std::nullopt;
  return e;
}

EventStream::EventStream(const std::string& podman_path) : podman_(podman_path) { start(); }

EventStream::~EventStream() { stop(); }

void EventStream::start() {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) {
    spdlog::warn("cannot start podman events: {}", std::strerror(errno));
    return;
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(p[0]);
    close(p[1]);
    return;
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // the agent gone: no orphaned stream
    setpgid(0, 0);                     // Ctrl-C at a terminal is the agent's to handle
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(p[1], 1);
    dup2(null, 2);
    execl(podman_.c_str(), podman_.c_str(), "events", "--format", "json", "--filter", "type=container",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(p[1]);
  fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
  pid_ = pid;
  fd_ = p[0];
  partial_.clear();
  skipping_ = false;
  spdlog::info("watching podman events (pid {})", pid_);
}

void EventStream::stop() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status;
    for (int i = 0; i < 50; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      usleep(20000);
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

std::vector<EngineEvent> EventStream::take() {
  std::vector<EngineEvent> out;
  if (fd_ < 0) {
    if (std::chrono::steady_clock::now() >= restart_at_) start();
    return out;
  }
  char buf[16384];
  while (true) {
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n <= 0) {
      // podman exited (or the pipe broke): say so, and try again in a while.
      stop();
      spdlog::warn("podman events ended: restarting it in 5 s (containers are still found by the kernel)");
      restart_at_ = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      break;
    }
    for (ssize_t i = 0; i < n; ++i) {
      char c = buf[i];
      if (c != '\n') {
        if (!skipping_) partial_.push_back(c);
        if (partial_.size() > kMaxLine) {
          partial_.clear();
          skipping_ = true;
        }
        continue;
      }
      if (!skipping_)
        if (auto e = parse_podman_event(partial_)) out.push_back(std::move(*e));
      partial_.clear();
      skipping_ = false;
    }
  }
  return out;
}

}  // namespace pare
