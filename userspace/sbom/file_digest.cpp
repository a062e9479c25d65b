#include "sbom/file_digest.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <stdexcept>

#include "common/error.h"
#include "common/interrupt.h"
#include "common/name_encoding.h"

namespace pare {

namespace {

struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_MD_CTX, CtxFree>;

Ctx new_ctx(const EVP_MD* md) {
  Ctx c(EVP_MD_CTX_new());
  if (!c || EVP_DigestInit_ex(c.get(), md, nullptr) != 1) throw std::runtime_error("digest: EVP init failed");
  return c;
}

std::string finish_raw(EVP_MD_CTX* c) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(c, md, &n) != 1) throw std::runtime_error("digest: EVP final failed");
  return std::string(reinterpret_cast<char*>(md), n);
}

std::string hex(const std::string& raw) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : raw) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

}  // namespace

std::optional<FileDigests> digest_file(const RootFs& fs, const std::string& path) {
  int fd = fs.open_read(path);
  if (fd < 0) return std::nullopt;
  Ctx s1 = new_ctx(EVP_sha1()), s256 = new_ctx(EVP_sha256());
  FileDigests d;
  char buf[1 << 16];
  for (;;) {
    throw_if_interrupted();
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      throw Error(kExitBadInput, errno_message("cannot read " + printable_name(fs.root() + path), err));
    }
    if (n == 0) break;
    EVP_DigestUpdate(s1.get(), buf, static_cast<size_t>(n));
    EVP_DigestUpdate(s256.get(), buf, static_cast<size_t>(n));
    d.size += static_cast<uint64_t>(n);
  }
  close(fd);
  d.sha1 = hex(finish_raw(s1.get()));
  d.sha256 = hex(finish_raw(s256.get()));
  return d;
}

std::string sha1_raw(std::string_view data) {
  Ctx c = new_ctx(EVP_sha1());
  EVP_DigestUpdate(c.get(), data.data(), data.size());
  return finish_raw(c.get());
}

std::string sha1_hex(std::string_view data) { return hex(sha1_raw(data)); }

}  // namespace pare
