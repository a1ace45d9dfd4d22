// Multi-lane hashing over a 2 MiB buffer: an xxhash32-style mixer over 8 independent u32 lanes
// (add, multiply, rotate) and a 4-lane FNV-1a over u32 words, lanes combined at the end. Plain loops
// over lane arrays, which clang's vectorizers turn into i32x4 code with -msimd128.
#include <stdio.h>
#include <stdint.h>
#include <stddef.h>

#ifndef DATA_WORDS
#define DATA_WORDS (1 << 20)  // 4 MiB of u32 words
#endif
#ifndef ROUNDS
#define ROUNDS 64
#endif

#define P1 0x9E3779B1u
#define P2 0x85EBCA77u
#define P3 0xC2B2AE3Du
#define P4 0x27D4EB2Fu
#define P5 0x165667B1u

static uint32_t data[DATA_WORDS];

static inline uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static uint32_t avalanche(uint32_t h) {
    h ^= h >> 15; h *= P2; h ^= h >> 13; h *= P3; h ^= h >> 16;
    return h;
}

// 8 lanes: lane j takes words j, j+8, j+16, ... (n a multiple of 8).
static uint32_t xx8(const uint32_t *w, size_t n, uint32_t seed) {
    uint32_t acc[8];
    for (int j = 0; j < 8; j++) acc[j] = seed + P1 * (uint32_t)(j + 1);
    for (size_t i = 0; i < n; i += 8)
        for (int j = 0; j < 8; j++) acc[j] = rotl32(acc[j] + w[i + j] * P2, 13) * P1;
    uint32_t h = (uint32_t)n;
    for (int j = 0; j < 8; j++) h = rotl32(h ^ avalanche(acc[j]), 7) * P4 + P5;
    return avalanche(h);
}

// 4 lanes of FNV-1a over words: lane j takes words j, j+4, ...
static uint32_t fnv4(const uint32_t *w, size_t n, uint32_t seed) {
    uint32_t acc[4];
    for (int j = 0; j < 4; j++) acc[j] = 2166136261u ^ (seed + (uint32_t)j);
    for (size_t i = 0; i < n; i += 4)
        for (int j = 0; j < 4; j++) acc[j] = (acc[j] ^ w[i + j]) * 16777619u;
    uint32_t h = 0;
    for (int j = 0; j < 4; j++) h = (h ^ acc[j]) * 16777619u + (h >> 17);
    return avalanche(h);
}

int main(void) {
    uint32_t x = 0x2545F491u;  // xorshift32, fixed seed
    for (size_t i = 0; i < DATA_WORDS; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        data[i] = x;
    }
    uint32_t hx = 0, hf = 0;
    for (uint32_t r = 0; r < ROUNDS; r++) {
        data[(r * 7919u) % DATA_WORDS] ^= r * P5;  // the buffer changes a little every round
        size_t n = DATA_WORDS - 8 * r;
        hx = rotl32(hx, 5) ^ xx8(data, n, r);
        hf = rotl32(hf, 3) + fnv4(data + r, n - 8, r * P4);
    }
    printf("xx8 = %08x\nfnv4 = %08x\n", hx, hf);
    printf("checksum: %u\n", hx ^ hf);
    return 0;
}
