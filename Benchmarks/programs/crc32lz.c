// CRC-32 (table-driven, reflected polynomial 0xEDB88320) and a small LZ77-style compressor with a
// hash-chain match finder, plus its decompressor and a round-trip check. Measures byte loads,
// table lookups, shifts, and match-finding loops with unpredictable branches.
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef INPUT_LEN
#define INPUT_LEN (1024 * 1024)
#endif
#ifndef ROUNDS
#define ROUNDS 7
#endif

static uint32_t crc_table[256];

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

#define HASH_BITS 14
#define WINDOW 4096
#define MIN_MATCH 4
#define MAX_MATCH 130
#define MAX_CHAIN 16

static int32_t head[1 << HASH_BITS];
static int32_t prev_pos[INPUT_LEN];

static uint32_t hash4(const uint8_t *p) {
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

// Output format: literal run = [0x00 | (len-1)] (len 1..128) followed by bytes;
// match = [0x80 | (len-MIN_MATCH)] [dist lo] [dist hi] (len 4..131, dist 1..4096).
static size_t compress(const uint8_t *in, size_t n, uint8_t *out) {
    for (int i = 0; i < (1 << HASH_BITS); i++) head[i] = -1;
    size_t o = 0, lit_start = 0, i = 0;
    while (i < n) {
        size_t best_len = 0, best_dist = 0;
        if (i + MIN_MATCH <= n) {
            uint32_t h = hash4(in + i);
            int32_t cand = head[h];
            int chain = 0;
            while (cand >= 0 && i - (size_t)cand <= WINDOW && chain++ < MAX_CHAIN) {
                size_t len = 0, max = n - i < MAX_MATCH ? n - i : MAX_MATCH;
                while (len < max && in[cand + len] == in[i + len]) len++;
                if (len > best_len) { best_len = len; best_dist = i - (size_t)cand; }
                cand = prev_pos[cand];
            }
            prev_pos[i] = head[h];
            head[h] = (int32_t)i;
        }
        if (best_len >= MIN_MATCH) {
            while (lit_start < i) {  // flush literals
                size_t run = i - lit_start > 128 ? 128 : i - lit_start;
                out[o++] = (uint8_t)(run - 1);
                memcpy(out + o, in + lit_start, run);
                o += run; lit_start += run;
            }
            out[o++] = (uint8_t)(0x80 | (best_len - MIN_MATCH));
            out[o++] = (uint8_t)((best_dist - 1) & 0xFF);
            out[o++] = (uint8_t)((best_dist - 1) >> 8);
            for (size_t k = 1; k < best_len && i + k + MIN_MATCH <= n; k++) {  // index skipped positions
                uint32_t h = hash4(in + i + k);
                prev_pos[i + k] = head[h];
                head[h] = (int32_t)(i + k);
            }
            i += best_len;
            lit_start = i;
        } else {
            i++;
        }
    }
    while (lit_start < n) {
        size_t run = n - lit_start > 128 ? 128 : n - lit_start;
        out[o++] = (uint8_t)(run - 1);
        memcpy(out + o, in + lit_start, run);
        o += run; lit_start += run;
    }
    return o;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out) {
    size_t i = 0, o = 0;
    while (i < n) {
        uint8_t tag = in[i++];
        if (tag & 0x80) {
            size_t len = (size_t)(tag & 0x7F) + MIN_MATCH;
            size_t dist = ((size_t)in[i] | (size_t)in[i + 1] << 8) + 1;
            i += 2;
            for (size_t k = 0; k < len; k++, o++) out[o] = out[o - dist];
        } else {
            size_t run = (size_t)tag + 1;
            for (size_t k = 0; k < run; k++) out[o++] = in[i++];
        }
    }
    return o;
}

int main(void) {
    crc_init();
    uint8_t *input = malloc(INPUT_LEN), *packed = malloc(INPUT_LEN * 2), *unpacked = malloc(INPUT_LEN);
    // Compressible input: text-like phrases with variations, driven by a fixed LCG.
    static const char *phrases[] = {"the quick brown fox ", "jumps over ", "the lazy dog; ", "WebAssembly ",
                                    "register machine ", "0123456789", "\n", "swasm runs wasm "};
    uint32_t s = 2024;
    size_t n = 0;
    while (n < INPUT_LEN) {
        s = s * 1664525u + 1013904223u;
        const char *ph = phrases[(s >> 24) & 7];
        for (size_t k = 0; ph[k] && n < INPUT_LEN; k++) input[n++] = (uint8_t)(((s >> 8) & 31) == 0 ? ph[k] ^ 1 : ph[k]);
    }
    uint32_t crc_in = 0, crc_packed = 0;
    size_t packed_len = 0;
    int ok = 1;
    for (int r = 0; r < ROUNDS; r++) {
        input[r * 101] ^= (uint8_t)(r + 1);
        crc_in = crc32(input, n);
        packed_len = compress(input, n, packed);
        crc_packed ^= crc32(packed, packed_len);
        size_t back = decompress(packed, packed_len, unpacked);
        if (back != n || crc32(unpacked, back) != crc_in) ok = 0;
    }
    printf("input %zu bytes, crc %08x; packed %zu bytes, crc %08x; round trip %s\n", n, crc_in, packed_len,
           crc_packed, ok ? "ok" : "FAILED");
    printf("checksum: %llu\n", (unsigned long long)crc_in * 1000003u ^ crc_packed ^ packed_len);
    free(input); free(packed); free(unpacked);
    return ok ? 0 : 1;
}
