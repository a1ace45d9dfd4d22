// CPU-heavy work sized for a debug-build interpreter: sorting, hashing, floating point, allocation.
// Built twice: cpu.wasm (-O2) and cpu_O0.wasm (-O0); both must print the same.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 12345;
static uint32_t next(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }

static int cmp(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void quicksort(uint32_t *v, int lo, int hi) {
    while (lo < hi) {
        uint32_t pivot = v[(lo + hi) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) { uint32_t t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
        }
        if (j - lo < hi - i) { quicksort(v, lo, j); lo = i; } else { quicksort(v, i, hi); hi = j; }
    }
}

struct node { struct node *left, *right; int value; };
static struct node *build(int depth) {
    struct node *n = malloc(sizeof *n);
    n->value = depth;
    n->left = depth > 0 ? build(depth - 1) : NULL;
    n->right = depth > 0 ? build(depth - 1) : NULL;
    return n;
}
static long check(struct node *n) {
    if (!n) return 0;
    long r = n->value + check(n->left) - check(n->right) / 2;
    free(n);
    return r;
}

int main(void) {
    enum { N = 20000 };
    uint32_t *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    for (int i = 0; i < N; i++) a[i] = b[i] = next() % 100000;
    quicksort(a, 0, N - 1);
    qsort(b, N, sizeof *b, cmp);
    int sorted = 1;
    for (int i = 1; i < N; i++) sorted &= a[i - 1] <= a[i];
    printf("sort: sorted=%d equal=%d min=%u max=%u median=%u\n", sorted, memcmp(a, b, N * sizeof *a) == 0, a[0], a[N - 1], a[N / 2]);

    uint32_t fnv = 2166136261u;
    uint64_t mix = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < N; i++) {
        fnv = (fnv ^ (a[i] & 0xFF)) * 16777619u;
        mix ^= (uint64_t)a[i] * 0xC2B2AE3D27D4EB4Full;
        mix = (mix << 31) | (mix >> 33);
    }
    printf("hash: fnv=%08x mix=%016llx popcount=%d\n", fnv, (unsigned long long)mix, __builtin_popcountll(mix));

    double x = 0, y = 0, vx = 0.5, vy = 0.25, energy = 0;
    for (int i = 0; i < 20000; i++) {
        double r = sqrt(x * x + y * y) + 1.0;
        vx -= x / (r * r * r) * 0.01;
        vy -= y / (r * r * r) * 0.01;
        x += vx * 0.01;
        y += vy * 0.01;
        energy += 0.5 * (vx * vx + vy * vy) - 1.0 / r;
    }
    printf("float: x=%.9f y=%.9f energy=%.6e sin=%.12f\n", x, y, energy, sin(1.0) + cos(2.0) + exp(0.5) + log(3.0));
    float fsum = 0;
    for (int i = 1; i <= 1000; i++) fsum += 1.0f / (float)i;
    printf("float32: harmonic(1000)=%.6f\n", fsum);

    long total = 0;
    for (int round = 0; round < 4; round++) total += check(build(11));
    printf("alloc: trees checksum=%ld\n", total);
    char *s = NULL;
    size_t len = 0;
    for (int i = 0; i < 300; i++) {
        char piece[32];
        int n = snprintf(piece, sizeof piece, "%d,", i * i);
        s = realloc(s, len + n + 1);
        memcpy(s + len, piece, n + 1);
        len += n;
    }
    printf("alloc: string length=%zu tail=%s\n", len, s + len - 12);
    free(s);
    free(a);
    free(b);
    return 0;
}
