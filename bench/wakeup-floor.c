/*
 * The machine's own floor for a periodic sender: a C program that only
 * sleeps to absolute deadlines one period apart (clock_nanosleep,
 * CLOCK_MONOTONIC, TIMER_ABSTIME), as tskad's advert timer does, and prints
 * each period it saw, in µs, one per line. Like that timer, after a wakeup
 * more than LATE_US late the next deadline is one period after the wakeup,
 * not one period after the missed deadline. On a virtual machine whose idle
 * vCPUs the host must wake, this alone can miss a deadline by milliseconds;
 * a daemon's advert jitter cannot be judged below it.
 *
 * usage: wakeup-floor PERIOD_US SECONDS LATE_US [SLICE_NS]
 * LATE_US is tskad's LATE_EXPIRY_MS (wakeup-floor.ts passes it). SLICE_NS asks for the EEVDF slice tskad's VRRP process asks for
 * (sched_setattr, Linux 6.12 and later; ignored before).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct sched_attr_v1 {
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period;
};

static int64_t ns_of(const struct timespec* t) { return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec; }

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: wakeup-floor PERIOD_US SECONDS LATE_US [SLICE_NS]\n");
    return 2;
  }
  const int64_t period_ns = atoll(argv[1]) * 1000;
  const int64_t count = (int64_t)(atof(argv[2]) * 1e9 / (double)period_ns);
  const int64_t late_ns = atoll(argv[3]) * 1000;
  if (argc > 4) {
    struct sched_attr_v1 a = {.size = sizeof a, .runtime = (uint64_t)atoll(argv[4])};
    syscall(SYS_sched_setattr, 0, &a, 0);
  }
  struct timespec due;
  clock_gettime(CLOCK_MONOTONIC, &due);
  int64_t last = -1;
  for (int64_t i = 0; i < count; i++) {
    int64_t next = ns_of(&due) + period_ns;
    due.tv_sec = next / 1000000000;
    due.tv_nsec = next % 1000000000;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) != 0) {
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (last >= 0) printf("%.3f\n", (double)(ns_of(&now) - last) / 1000.0);
    last = ns_of(&now);
    if (last - ns_of(&due) > late_ns) due = now;
  }
  return 0;
}
