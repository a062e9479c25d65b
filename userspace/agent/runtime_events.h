// podman's event stream: `podman events --format json --filter type=container`
// as a child process whose stdout pare reads line by line, never blocking
// (the agent's loop also drains the kernel's ring buffer). The stream is
// restarted (after 5 s) when podman exits; a line longer than 64 KiB is
// skipped. Only what the agent uses is kept from each event.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pare {

struct EngineEvent {
  std::string id;
  std::string name;
  std::string status;  // podman: create, init, start, died, cleanup, remove, restart...
  std::string image;   // the image as named at `run` (not a digest)
};

// One line of `podman events --format json`; nullopt for anything else.
std::optional<EngineEvent> parse_podman_event(const std::string& line);

class EventStream {
 public:
  explicit EventStream(const std::string& podman_path);
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // The events that arrived since the last call (complete lines only).
  std::vector<EngineEvent> take();

 private:
  void start();
  void stop();
  std::string podman_;
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string partial_;
  bool skipping_ = false;  // inside an over-long line
  std::chrono::steady_clock::time_point restart_at_{};
};

}  // namespace pare
