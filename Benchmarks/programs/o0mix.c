// Unoptimized code: built with -O0, so every C variable lives in the shadow stack in linear memory
// and the function bodies are full of local.get/local.set, global.get/set of the stack pointer,
// and redundant loads/stores. Does a mix of integer work: a small matrix product, a prime sieve,
// a string-like byte scan and a recursive function. Measures how well the runtime handles
// naive, stack-machine-shaped code (what debug builds and simple compilers emit).
#include <stdio.h>
#include <stdint.h>

#ifndef REPS
#define REPS 50
#endif

#define M 40
static int32_t ma[M][M], mb[M][M], mc[M][M];
static uint8_t flags[60000];
static char buf[8192];

static int32_t gcd(int32_t a, int32_t b) { return b == 0 ? a : gcd(b, a % b); }

static uint32_t matrix_work(int rep) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) { ma[i][j] = (i * 7 + j * 3 + rep) % 17 - 8; mb[i][j] = (i ^ j) % 13 - 6; }
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            int32_t s = 0;
            for (int k = 0; k < M; k++) s += ma[i][k] * mb[k][j];
            mc[i][j] = s;
        }
    uint32_t h = 0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) h = h * 31 + (uint32_t)mc[i][j];
    return h;
}

static uint32_t sieve_work(int n) {
    for (int i = 0; i < n; i++) flags[i] = 1;
    uint32_t count = 0;
    for (int i = 2; i < n; i++) {
        if (flags[i]) {
            count++;
            for (int j = i + i; j < n; j += i) flags[j] = 0;
        }
    }
    return count;
}

static uint32_t scan_work(int rep) {
    uint32_t x = 12345u + (uint32_t)rep;
    for (int i = 0; i < (int)sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (char)('a' + (x >> 16) % 26);
    }
    uint32_t vowels = 0, runs = 0;
    for (int i = 0; i < (int)sizeof buf; i++) {
        char c = buf[i];
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') vowels++;
        if (i > 0 && buf[i - 1] == c) runs++;
    }
    return vowels * 1000 + runs;
}

int main(void) {
    uint32_t ck = 0;
    for (int r = 0; r < REPS; r++) {
        uint32_t a = matrix_work(r);
        uint32_t b = sieve_work(60000 - r);
        uint32_t c = scan_work(r);
        int32_t g = 0;
        for (int i = 1; i < 300; i++)
            for (int j = 1; j < 100; j++) g += gcd(i * (r + 1), j);
        if (r == 0) printf("matrix %u, primes %u, scan %u, gcd %d\n", a, b, c, g);
        ck = ck * 31 + a;
        ck = ck * 31 + b;
        ck = ck * 31 + c;
        ck = ck * 31 + (uint32_t)g;
    }
    printf("checksum: %u\n", ck);
    return 0;
}
