// Clocks, sleeping (poll_oneoff on a clock), sched_yield, random_get.
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>
#include <sys/random.h>

static long long ns(clockid_t c) {
    struct timespec ts;
    if (clock_gettime(c, &ts) != 0) return -1;
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
    long long r = ns(CLOCK_REALTIME);
    printf("realtime after 2020: %s\n", r > 1577836800LL * 1000000000LL ? "yes" : "no");
    long long m1 = ns(CLOCK_MONOTONIC);
    long long m2 = ns(CLOCK_MONOTONIC);
    printf("monotonic does not go back: %s\n", m2 >= m1 ? "yes" : "no");
    struct timespec res;
    printf("clock_getres(MONOTONIC): %s\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 && (res.tv_sec > 0 || res.tv_nsec > 0) ? "ok" : "failed");

    long long before = ns(CLOCK_MONOTONIC);
    struct timespec d = {0, 30 * 1000000};
    int s = nanosleep(&d, NULL);
    long long slept = ns(CLOCK_MONOTONIC) - before;
    printf("nanosleep(30ms): returned %d, slept at least 30ms: %s\n", s, slept >= 30000000LL ? "yes" : "no");

    before = ns(CLOCK_MONOTONIC);
    int p = poll(NULL, 0, 20);
    slept = ns(CLOCK_MONOTONIC) - before;
    printf("poll(no fds, 20ms): returned %d, waited at least 20ms: %s\n", p, slept >= 20000000LL ? "yes" : "no");

    before = ns(CLOCK_MONOTONIC);
    usleep(10000);
    printf("usleep(10ms): %s\n", ns(CLOCK_MONOTONIC) - before >= 10000000LL ? "ok" : "too short");
    printf("sched_yield: %d\n", sched_yield());

    unsigned char a[64], b[64];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    int ga = getentropy(a, sizeof a), gb = getentropy(b, sizeof b);
    int zeros = 0;
    for (int i = 0; i < 64; i++) zeros += a[i] == 0;
    printf("getentropy: %d %d, buffers differ: %s, mostly non-zero: %s\n", ga, gb,
           memcmp(a, b, sizeof a) != 0 ? "yes" : "no", zeros < 16 ? "yes" : "no");
    unsigned x = arc4random(), y = arc4random();
    printf("arc4random values differ: %s\n", x != y ? "yes" : "no");
    return 0;
}
