/* Preloaded before libfaketime in `make test-shifted-clock`: sleeps on the monotonic clock go straight
 * to the kernel. The test run shifts only the wall clock (FAKETIME_DONT_FAKE_MONOTONIC=1), but
 * libfaketime 0.9.10 still rewrites absolute monotonic deadlines of clock_nanosleep into negative
 * times, so Python 3.11's time.sleep fails with EINVAL (libfaketime issue #426). Wall-clock sleeps
 * are left to libfaketime. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_nanosleep_fn)(clockid_t, int, const struct timespec *, struct timespec *);

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *request, struct timespec *remain) {
    if (clock == CLOCK_MONOTONIC) {
        return syscall(SYS_clock_nanosleep, clock, flags, request, remain) == 0 ? 0 : errno;
    }
    static clock_nanosleep_fn next;
    if (next == NULL) {
        next = (clock_nanosleep_fn)dlsym(RTLD_NEXT, "clock_nanosleep");
    }
    return next(clock, flags, request, remain);
}
