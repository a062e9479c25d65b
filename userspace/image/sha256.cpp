#include "image/sha256.h"

#include <fcntl.h>
#include <unistd.h>
#include <openssl/evp.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

#include "common/error.h"
#include "common/interrupt.h"

namespace pare {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) throw std::runtime_error("sha256: EVP init failed");
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::update(const void* data, size_t len) {
  if (len && EVP_DigestUpdate(ctx_, data, len) != 1) throw std::runtime_error("sha256: EVP update failed");
}

std::string Sha256::hex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx_, md, &n) != 1) throw std::runtime_error("sha256: EVP final failed");
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (unsigned i = 0; i < n; ++i) {
    out.push_back(kDigits[md[i] >> 4]);
    out.push_back(kDigits[md[i] & 15]);
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hex();
}

std::string sha256_file_hex(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(kExitBadInput, errno_message("cannot read " + path, errno));
  Sha256 h;
  std::vector<char> buf(1 << 16);
  for (;;) {
    if (interrupt_signal()) {  // a blob can be gigabytes: Ctrl-C must not wait for it
      close(fd);
      throw_if_interrupted();
    }
    ssize_t n = read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      throw Error(kExitBadInput, errno_message("cannot read " + path, err));
    }
    if (n == 0) break;
    h.update(buf.data(), static_cast<size_t>(n));
  }
  close(fd);
  return h.hex();
}

bool is_sha256_hex(std::string_view hex) {
  if (hex.size() != 64) return false;
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string digest_hex(const std::string& digest, const std::string& what) {
  static const std::string kPrefix = "sha256:";
  if (digest.compare(0, kPrefix.size(), kPrefix) != 0)
    throw Error(kExitBadInput, what + ": unsupported digest '" + digest + "' (only sha256 is accepted)");
  std::string hex = digest.substr(kPrefix.size());
  if (!is_sha256_hex(hex))
    throw Error(kExitBadInput, what + ": malformed digest '" + digest + "' (want sha256: and 64 lowercase hex digits)");
  return hex;
}

void verify_file_sha256(const std::string& path, const std::string& expected_hex, const std::string& what) {
  std::string got = sha256_file_hex(path);
  if (got != expected_hex)
    throw Error(kExitBadInput, what + ": content does not match its digest (expected sha256:" + expected_hex +
                                   ", got sha256:" + got + ")");
}

}  // namespace pare
