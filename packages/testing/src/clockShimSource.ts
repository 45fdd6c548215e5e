/**
 * The C source of the clock shim: a library preloaded (`LD_PRELOAD`) into redis-server that adds an offset to
 * the wall clock (`clock_gettime` of `CLOCK_REALTIME` and `CLOCK_REALTIME_COARSE`, `gettimeofday`, `time`) and
 * leaves the monotonic clocks alone, as an NTP step does. The offset, in ns, is the little-endian int64 at the
 * start of the file named by `DEADBOLT_CLOCK_FILE`, mapped shared: a write to the file moves the running
 * process's clock at its next reading. The real time comes from the `clock_gettime` system call, so the shim
 * needs neither `dlsym` nor `malloc` (libfaketime needs both and deadlocks in a jemalloc build such as
 * Debian's redis-server: wolfcw/libfaketime#130).
 *
 * @example
 * ```ts
 * await writeFile(join(dir, 'clock-shim.c'), CLOCK_SHIM_SOURCE);
 * ```
 */
export const CLOCK_SHIM_SOURCE = String.raw`#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile const int64_t *offset_ns;
static volatile int opened;

static int64_t offset(void) {
  if (!opened) {
    const char *path = getenv("DEADBOLT_CLOCK_FILE");
    int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd >= 0) {
      void *map = mmap(NULL, sizeof(int64_t), PROT_READ, MAP_SHARED, fd, 0);
      close(fd);
      if (map != MAP_FAILED) offset_ns = map;
    }
    opened = 1;
  }
  return offset_ns ? *offset_ns : 0;
}

int clock_gettime(clockid_t clock, struct timespec *ts) {
  int result = (int)syscall(SYS_clock_gettime, clock, ts);
  if (result != 0 || (clock != CLOCK_REALTIME && clock != CLOCK_REALTIME_COARSE)) return result;
  int64_t ns = (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec + offset();
  ts->tv_sec = ns / 1000000000;
  ts->tv_nsec = ns % 1000000000;
  if (ts->tv_nsec < 0) {
    ts->tv_nsec += 1000000000;
    ts->tv_sec -= 1;
  }
  return 0;
}

int gettimeofday(struct timeval *tv, void *tz) {
  (void)tz;
  struct timespec ts;
  int result = clock_gettime(CLOCK_REALTIME, &ts);
  tv->tv_sec = ts.tv_sec;
  tv->tv_usec = ts.tv_nsec / 1000;
  return result;
}

time_t time(time_t *out) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (out) *out = ts.tv_sec;
  return ts.tv_sec;
}
`;
