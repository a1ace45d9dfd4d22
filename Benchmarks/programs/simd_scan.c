// Byte scans over a 1 MiB generated text: counting bytes (plain loops the vectorizer takes), memchr-style
// searches for line and field delimiters, an index of all delimiter positions (simdjson-style bitmasks),
// and strlen over many NUL-terminated strings. The searches use wasm_simd128.h intrinsics
// (i8x16.eq, i8x16.bitmask, ctz) when built with -msimd128 and plain byte loops otherwise; both builds
// print the same.
#include <stdio.h>
#include <stdint.h>
#include <stddef.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#ifndef TEXT_LEN
#define TEXT_LEN (1 << 20)
#endif
#ifndef ROUNDS
#define ROUNDS 10
#endif
#ifndef NSTRINGS
#define NSTRINGS 8000
#endif
#define PAD 64  // zeros after each buffer, so 16-byte loads never read past it

static uint8_t text[TEXT_LEN + PAD] __attribute__((aligned(16)));
static char strs[NSTRINGS * 160 + PAD] __attribute__((aligned(16)));
static const char *strp[NSTRINGS];
static uint32_t delims[TEXT_LEN];

static uint32_t rng = 0x9E3779B9u;
static uint32_t next(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }

// ---- plain loops (the vectorizer's) ----

static uint32_t count_byte(const uint8_t *p, size_t n, uint8_t c) {
    uint32_t k = 0;
    for (size_t i = 0; i < n; i++) k += p[i] == c;
    return k;
}

static uint32_t count_range(const uint8_t *p, size_t n, uint8_t lo, uint8_t hi) {
    uint32_t k = 0;
    for (size_t i = 0; i < n; i++) k += (uint8_t)(p[i] - lo) <= (uint8_t)(hi - lo);
    return k;
}

// ---- searches: intrinsics with -msimd128, byte loops otherwise ----

// First c in [p, end), or end. end is inside `text`, so 16-byte loads from below end stay in text + PAD.
static const uint8_t *find_byte(const uint8_t *p, const uint8_t *end, uint8_t c) {
#ifdef __wasm_simd128__
    v128_t needle = wasm_i8x16_splat((int8_t)c);
    for (; p < end; p += 16) {
        uint32_t m = wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(p), needle));
        if (end - p < 16) m &= (1u << (end - p)) - 1;  // the last block: only the bytes before end
        if (m) return p + __builtin_ctz(m);
    }
    return end;
#else
    while (p < end && *p != c) p++;
    return p;
#endif
}

static size_t str_len(const char *s) {
#ifdef __wasm_simd128__
    // Aligned 16-byte loads: the first one may start before s (inside the same buffer), its bits are shifted out.
    const char *a = (const char *)((uintptr_t)s & ~(uintptr_t)15);
    v128_t zero = wasm_i8x16_splat(0);
    uint32_t m = (uint32_t)wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(a), zero)) >> (s - a);
    if (m) return (size_t)__builtin_ctz(m);
    for (a += 16;; a += 16) {
        m = wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(a), zero));
        if (m) return (size_t)(a + __builtin_ctz(m) - s);
    }
#else
    const char *p = s;
    while (*p) p++;
    return (size_t)(p - s);
#endif
}

// Positions of every ',' and '\n' in p[0..n) into out; returns how many. n a multiple of 16.
static size_t index_delims(const uint8_t *p, size_t n, uint32_t *out) {
    size_t k = 0;
#ifdef __wasm_simd128__
    v128_t comma = wasm_i8x16_splat(','), nl = wasm_i8x16_splat('\n');
    for (size_t i = 0; i < n; i += 16) {
        v128_t v = wasm_v128_load(p + i);
        uint32_t m = wasm_i8x16_bitmask(wasm_v128_or(wasm_i8x16_eq(v, comma), wasm_i8x16_eq(v, nl)));
        while (m) {
            out[k++] = (uint32_t)i + (uint32_t)__builtin_ctz(m);
            m &= m - 1;
        }
    }
#else
    for (size_t i = 0; i < n; i++)
        if (p[i] == ',' || p[i] == '\n') out[k++] = (uint32_t)i;
#endif
    return k;
}

// ---- the data ----

static void make_text(void) {
    size_t i = 0, line = 0;
    while (i < TEXT_LEN) {
        uint32_t r = next();
        size_t wl = 1 + (r & 7) + ((r >> 3) & 3);  // word of 1..11 letters
        for (size_t j = 0; j < wl && i < TEXT_LEN; j++) {
            uint32_t q = next();
            text[i++] = (uint8_t)((q & 3) == 0 ? "etaoinshr"[q % 9] : 'a' + (q >> 8) % 26);
        }
        if (i >= TEXT_LEN) break;
        uint32_t d = (r >> 8) & 31;
        text[i++] = (uint8_t)(d < 20 ? ' ' : d < 28 ? ',' : '\n');
        if (d >= 28) line++;
        if ((r >> 16) % 97 == 0 && i < TEXT_LEN) text[i++] = (uint8_t)('0' + (r >> 24) % 10);
    }
    (void)line;
}

static void make_strings(void) {
    char *p = strs;
    for (int s = 0; s < NSTRINGS; s++) {
        uint32_t r = next();
        size_t len = (r % 5 == 0) ? (r >> 8) % 150 : (r >> 8) % 40;  // mostly short, some long
        strp[s] = p;
        for (size_t j = 0; j < len; j++) p[j] = (char)('A' + (next() >> 7) % 58);
        p[len] = 0;
        p += len + 1;
    }
}

int main(void) {
    make_text();
    make_strings();
    uint32_t counts = 0, lines = 0, fields = 0, ndelim = 0;
    uint64_t h = 1469598103934665603ull, total_len = 0;
    for (int round = 0; round < ROUNDS; round++) {
        text[(size_t)round * 4099 % TEXT_LEN] = (uint8_t)"\n, x"[round & 3];  // change the text a little
        // counts
        counts += count_byte(text, TEXT_LEN, ' ') * 3 + count_byte(text, TEXT_LEN, 'e') * 5 +
                  count_byte(text, TEXT_LEN, ',') * 7 + count_range(text, TEXT_LEN, '0', '9') * 11 +
                  count_range(text, TEXT_LEN, 'a', 'z');
        // lines and their fields, with memchr-style searches
        const uint8_t *p = text, *end = text + TEXT_LEN;
        while (p < end) {
            const uint8_t *eol = find_byte(p, end, '\n');
            const uint8_t *f = p;
            for (;;) {
                const uint8_t *comma = find_byte(f, eol, ',');
                h = (h ^ (uint64_t)(comma - f)) * 1099511628211ull;
                fields++;
                if (comma == eol) break;
                f = comma + 1;
            }
            lines++;
            p = eol + 1;
        }
        // the delimiter index
        size_t k = index_delims(text, TEXT_LEN, delims);
        ndelim += (uint32_t)k;
        for (size_t j = 0; j < k; j += 97) h = (h ^ delims[j]) * 1099511628211ull;
        // strlen of every string, several times from different starting offsets
        for (int rep = 0; rep < 8; rep++)
            for (int s = 0; s < NSTRINGS; s++) {
                size_t len = str_len(strp[s]);
                size_t off = (size_t)(rep * 3) < len ? (size_t)(rep * 3) : len;
                total_len += len + str_len(strp[s] + off);
            }
    }
    printf("counts = %u\nlines = %u, fields = %u, delimiters = %u\n", counts, lines, fields, ndelim);
    printf("string bytes = %llu\nfield hash = %016llx\n", (unsigned long long)total_len, (unsigned long long)h);
    printf("checksum: %llu\n", (unsigned long long)(h ^ total_len ^ ((uint64_t)counts << 32) ^ lines ^
                                                  ((uint64_t)fields << 20) ^ ndelim));
    return 0;
}
