#include "record/target_env.h"

#include <fcntl.h>
#include <unistd.h>

#include <map>

extern char** environ;

namespace pare {

namespace {

constexpr size_t kMaxEnvironBytes = 1u << 20;

}  // namespace

std::optional<std::string> locale_from_env(const std::vector<std::string>& env) {
  std::map<std::string, std::string> vars;
  for (auto& e : env) {
    auto eq = e.find('=');
    if (eq != std::string::npos) vars[e.substr(0, eq)] = e.substr(eq + 1);
  }
  for (const char* key : {"LC_ALL", "LC_CTYPE", "LANG"})
    if (auto it = vars.find(key); it != vars.end() && !it->second.empty()) return it->second;
  return std::nullopt;
}

std::vector<std::string> process_environ(pid_t pid) {
  std::vector<std::string> out;
  if (pid <= 0) return out;
  int fd = open(("/proc/" + std::to_string(pid) + "/environ").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  std::string text;
  char buf[16384];
  ssize_t n;
  while (text.size() < kMaxEnvironBytes && (n = read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  close(fd);
  if (text.size() > kMaxEnvironBytes) text.resize(kMaxEnvironBytes);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\0', start);
    if (end == std::string::npos) break;  // an entry cut by the bound is dropped, not guessed
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::vector<std::string> own_environ() {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) out.push_back(*e);
  return out;
}

}  // namespace pare
