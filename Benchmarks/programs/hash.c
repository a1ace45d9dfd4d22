// Bit manipulation: FNV-1a (32 and 64 bit), an xxhash-style 64-bit mixer with rotates,
// and a popcount/clz/ctz pass over generated data. Measures xor/shift/rotate/multiply and loads.
#include <stdio.h>
#include <stdint.h>
#include <stddef.h>

#ifndef DATA_LEN
#define DATA_LEN (1 << 20)
#endif
#ifndef ROUNDS
#define ROUNDS 80
#endif

static uint8_t data[DATA_LEN];

static uint32_t fnv1a32(const uint8_t *p, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 16777619u; }
    return h;
}

static uint64_t fnv1a64(const uint8_t *p, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 1099511628211ull; }
    return h;
}

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
static inline uint64_t read64(const uint8_t *p) {
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull

static uint64_t mixhash(const uint8_t *p, size_t n, uint64_t seed) {
    uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        v1 = rotl64(v1 + read64(p + i) * P2, 31) * P1;
        v2 = rotl64(v2 + read64(p + i + 8) * P2, 31) * P1;
        v3 = rotl64(v3 + read64(p + i + 16) * P2, 31) * P1;
        v4 = rotl64(v4 + read64(p + i + 24) * P2, 31) * P1;
    }
    uint64_t h = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) + rotl64(v4, 18) + n;
    for (; i < n; i++) h = rotl64(h ^ (p[i] * P3), 11) * P1;
    h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32;
    return h;
}

static uint64_t bitcount_pass(const uint8_t *p, size_t n) {
    uint64_t acc = 0;
    for (size_t i = 0; i + 4 <= n; i += 4) {
        uint32_t w = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
        acc += (uint64_t)__builtin_popcount(w);
        if (w) acc += (uint64_t)(__builtin_clz(w) * 3 + __builtin_ctz(w));
        acc = (acc << 1) ^ (acc >> 7);
    }
    return acc;
}

int main(void) {
    uint32_t x = 0x12345678u;  // xorshift32 generator, fixed seed
    for (size_t i = 0; i < DATA_LEN; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        data[i] = (uint8_t)(x >> 11);
    }
    uint32_t h32 = 0; uint64_t h64 = 0, hm = 0, bc = 0;
    for (int r = 0; r < ROUNDS; r++) {
        data[r * 977] ^= (uint8_t)r;
        h32 ^= fnv1a32(data, DATA_LEN) + r;
        h64 ^= fnv1a64(data, DATA_LEN) + r;
        hm ^= mixhash(data, DATA_LEN - r, (uint64_t)r * 0x1234567ull);
        bc += bitcount_pass(data, DATA_LEN);
    }
    printf("fnv32 = %08x\nfnv64 = %016llx\nmix = %016llx\nbits = %llu\n", h32,
           (unsigned long long)h64, (unsigned long long)hm, (unsigned long long)bc);
    printf("checksum: %llu\n", (unsigned long long)(h32 ^ h64 ^ hm ^ bc));
    return 0;
}
