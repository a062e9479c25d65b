// Attach the floor probe, put PID in its scope, run until SIGINT/SIGTERM.
// Usage: floor_probe PID [exit-only]
// exit-only attaches sys_exit alone: the one attach point pare itself uses.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "floor.skel.h"

static volatile sig_atomic_t stop = 0;
static void on_signal(int) { stop = 1; }

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: floor_probe PID [exit-only]\n");
    return 2;
  }
  unsigned pid = static_cast<unsigned>(std::atoi(argv[1]));
  floor_bpf* skel = floor_bpf__open();
  if (skel && argc == 3) bpf_program__set_autoload(skel->progs.floor_sys_enter, false);
  if (!skel || floor_bpf__load(skel) || floor_bpf__attach(skel)) {
    std::fprintf(stderr, "floor_probe: cannot load or attach\n");
    return 3;
  }
  unsigned zero = 0;
  bpf_map_update_elem(bpf_map__fd(skel->maps.traced), &pid, &zero, BPF_ANY);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  std::printf("ready\n");
  std::fflush(stdout);
  while (!stop) pause();
  floor_bpf__destroy(skel);
  return 0;
}
