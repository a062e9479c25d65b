#include "image_sandbox.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "support.h"

namespace fuzz {

namespace {

const char kCanary[] = "untouched\n";

// Names in DIR (hidden ones included: scratch directories start with '.'), sorted.
std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return {"<" + dir + " is gone or not a directory>"};
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(n);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& n : v) s += (s.empty() ? "" : ", ") + n;
  return "[" + s + "]";
}

void expect_entries(const std::string& dir, std::vector<std::string> want, const std::string& what) {
  std::sort(want.begin(), want.end());
  std::vector<std::string> got = entries(dir);
  if (got != want) finding(what + " changed " + dir + ": holds " + joined(got) + ", expected " + joined(want));
}

}  // namespace

ImageSandbox::ImageSandbox() {
  static unsigned serial = 0;
  box_ = scratch() + "/box" + std::to_string(serial++);
  std::filesystem::create_directories(dest());
  std::filesystem::create_directories(outside());
  write_file(outside() + "/canary", kCanary);
  if (lstat((outside() + "/canary").c_str(), &canary_) != 0) finding("harness: cannot stat the canary");
  cwd_fd_ = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (cwd_fd_ < 0) finding("harness: cannot open the working directory");
}

ImageSandbox::~ImageSandbox() {
  if (fchdir(cwd_fd_) != 0) finding("harness: cannot restore the working directory");
  close(cwd_fd_);
  remove_tree(box_);
}

void ImageSandbox::check(const std::string& what) const {
  struct stat now, before;
  bool moved = stat(".", &now) != 0 || fstat(cwd_fd_, &before) != 0 || now.st_ino != before.st_ino ||
               now.st_dev != before.st_dev;
  if (moved) {
    if (fchdir(cwd_fd_) != 0) finding("harness: cannot restore the working directory");
    finding(what + " did not restore the working directory");
  }
  expect_entries(scratch(), {std::filesystem::path(box_).filename()}, what);
  expect_entries(box_, {"a", "input", "outside"}, what);
  expect_entries(box_ + "/a", {"b"}, what);
  expect_entries(box_ + "/a/b", {"dest"}, what);
  expect_entries(outside(), {"canary"}, what);
  std::ifstream in(outside() + "/canary", std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  // Owner, mode, times and link count too: a hard link from DEST to the
  // canary, or a chown/chmod through a link, would be an escape as well.
  struct stat st;
  const struct stat& c = canary_;
  if (content.str() != kCanary || lstat((outside() + "/canary").c_str(), &st) != 0 || st.st_ino != c.st_ino ||
      st.st_mode != c.st_mode || st.st_uid != c.st_uid || st.st_gid != c.st_gid || st.st_nlink != c.st_nlink ||
      st.st_mtim.tv_sec != c.st_mtim.tv_sec || st.st_mtim.tv_nsec != c.st_mtim.tv_nsec)
    finding(what + " modified " + outside() + "/canary");
}

}  // namespace fuzz
