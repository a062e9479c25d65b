// What the node agent asks the container engine, through its own CLI (like
// `record --container`, pare reads no engine state itself): which containers
// run now, and for one container id its name, init pid, creation time and
// image. Each engine's answer is parsed by a pure function the unit tests feed.
//
// The image is named by its **image id**: the sha256 digest of the image's
// config blob (podman's `.Image`, containerd's `info.imageRef`). Why the config
// digest rather than the manifest (repo) digest: every image has one, also
// one built or imported locally that was never pushed (no repo digest), it is
// the same on every node that runs the same image, and it names exactly one
// filesystem + config, where a multi-arch index digest names several.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pare {

struct ContainerFacts {
  std::string id;            // the engine's full id
  std::string name;
  pid_t pid = 0;             // the container's init as the host sees it; 0 when not running
  std::string image_digest;  // 64 lowercase hex digits (sha256 of the config); "" when unknown
  std::string image_name;    // as the engine names it, for logs
  std::optional<int64_t> created_unix;  // when the container was created (seconds)
};

class ContainerEngine {
 public:
  // CLI: "podman" or "crictl"; "" = the first of them installed. "ctr" and
  // anything else: Error(kExitUsage). Not installed: Error(kExitEnvironment).
  explicit ContainerEngine(const std::string& cli);
  const std::string& cli() const { return cli_; }
  const std::string& path() const { return path_; }
  // podman streams its events (`podman events`); crictl has none in every
  // version: its containers are found by the kernel alone (see agent_command.h).
  bool has_event_stream() const { return cli_ == "podman"; }

  // Ids of the containers running now.
  std::vector<std::string> running_ids() const;
  // The facts of container ID, or nullopt when the engine knows no such container.
  std::optional<ContainerFacts> inspect(const std::string& id) const;

 private:
  std::string cli_, path_;
};

// `podman container inspect ID` (a JSON array of one object).
std::optional<ContainerFacts> parse_podman_container(const std::string& json_text);
// `crictl inspect ID` (status.{id,metadata.name,createdAt,state}, info.{pid,imageRef}).
std::optional<ContainerFacts> parse_crictl_container(const std::string& json_text);
// "sha256:<64 hex>" or "<64 hex>" -> the hex digits; anything else -> "".
// The result names a file in the agent's directory: nothing but hex gets through.
std::string sha256_hex(const std::string& s);
// The container id in a process's /proc/PID/cgroup: the last run of 64 hex
// digits in any line's path (podman `libpod-<id>`, containerd/CRI-O
// `cri-containerd-<id>.scope` or `.../<id>`, docker `docker/<id>`); "" if none.
std::string container_id_from_cgroup(const std::string& proc_cgroup_text);
// RFC 3339 ("2026-11-29T18:15:37.565084419Z", "...+02:00") -> Unix seconds.
std::optional<int64_t> parse_rfc3339(const std::string& s);

}  // namespace pare
