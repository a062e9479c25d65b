// Userspace alone: N synthetic open records (distinct paths, a few processes)
// through the decoder's output type into the aggregator, then the manifest.
// Prints "records seconds" so bench/run can report records/s; RSS comes from
// the caller's wait4.
// Usage: aggregate_bench N
#include <fcntl.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "aggregate/aggregator.h"
#include "manifest/manifest.h"
#include "manifest/trace_to_manifest.h"
#include "resolve/root_fs.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: aggregate_bench N\n");
    return 2;
  }
  long n = std::atol(argv[1]);
  auto start = std::chrono::steady_clock::now();
  pare::Aggregator agg;
  pare::Event ev;
  ev.type = pare::EventType::kOpen;
  ev.aux = O_RDONLY;
  ev.ret = 3;
  for (long i = 0; i < n; ++i) {
    ev.tgid = ev.pid = static_cast<uint32_t>(100 + i % 7);
    ev.comm = "app";
    char path[64];
    std::snprintf(path, sizeof path, "/nonexistent-bench/d%03ld/f%07ld", i / 1000 % 1000, i);
    ev.path = path;  // kernel-resolved: no name to resolve later
    agg.add(ev);
  }
  pare::Manifest m;
  pare::RootFs fs("/");
  // As pare record does it: the observations are consumed while the manifest
  // fills, and its text is streamed out (here counted, not kept).
  pare::fill_manifest_from_trace(m, agg.take(), {}, fs);
  size_t bytes = 0;
  pare::write_manifest_text(m, [&bytes](const std::string& piece) { bytes += piece.size(); });
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%ld %.3f %zu\n", n, secs, bytes);
  return 0;
}
