#include "image/image_files.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "common/error.h"
#include "common/json_input.h"

namespace pare {

std::string read_small_file(const std::string& path, const std::string& what, size_t max_bytes) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(kExitBadInput, errno_message(what + ": cannot read " + path, errno));
  std::string out;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      throw Error(kExitBadInput, errno_message(what + ": cannot read " + path, err));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      close(fd);
      throw Error(kExitBadInput, what + ": " + path + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  close(fd);
  return out;
}

nlohmann::json parse_json(const std::string& text, const std::string& what) {
  // Depth-limited: image JSON is untrusted and copying a value recurses per level.
  return parse_json_limited(text, what);
}

ImageScratchDir::ImageScratchDir(const std::string& parent, const std::string& name) {
  std::string tmpl = parent + "/." + name + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw Error(kExitFailure, errno_message("cannot create a scratch directory in " + parent, errno));
  path_ = buf.data();
}

ImageScratchDir::~ImageScratchDir() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  if (ec) spdlog::warn("cannot remove scratch directory {}: {}", path_, ec.message());
}

std::vector<std::string> sorted_tree(const std::string& root) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  for (; !ec && it != end; it.increment(ec)) out.push_back(it->path().lexically_relative(root).string());
  if (ec) throw Error(kExitFailure, "cannot list " + root + ": " + ec.message());
  std::sort(out.begin(), out.end());  // char_traits<char> compares as unsigned char: bytewise
  return out;
}

std::string parent_dir(const std::string& path) {
  std::filesystem::path p = std::filesystem::path(path).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();  // "a/b/" names b
  std::filesystem::path parent = p.parent_path();
  return parent.empty() ? "." : parent.string();
}

}  // namespace pare
