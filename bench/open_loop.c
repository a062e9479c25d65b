/* open()+close() of one file in a loop for a fixed time; prints loops/s.
 * Usage: open_loop FILE SECONDS [WAIT_FD]
 * With WAIT_FD the loop starts only after one byte arrives on that fd, so a
 * probe can put this pid in scope first. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: open_loop FILE SECONDS [WAIT_FD]\n");
		return 2;
	}
	double secs = atof(argv[2]);
	if (argc > 3) {
		char c;
		if (read(atoi(argv[3]), &c, 1) != 1)
			return 1;
	}
	unsigned long loops = 0;
	double start = now(), end = start + secs, t = start;
	while (t < end) {
		for (int i = 0; i < 1000; i++) {
			int fd = open(argv[1], O_RDONLY);
			if (fd < 0) {
				perror("open");
				return 1;
			}
			close(fd);
		}
		loops += 1000;
		t = now();
	}
	printf("%.0f\n", loops / (t - start));
	return 0;
}
