// Image filtering on a 640x480 8-bit RGBA image, several passes of: a separable 5-tap binomial blur
// ([1 4 6 4 1], u8 -> u16 -> u8 with rounding), a 3x3 box blur (sum of 9, divided by a multiply and
// shift) and an unsharp mask with saturation. Integer arithmetic on u8/u16/u32 in plain loops over
// contiguous rows, which clang vectorizes to i8x16/i16x8/i32x4 code with -msimd128; the clamped borders
// are handled by scalar code.
#include <stdio.h>
#include <stdint.h>
#include <stddef.h>

#ifndef W
#define W 640
#endif
#ifndef H
#define H 480
#endif
#ifndef PASSES
#define PASSES 6
#endif

#define RB (W * 4)  // bytes per row

static uint8_t img[H * RB], out[H * RB];
static uint16_t tmp[H * RB];

static inline int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

// Horizontal 5-tap pass of one row: dst[i] = src[i-8] + 4 src[i-4] + 6 src[i] + 4 src[i+4] + src[i+8]
// (neighbours are 4 bytes apart: the same channel of the next pixel). Sum at most 16 * 255.
static void hrow5(const uint8_t *restrict src, uint16_t *restrict dst) {
    for (int i = 0; i < 8; i++) {  // first two pixels: clamp x
        int x = i >> 2, c = i & 3;
        dst[i] = (uint16_t)(src[clampi(x - 2, 0, W - 1) * 4 + c] + 4 * src[clampi(x - 1, 0, W - 1) * 4 + c] +
                            6 * src[i] + 4 * src[(x + 1) * 4 + c] + src[(x + 2) * 4 + c]);
    }
    for (int i = 8; i < RB - 8; i++)
        dst[i] = (uint16_t)(src[i - 8] + 4 * src[i - 4] + 6 * src[i] + 4 * src[i + 4] + src[i + 8]);
    for (int i = RB - 8; i < RB; i++) {  // last two pixels
        int x = i >> 2, c = i & 3;
        dst[i] = (uint16_t)(src[(x - 2) * 4 + c] + 4 * src[(x - 1) * 4 + c] + 6 * src[i] +
                            4 * src[clampi(x + 1, 0, W - 1) * 4 + c] + src[clampi(x + 2, 0, W - 1) * 4 + c]);
    }
}

// Vertical 5-tap pass of one row from five rows of horizontal sums; total weight 256, rounded.
static void vrow5(const uint16_t *restrict a, const uint16_t *restrict b, const uint16_t *restrict c,
                  const uint16_t *restrict d, const uint16_t *restrict e, uint8_t *restrict dst) {
    for (int i = 0; i < RB; i++)
        dst[i] = (uint8_t)((uint32_t)(a[i] + 4 * b[i] + 6 * c[i] + 4 * d[i] + e[i] + 128) >> 8);
}

static void gauss5(uint8_t *restrict src, uint8_t *restrict dst) {
    for (int y = 0; y < H; y++) hrow5(src + y * RB, tmp + y * RB);
    for (int y = 0; y < H; y++) {
        const uint16_t *r[5];
        for (int k = 0; k < 5; k++) r[k] = tmp + clampi(y + k - 2, 0, H - 1) * RB;
        vrow5(r[0], r[1], r[2], r[3], r[4], dst + y * RB);
    }
}

// 3x3 box blur: horizontal sums of 3 (u16), then vertical sums of 3 rows, divided by 9 as
// (sum * 7282 + 32768) >> 16 (exact rounding for sums up to 9 * 255).
static void box3(uint8_t *restrict src, uint8_t *restrict dst) {
    for (int y = 0; y < H; y++) {
        const uint8_t *s = src + y * RB;
        uint16_t *t = tmp + y * RB;
        for (int i = 0; i < 4; i++) t[i] = (uint16_t)(2 * s[i] + s[i + 4]);
        for (int i = 4; i < RB - 4; i++) t[i] = (uint16_t)(s[i - 4] + s[i] + s[i + 4]);
        for (int i = RB - 4; i < RB; i++) t[i] = (uint16_t)(s[i - 4] + 2 * s[i]);
    }
    for (int y = 0; y < H; y++) {
        const uint16_t *restrict a = tmp + clampi(y - 1, 0, H - 1) * RB;
        const uint16_t *restrict b = tmp + y * RB;
        const uint16_t *restrict c = tmp + clampi(y + 1, 0, H - 1) * RB;
        uint8_t *restrict d = dst + y * RB;
        for (int i = 0; i < RB; i++) d[i] = (uint8_t)(((uint32_t)(a[i] + b[i] + c[i]) * 7282u + 32768u) >> 16);
    }
}

// Unsharp mask of `sharp` against the more blurred `im`, with saturation: im = clamp(sharp + (sharp - im) / 2).
// One pass (gauss5, box3, this) is still a blur overall, so the image smooths out slowly over the passes.
static void unsharp(uint8_t *restrict im, const uint8_t *restrict sharp) {
    for (int i = 0; i < H * RB; i++) {
        int v = sharp[i] + ((sharp[i] - im[i]) >> 1);
        im[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

int main(void) {
    uint32_t s = 0xC0FFEEu;  // LCG noise over a gradient pattern, fixed seed
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            s = s * 1664525u + 1013904223u;
            uint8_t *p = img + y * RB + x * 4;
            p[0] = (uint8_t)(x * 255 / (W - 1) ^ (s >> 24 & 0x3F));
            p[1] = (uint8_t)(y * 255 / (H - 1) ^ (s >> 16 & 0x3F));
            p[2] = (uint8_t)(((x / 16 + y / 16) & 1) ? 230 - (s >> 8 & 31) : 20 + (s >> 8 & 31));
            p[3] = (uint8_t)(255 - (s & 15));
        }
    uint64_t acc = 0;
    for (int pass = 0; pass < PASSES; pass++) {
        gauss5(img, out);
        box3(out, img);
        unsharp(img, out);
        uint64_t h = 1469598103934665603ull;  // FNV-1a 64 of a sampled row
        const uint8_t *row = img + ((pass * 37) % H) * RB;
        for (int i = 0; i < RB; i++) { h ^= row[i]; h *= 1099511628211ull; }
        acc = (acc << 7 | acc >> 57) ^ h;
    }
    uint64_t sum[4] = {0, 0, 0, 0};
    for (int i = 0; i < H * RB; i++) sum[i & 3] += img[i];
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < H * RB; i++) { h ^= img[i]; h *= 1099511628211ull; }
    printf("channel sums: %llu %llu %llu %llu\n", (unsigned long long)sum[0], (unsigned long long)sum[1],
           (unsigned long long)sum[2], (unsigned long long)sum[3]);
    printf("pixel (17, 23): %u %u %u %u\n", img[23 * RB + 68], img[23 * RB + 69], img[23 * RB + 70], img[23 * RB + 71]);
    printf("image fnv64 = %016llx\n", (unsigned long long)h);
    printf("checksum: %llu\n", (unsigned long long)(h ^ acc));
    return 0;
}
