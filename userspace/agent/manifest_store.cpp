#include "agent/manifest_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include <spdlog/spdlog.h>

#include "agent/container_engine.h"
#include "common/error.h"
#include "common/name_encoding.h"
#include "common/output_file.h"
#include "manifest/merge.h"

namespace pare {

ManifestStore::ManifestStore(const std::string& dir) : dir_(dir) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  if (dir_.empty()) throw Error(kExitUsage, "--out needs a directory");
  if (mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST)
    throw Error(kExitUsage, errno_message("--out " + printable_name(dir_) + ": cannot create the directory", errno));
  // O_DIRECTORY follows a symlink to a directory and refuses anything else.
  lock_fd_ = open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock_fd_ < 0) throw Error(kExitUsage, errno_message("--out " + printable_name(dir_) + " is not a directory", errno));
  if (access(dir_.c_str(), W_OK) != 0)
    throw Error(kExitUsage, errno_message("--out " + printable_name(dir_) + " is not writable", errno));
  if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0)
    throw Error(kExitUsage, "--out " + printable_name(dir_) + " is in use by another pare agent (one agent per directory)");
  // Temporaries of an agent that was killed mid-write (we hold the lock: nobody writes them now).
  if (DIR* d = fdopendir(dup(lock_fd_))) {
    while (struct dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.rfind("sha256-", 0) == 0 && n.find(".json.tmp-") != std::string::npos && e->d_type == DT_REG) {
        unlinkat(lock_fd_, n.c_str(), 0);
        spdlog::info("removed {} (left by an agent that did not finish writing)", n);
      }
    }
    closedir(d);
  }
}

ManifestStore::~ManifestStore() {
  if (lock_fd_ >= 0) close(lock_fd_);
}

std::string ManifestStore::path_for(const std::string& digest_hex) const {
  if (sha256_hex(digest_hex) != digest_hex || digest_hex.empty())
    throw Error(kExitFailure, "not an image digest: '" + printable_name(digest_hex.substr(0, 100)) + "'");
  return dir_ + "/sha256-" + digest_hex + ".json";
}

void ManifestStore::merge(const std::string& digest_hex, Manifest m) {
  std::string path = path_for(digest_hex);
  OutputPlan plan = plan_output(path, "--out");  // refuses a directory, socket... named like a manifest
  Manifest out = merge_start(std::move(m));
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    try {
      merge_into(out, read_manifest_file(path));
    } catch (const Error& e) {
      std::string aside = path + ".unreadable-" + std::to_string(std::time(nullptr));
      spdlog::warn("{} is not a manifest pare can read ({}): moved to {}, a new one is written", printable_name(path),
                   e.what(), printable_name(aside));
      if (rename(path.c_str(), aside.c_str()) != 0)
        throw Error(kExitFailure, errno_message("cannot move " + printable_name(path) + " aside", errno));
      plan = plan_output(path, "--out");
    }
  }
  OutputFile f(plan);
  f.write(manifest_to_string(out));
  f.commit();
}

}  // namespace pare
