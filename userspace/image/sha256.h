// SHA-256 for image digests (OpenSSL EVP), and the one check every blob
// reference goes through: "sha256:" + 64 lowercase hex digits, nothing else,
// so a digest can name a file under blobs/sha256/ without any path tricks.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace pare {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, size_t len);
  void update(std::string_view s) { update(s.data(), s.size()); }
  std::string hex();  // finishes; call once

 private:
  evp_md_ctx_st* ctx_;
};

std::string sha256_hex(std::string_view data);
// Hex digest of a file's bytes; throws Error(kExitBadInput) when unreadable.
std::string sha256_file_hex(const std::string& path);

// True for exactly 64 lowercase hex digits.
bool is_sha256_hex(std::string_view hex);
// The hex part of "sha256:<hex>"; throws Error(kExitBadInput) naming WHAT for
// any other algorithm or a malformed hex part.
std::string digest_hex(const std::string& digest, const std::string& what);

// Throws Error(kExitBadInput) unless the file's sha256 is EXPECTED_HEX.
void verify_file_sha256(const std::string& path, const std::string& expected_hex, const std::string& what);

}  // namespace pare
