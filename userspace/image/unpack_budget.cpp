#include "image/unpack_budget.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>

#include "common/error.h"
#include "common/human_bytes.h"

namespace pare {

namespace {

constexpr uint64_t kMinMargin = 16ull << 20;
constexpr uint64_t kMaxMargin = 1ull << 30;

// Free space for unprivileged writers, less a margin so that what comes after
// unpacking (the minimal copy, the layer blob) still fits.
uint64_t usable_free_bytes(int dest_fd, const std::string& dest) {
  struct statvfs vfs;
  if (fstatvfs(dest_fd, &vfs) != 0)
    throw Error(kExitFailure, errno_message("cannot read the free space of " + dest, errno));
  uint64_t unit = vfs.f_frsize ? vfs.f_frsize : vfs.f_bsize;
  uint64_t total = static_cast<uint64_t>(vfs.f_blocks) * unit;
  uint64_t avail = static_cast<uint64_t>(vfs.f_bavail) * unit;
  uint64_t margin = std::clamp<uint64_t>(total / 20, kMinMargin, kMaxMargin);
  return avail > margin ? avail - margin : 0;
}

// used + more, saturating: a hostile header may declare close to 2^63.
uint64_t sum(uint64_t used, uint64_t more) { return more > UINT64_MAX - used ? UINT64_MAX : used + more; }

// 1024^k for the unit letter C (k = 0 for none), or 0 for an unknown one.
uint64_t unit_factor(char c) {
  if (!c) return 1;
  static const std::string kUnits = "kmgtp";
  size_t at = kUnits.find(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return at == std::string::npos ? 0 : 1ull << (10 * (at + 1));
}

}  // namespace

std::optional<uint64_t> parse_size(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  std::string number = text.substr(0, i), unit = text.substr(i);
  if (number.empty() || number.front() == '.' || std::count(number.begin(), number.end(), '.') > 1) return std::nullopt;
  if (!unit.empty() && (unit.back() == 'b' || unit.back() == 'B')) unit.pop_back();
  if (unit.size() == 2 && (unit[1] == 'i' || unit[1] == 'I')) unit.pop_back();
  if (unit.size() > 1) return std::nullopt;
  uint64_t factor = unit_factor(unit.empty() ? '\0' : unit[0]);
  if (!factor) return std::nullopt;
  long double bytes = std::strtold(number.c_str(), nullptr) * static_cast<long double>(factor);
  if (!std::isfinite(bytes) || bytes >= 18446744073709551616.0L) return std::nullopt;
  return static_cast<uint64_t>(bytes);
}

std::string size_option_to_bytes(std::string& text) {
  auto bytes = parse_size(text);
  if (!bytes) return "'" + text + "' is not a size (e.g. 512M, 20G, 1T)";
  text = std::to_string(*bytes);
  return "";
}

UnpackBudget::UnpackBudget(uint64_t max_bytes, int dest_fd, const std::string& dest)
    : max_bytes_(max_bytes), free_bytes_(usable_free_bytes(dest_fd, dest)), dest_(dest) {}

void UnpackBudget::check_fits(uint64_t bytes, const std::string& subject, UnpackUse use) const {
  uint64_t mine = sum(use == UnpackUse::kContent ? content_ : scratch_, bytes);
  if (mine > max_bytes_)
    throw Error(kExitBadInput, "image expands beyond " + human_bytes(max_bytes_) + " (--max-unpacked-size): " + subject +
                                   " brings it to " + human_bytes(mine) + "; raise --max-unpacked-size if it is genuine");
  uint64_t total = sum(used(), bytes);
  if (total > free_bytes_)
    throw Error(kExitFailure, "image expands beyond the " + human_bytes(free_bytes_) + " free on the filesystem of " + dest_ +
                                  " (less a safety margin): " + subject + " brings it to " + human_bytes(total) +
                                  "; free some space or write the output on a larger filesystem");
}

void UnpackBudget::charge(uint64_t bytes, const std::string& subject, UnpackUse use) {
  check_fits(bytes, subject, use);
  (use == UnpackUse::kContent ? content_ : scratch_) += bytes;
}

EntryMeter::EntryMeter(UnpackBudget& budget, uint64_t declared, std::string subject, UnpackUse use)
    : budget_(budget), charged_(declared), subject_(std::move(subject)), use_(use) {
  budget_.charge(declared, subject_, use_);
}

void EntryMeter::writing_up_to(uint64_t end) {
  if (end <= charged_) return;
  budget_.charge(end - charged_, subject_ + " (beyond the size its header declares)", use_);
  charged_ = end;
}

}  // namespace pare
