// Integer loops: sieve of Eratosthenes over a byte array, then Collatz sequence lengths.
// Measures tight loops of i32/i64 arithmetic, compares, branches and byte loads/stores.
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#ifndef SIEVE_N
#define SIEVE_N 4000000
#endif
#ifndef SIEVE_REPS
#define SIEVE_REPS 3
#endif
#ifndef COLLATZ_N
#define COLLATZ_N 600000
#endif

static uint8_t composite[SIEVE_N + 1];

static uint32_t sieve(uint32_t n) {
    memset(composite, 0, n + 1);
    uint32_t count = 0;
    for (uint32_t i = 2; i <= n; i++) {
        if (!composite[i]) {
            count++;
            for (uint64_t j = (uint64_t)i * i; j <= n; j += i) composite[j] = 1;
        }
    }
    return count;
}

int main(void) {
    uint64_t sum = 0;
    for (int r = 0; r < SIEVE_REPS; r++) sum += sieve(SIEVE_N - r * 1000);
    printf("primes = %llu\n", (unsigned long long)sum);

    uint32_t best = 0, best_start = 0;
    uint64_t total = 0;
    for (uint32_t s = 1; s < COLLATZ_N; s++) {
        uint64_t x = s;
        uint32_t len = 1;
        while (x != 1) {
            x = (x & 1) ? 3 * x + 1 : x >> 1;
            len++;
        }
        total += len;
        if (len > best) { best = len; best_start = s; }
    }
    printf("collatz longest = %u (start %u), total = %llu\n", best, best_start, (unsigned long long)total);
    printf("checksum: %llu\n", (unsigned long long)(sum * 1000003u ^ total ^ best_start));
    return 0;
}
