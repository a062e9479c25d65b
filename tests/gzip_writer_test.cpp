// The layer gzip is compressed on several threads: its bytes must depend on
// the input only, never on the thread count or how the input was handed over.
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "image/gzip_writer.h"
#include "image/sha256.h"

namespace {

struct Blob {
  std::string bytes, in_hex, out_hex;
};

// Compresses DATA handed over in pieces of CHUNK bytes with THREADS workers.
Blob gzip(const std::string& data, size_t chunk, unsigned threads) {
  char name[] = "/tmp/pare-gzip-test-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  unlink(name);
  Blob b;
  {
    pare::GzipWriter gz(fd, name, threads);
    for (size_t off = 0; off < data.size(); off += chunk) gz.write(data.data() + off, std::min(chunk, data.size() - off));
    gz.finish();
    b.in_hex = gz.input_sha256();
    b.out_hex = gz.output_sha256();
    REQUIRE(gz.output_bytes() == static_cast<uint64_t>(lseek(fd, 0, SEEK_END)));
  }
  b.bytes.resize(static_cast<size_t>(lseek(fd, 0, SEEK_END)));
  REQUIRE(pread(fd, b.bytes.data(), b.bytes.size(), 0) == static_cast<ssize_t>(b.bytes.size()));
  close(fd);
  return b;
}

// One gzip member, inflated by zlib (which checks the CRC and length).
std::string gunzip(const std::string& gz) {
  z_stream z{};
  REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
  std::string out;
  char buf[65536];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    REQUIRE((rc == Z_OK || rc == Z_STREAM_END));
    out.append(buf, sizeof buf - z.avail_out);
  } while (rc != Z_STREAM_END);
  CHECK(z.avail_in == 0);  // nothing after the one member
  inflateEnd(&z);
  return out;
}

}  // namespace

TEST_CASE("GzipWriter: same bytes whatever the thread count and write sizes", "[gzip]") {
  // 3.5 MiB, more than one block: text-like runs and incompressible noise.
  std::mt19937 rng(42);
  std::string data;
  while (data.size() < (7u << 19)) {
    if (rng() % 2)
      data.append(1000 + rng() % 5000, static_cast<char>('a' + rng() % 26));
    else
      for (int i = 0; i < 3000; ++i) data.push_back(static_cast<char>(rng()));
  }
  Blob one = gzip(data, 1 << 16, 1);
  CHECK(one.in_hex == pare::sha256_hex(data));
  CHECK(one.out_hex == pare::sha256_hex(one.bytes));
  CHECK(gunzip(one.bytes) == data);
  for (unsigned threads : {2u, 3u, 8u})
    for (size_t chunk : {size_t{1}, size_t{4097}, size_t{1} << 20, data.size()}) {
      if (chunk == 1 && threads != 3) continue;  // byte by byte is slow: once
      Blob other = gzip(data, chunk, threads);
      CHECK(other.out_hex == one.out_hex);
      CHECK(other.bytes == one.bytes);
    }
}

TEST_CASE("GzipWriter: empty and exactly one block", "[gzip]") {
  for (size_t n : {size_t{0}, size_t{1}, size_t{1} << 20, (size_t{1} << 20) + 1}) {
    std::string data(n, 'q');
    Blob a = gzip(data, 777, 2), b = gzip(data, 1 << 16, 1);
    CHECK(a.bytes == b.bytes);
    CHECK(gunzip(a.bytes) == data);
    CHECK(a.in_hex == pare::sha256_hex(data));
  }
}
