#include "record/targets.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/wait_status.h"
#include "common/scratch_dir.h"
#include "container/bundle.h"
#include "container/bundle_user.h"
#include "container/container_lookup.h"
#include "container/runc.h"
#include "probe/probes.h"
#include "record/held_child.h"
#include "record/proc_tree.h"
#include "record/target_env.h"

namespace pare {

namespace {

std::optional<int> reap(pid_t pid) {
  int status;
  if (waitpid(pid, &status, WNOHANG) != pid) return std::nullopt;
  return exit_code_of(status);
}

class CommandTarget : public RecordTarget {
 public:
  explicit CommandTarget(const std::vector<std::string>& argv) {
    // Orphans of the traced tree are reparented to us, so they can be reaped.
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    child_ = std::make_unique<HeldChild>(argv);
    name_ = argv[0];
  }
  std::string root() const override { return "/"; }
  std::vector<std::string> environment() const override { return own_environ(); }  // execv passes it on
  void start(Probes& probes) override {
    probes.trace_tgid(static_cast<uint32_t>(child_->pid()));
    child_->release();
    spdlog::info("started {} as pid {}", name_, child_->pid());
  }
  bool running() override {
    if (exit_status) return false;
    exit_status = reap(child_->pid());
    return !exit_status;
  }
  void stop(bool hard) override {
    // The whole process group: helpers the command started stop with it.
    kill(-child_->pid(), hard ? SIGKILL : SIGTERM);
    if (!exit_status) kill(child_->pid(), hard ? SIGKILL : SIGTERM);
  }
  void finish() override {
    if (!exit_status) {
      int status;
      if (waitpid(child_->pid(), &status, 0) == child_->pid())
        exit_status = exit_code_of(status);
    }
    while (waitpid(-1, nullptr, WNOHANG) > 0) {}  // reparented orphans
  }

 private:
  std::unique_ptr<HeldChild> child_;
  std::string name_;
};

class PidTarget : public RecordTarget {
 public:
  explicit PidTarget(pid_t pid) : pid_(pid) {
    if (!process_exists(pid)) throw Error(kExitTarget, "no process with pid " + std::to_string(pid));
    env_ = process_environ(pid);  // now: the process may end during the recording
  }
  std::string root() const override { return "/proc/" + std::to_string(pid_) + "/root"; }
  std::vector<std::string> environment() const override { return env_; }
  std::optional<pid_t> attached_pid() const override { return pid_; }
  void start(Probes& probes) override {
    // A process in another mount namespace is a container: its whole mount
    // namespace is the scope (later `exec`s into it included). One in ours is
    // an ordinary process: its tree is the scope.
    uint32_t ns = mount_namespace_of(pid_);
    bool container = ns != 0 && ns != mount_namespace_of(getpid());
    if (container) probes.trace_mount_namespace(ns);
    // Children forked during the scan are caught by the fork probe once their
    // parent is in scope; scanning twice closes the window between the two.
    for (int pass = 0; pass < 2; ++pass) {
      for (pid_t p : process_tree(pid_)) probes.trace_tgid(static_cast<uint32_t>(p));
      if (container)
        for (pid_t p : processes_in_mount_namespace(ns)) probes.trace_tgid(static_cast<uint32_t>(p));
    }
    spdlog::info("attached to pid {} and its {}", pid_, container ? "mount namespace" : "descendants");
  }
  // A zombie has exited: it only waits for its parent to reap it.
  bool running() override { return process_running(pid_); }
  bool stoppable() const override { return false; }
  void stop(bool) override {}

 private:
  pid_t pid_;
  std::vector<std::string> env_;
};

// A container some engine runs: its init as --pid, plus what traffic
// commands need to reach it (`"$PARE_RUNTIME" exec "$PARE_CONTAINER_ID" ...`).
class ContainerTarget : public PidTarget {
 public:
  explicit ContainerTarget(const FoundContainer& c) : PidTarget(c.pid), found_(c) {}
  std::map<std::string, std::string> traffic_env() const override {
    return {{"PARE_CONTAINER_ID", found_.id}, {"PARE_RUNTIME", found_.cli_path}};
  }

 private:
  FoundContainer found_;
};

class BundleTarget : public RecordTarget {
 public:
  BundleTarget(const std::string& dir, const std::string& runtime, const std::string& app_log,
               const std::string& user)
      : bundle_(read_bundle(dir)), runc_(runtime), app_log_(app_log), run_dir_(bundle_.dir) {
    id_ = "pare-" + std::to_string(getpid()) + "-" + std::to_string(counter_++);
    if (!user.empty()) {
      // Resolved in the bundle's own rootfs; the user's bundle is never modified.
      ProcessUser u = resolve_user(bundle_.rootfs, user, kExitUsage, "--user");
      const char* tmp = std::getenv("TMPDIR");
      scratch_ = std::make_unique<ScratchDir>(std::string(tmp && *tmp ? tmp : "/tmp") + "/pare-bundle");
      run_dir_ = scratch_->path();
      write_bundle_as_user(bundle_, u, run_dir_);
    }
  }
  ~BundleTarget() override {
    if (created_) runc_.remove(id_);
  }
  std::string root() const override { return bundle_.rootfs; }
  std::vector<std::string> environment() const override { return bundle_.env; }
  std::map<std::string, std::string> traffic_env() const override {
    return {{"PARE_CONTAINER_ID", id_}, {"PARE_RUNTIME", runc_.path()}};
  }
  void start(Probes& probes) override {
    // The container's init is reparented to us when `runc create` exits.
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    int out = app_log_.empty() ? dup(STDERR_FILENO)
                               : open(app_log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) throw Error(kExitFailure, errno_message("cannot open " + app_log_, errno));
    try {
      init_ = runc_.create(id_, run_dir_, out);
    } catch (...) {
      close(out);
      throw;
    }
    close(out);
    created_ = true;
    uint32_t ns = mount_namespace_of(init_);
    if (ns == 0) throw Error(kExitTarget, "the container exited during setup");
    probes.trace_mount_namespace(ns);
    probes.trace_tgid(static_cast<uint32_t>(init_), /*wait_exec=*/true);
    runc_.start(id_);
    spdlog::info("container {} started (init pid {})", id_, init_);
  }
  bool running() override {
    if (exit_status) return false;
    exit_status = reap(init_);
    return !exit_status;
  }
  void stop(bool hard) override {
    if (!exit_status) runc_.kill(id_, hard ? "KILL" : "TERM");
  }
  void finish() override {
    if (!exit_status) {
      runc_.kill(id_, "KILL");
      int status;
      if (waitpid(init_, &status, 0) == init_) exit_status = exit_code_of(status);
    }
    runc_.remove(id_);
    created_ = false;
    while (waitpid(-1, nullptr, WNOHANG) > 0) {}
  }

 private:
  static inline int counter_ = 0;
  BundleInfo bundle_;
  Runc runc_;
  std::string app_log_, id_;
  std::string run_dir_;                  // the bundle runc is given: the user's, or the --user copy
  std::unique_ptr<ScratchDir> scratch_;  // outlives the container: removed after runc delete
  pid_t init_ = -1;
  bool created_ = false;
};

}  // namespace

std::unique_ptr<RecordTarget> command_target(const std::vector<std::string>& argv) {
  return std::make_unique<CommandTarget>(argv);
}
std::unique_ptr<RecordTarget> pid_target(pid_t pid) { return std::make_unique<PidTarget>(pid); }
std::unique_ptr<RecordTarget> container_target(const std::string& name, const std::string& runtime_cli) {
  return std::make_unique<ContainerTarget>(find_container(name, runtime_cli));
}
std::unique_ptr<RecordTarget> bundle_target(const std::string& dir, const std::string& runtime, const std::string& app_log,
                                            const std::string& user) {
  return std::make_unique<BundleTarget>(dir, runtime, app_log, user);
}

}  // namespace pare
