// f32 and f64 matrix multiply (naive i-k-j loops) plus a transpose-based variant.
// Measures f32/f64 arithmetic, f32<->f64 conversions and strided loads/stores.
#include <stdio.h>
#include <stdint.h>

#ifndef N
#define N 200
#endif
#ifndef REPS
#define REPS 9
#endif

static float af[N * N], bf[N * N], cf[N * N];
static double ad[N * N], bd[N * N], cd[N * N], bt[N * N];

static uint32_t seed = 42;
static float frand(void) {  // LCG in [-1, 1)
    seed = seed * 1664525u + 1013904223u;
    return (float)((int32_t)(seed >> 8) - (1 << 23)) / (float)(1 << 23);
}

static void mul_f32(void) {
    for (int i = 0; i < N * N; i++) cf[i] = 0;
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            float a = af[i * N + k];
            for (int j = 0; j < N; j++) cf[i * N + j] += a * bf[k * N + j];
        }
}

static void mul_f64_transposed(void) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) bt[j * N + i] = bd[i * N + j];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int k = 0; k < N; k++) s += ad[i * N + k] * bt[j * N + k];
            cd[i * N + j] = s;
        }
}

int main(void) {
    for (int i = 0; i < N * N; i++) { af[i] = frand(); bf[i] = frand(); }
    for (int i = 0; i < N * N; i++) { ad[i] = (double)frand(); bd[i] = (double)frand(); }
    double sf = 0, sd = 0;
    for (int r = 0; r < REPS; r++) {
        mul_f32();
        mul_f64_transposed();
        // Feed results back (scaled) so repetitions are not redundant.
        for (int i = 0; i < N * N; i++) { af[i] = cf[i] * 0.125f; ad[i] = cd[i] * 0.125; }
        for (int i = 0; i < N * N; i++) { sf += cf[i]; sd += cd[i] * (double)((i % 7) - 3); }
    }
    printf("sum f32 = %.4f\nsum f64 = %.6f\n", sf, sd);
    long long ck = (long long)(sf * 1000.0) * 31 + (long long)(sd * 1000.0);
    printf("checksum: %lld\n", ck);
    return 0;
}
