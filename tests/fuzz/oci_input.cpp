#include "oci_input.h"

#include <sys/stat.h>

#include <vector>

#include "image/sha256.h"
#include "support.h"

namespace fuzz {

namespace {

constexpr std::string_view kSeparator = "\n--8<--\n";
constexpr size_t kMaxParts = 18;  // oci-layout, index.json, 16 blobs

std::vector<std::string> split_parts(std::string_view in) {
  std::vector<std::string> parts;
  while (parts.size() + 1 < kMaxParts) {
    size_t at = in.find(kSeparator);
    if (at == std::string_view::npos) break;
    parts.emplace_back(in.substr(0, at));
    in.remove_prefix(at + kSeparator.size());
  }
  parts.emplace_back(in);
  return parts;
}

// PART with "$i"/"#i" replaced for the blobs i >= FIRST that are finished.
std::string substitute(const std::string& part, size_t first, const std::vector<std::string>& digests,
                       const std::vector<std::string>& sizes) {
  std::string out;
  out.reserve(part.size());
  for (size_t i = 0; i < part.size(); ++i) {
    char c = part[i];
    if ((c == '$' || c == '#') && i + 1 < part.size() && part[i + 1] >= '0' && part[i + 1] <= '9') {
      size_t blob = static_cast<size_t>(part[i + 1] - '0');
      if (blob >= first && blob < digests.size()) {
        out += c == '$' ? digests[blob] : sizes[blob];
        ++i;
        continue;
      }
    }
    out += c;
  }
  return out;
}

void make_dir(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0) finding("harness: cannot create " + path);
}

}  // namespace

std::string write_oci_layout(std::string_view in, const std::string& dir) {
  std::string source = dir;
  if (in.substr(0, 4) == "tag:") {
    size_t nl = in.find('\n');
    source += ":" + std::string(in.substr(4, nl == std::string_view::npos ? std::string_view::npos : nl - 4));
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  }
  std::vector<std::string> parts = split_parts(in);
  size_t blobs = parts.size() > 2 ? parts.size() - 2 : 0;
  std::vector<std::string> digests(blobs), sizes(blobs);
  for (size_t k = parts.size(); k-- > 0;) {
    // Part k may name the blobs after it: blob k-1 onwards for blob k-2, any for parts 0 and 1.
    parts[k] = substitute(parts[k], k >= 2 ? k - 1 : 0, digests, sizes);
    if (k >= 2) {
      digests[k - 2] = "sha256:" + pare::sha256_hex(parts[k]);
      sizes[k - 2] = std::to_string(parts[k].size());
    }
  }
  make_dir(dir);
  make_dir(dir + "/blobs");
  make_dir(dir + "/blobs/sha256");
  write_file(dir + "/oci-layout", parts[0]);
  if (parts.size() > 1) write_file(dir + "/index.json", parts[1]);
  for (size_t i = 0; i < blobs; ++i) write_file(dir + "/blobs/sha256/" + digests[i].substr(7), parts[i + 2]);
  return source;
}

}  // namespace fuzz
