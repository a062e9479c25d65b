// Where the dynamic loader would find a DT_NEEDED library inside the target
// root: DT_RPATH (when there is no DT_RUNPATH), DT_RUNPATH, the root's own
// /etc/ld.so.conf directories, then the default directories — the order
// ld.so(8) documents, with $ORIGIN expanded. A candidate of the wrong ELF
// class or machine is skipped, as the loader does.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "resolve/elf_info.h"
#include "resolve/root_fs.h"

namespace pare {

class LibrarySearch {
 public:
  explicit LibrarySearch(const RootFs& fs);

  // Path (as named, before symlinks) of SONAME needed by the ELF at
  // REQUESTER_PATH (a physical path); nullopt when not found.
  std::optional<std::string> find(const std::string& soname, const ElfInfo& requester,
                                  const std::string& requester_path) const;

  const std::vector<std::string>& config_dirs() const { return conf_dirs_; }

 private:
  void read_conf(const std::string& path, int depth);
  std::set<std::string> conf_files_read_;
  bool usable(const std::string& path, const ElfInfo& requester) const;
  const RootFs& fs_;
  std::vector<std::string> conf_dirs_;
};

}  // namespace pare
