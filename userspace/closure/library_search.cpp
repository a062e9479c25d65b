#include "closure/library_search.h"

#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "resolve/symlink_chain.h"

namespace pare {

namespace {

// ld.so's built-in directories on a Debian multiarch system, after ld.so.conf.
const std::vector<std::string> kDefaultDirs = {
    "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib",
};

std::string read_text(const RootFs& fs, const std::string& path) {
  int fd = fs.open_read(path);
  if (fd < 0) return {};
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0 && out.size() < (1 << 20)) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}


std::string expand_origin(std::string dir, const std::string& origin) {
  for (const char* token : {"$ORIGIN", "${ORIGIN}"}) {
    size_t i;
    while ((i = dir.find(token)) != std::string::npos) dir.replace(i, std::string(token).size(), origin);
  }
  return dir;
}

}  // namespace

LibrarySearch::LibrarySearch(const RootFs& fs) : fs_(fs) { read_conf("/etc/ld.so.conf", 0); }

void LibrarySearch::read_conf(const std::string& path, int depth) {
  // Include loops and fan-out in a hostile image: each file once, 256 at most.
  if (depth > 8 || conf_files_read_.size() >= 256 || !conf_files_read_.insert(path).second) return;
  std::istringstream in(read_text(fs_, path));
  std::string line;
  while (std::getline(in, line)) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string word;
    if (!(words >> word)) continue;
    if (word == "include") {
      std::string pattern;
      while (words >> pattern) {
        if (pattern[0] != '/') pattern = parent_path(path) + "/" + pattern;
        // Only the last component may hold wildcards (ld.so.conf.d/*.conf).
        std::string dir = parent_path(pattern), base = base_name(pattern);
        for (auto& name : fs_.list_dir(dir))
          if (fnmatch(base.c_str(), name.c_str(), 0) == 0) read_conf(dir + "/" + name, depth + 1);
      }
    } else if (word[0] == '/') {
      std::string dir = lexical_normalize(word);
      if (std::find(conf_dirs_.begin(), conf_dirs_.end(), dir) == conf_dirs_.end()) conf_dirs_.push_back(dir);
    }
  }
}

bool LibrarySearch::usable(const std::string& path, const ElfInfo& requester) const {
  auto info = read_elf_info(fs_, path);
  return info && info->elf_class == requester.elf_class && info->machine == requester.machine;
}

std::optional<std::string> LibrarySearch::find(const std::string& soname, const ElfInfo& requester,
                                               const std::string& requester_path) const {
  if (soname.find('/') != std::string::npos) {
    std::string p = soname[0] == '/' ? soname : parent_path(requester_path) + "/" + soname;
    return usable(p, requester) ? std::optional<std::string>(lexical_normalize(p)) : std::nullopt;
  }
  std::string origin = parent_path(requester_path);
  std::vector<std::string> dirs;
  if (requester.runpath.empty())
    for (auto& d : requester.rpath) dirs.push_back(expand_origin(d, origin));
  for (auto& d : requester.runpath) dirs.push_back(expand_origin(d, origin));
  dirs.insert(dirs.end(), conf_dirs_.begin(), conf_dirs_.end());
  dirs.insert(dirs.end(), kDefaultDirs.begin(), kDefaultDirs.end());
  for (auto& d : dirs) {
    if (d.empty() || d[0] != '/') continue;  // relative RPATH entries are relative to the cwd: unknowable
    std::string cand = lexical_normalize(d + "/" + soname);
    if (usable(cand, requester)) return cand;
  }
  return std::nullopt;
}

}  // namespace pare
