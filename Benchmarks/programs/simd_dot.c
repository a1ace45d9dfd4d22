// f32 dot products (matrix-vector products with 8 partial sums per dot, so the order of the additions
// is fixed and the SIMD build computes bit-identical results), a small f32 matrix multiply (i-k-j
// loops) and an f64 axpy. Plain loops, vectorized by clang to f32x4/f64x2 code with -msimd128;
// no -ffast-math needed.
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#ifndef DIM
#define DIM 256  // matrix-vector: DIM x DIM
#endif
#ifndef MV_REPS
#define MV_REPS 200
#endif
#ifndef MM
#define MM 64  // matrix multiply: MM x MM
#endif
#ifndef MM_REPS
#define MM_REPS 200
#endif
#ifndef AXPY_LEN
#define AXPY_LEN 4096
#endif
#ifndef AXPY_REPS
#define AXPY_REPS 2000
#endif

static float mat[DIM * DIM], vec[DIM], res[DIM];
static float ma[MM * MM], mb[MM * MM], mc[MM * MM];
static double xd[AXPY_LEN], yd[AXPY_LEN];

static uint32_t seed = 12345;
static float frand(void) {  // LCG in [-1, 1)
    seed = seed * 1664525u + 1013904223u;
    return (float)((int32_t)(seed >> 8) - (1 << 23)) / (float)(1 << 23);
}

static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

// n a multiple of 8. Lane j sums the products j, j+8, j+16, ...; then the lanes are added in order.
// (clang 16's SLP vectorizer makes f32x4 code of this; with a tree of additions at the end, e.g.
// (s0 + s4) + (s1 + s5) + ..., it builds 2-lane vectors lane by lane instead.)
static float dot(const float *a, const float *b, int n) {
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < n; i += 8)
        for (int j = 0; j < 8; j++) s[j] += a[i + j] * b[i + j];
    float r = 0;
    for (int j = 0; j < 8; j++) r += s[j];
    return r;
}

// The matrix-vector size as the program runs: read from a volatile, so that clang does not unroll the dot
// products completely for the constant DIM (it keeps `vec` in 64 v128 locals then), and they stay loops.
static volatile int dim_at_run_time = DIM;

// res = mat * vec (n x n), then vec = res scaled to unit max-norm (so the iteration neither overflows nor vanishes).
static void matvec_step(int n) {
    for (int i = 0; i < n; i++) res[i] = dot(mat + i * n, vec, n);
    float m = 0;
    for (int i = 0; i < n; i++) { float a = res[i] < 0 ? -res[i] : res[i]; if (a > m) m = a; }
    float inv = 1.0f / m;
    for (int i = 0; i < n; i++) vec[i] = res[i] * inv;
}

// mc = ma * mb (i-k-j order: the inner loop is an f32 multiply-add over a row).
static void matmul(void) {
    for (int i = 0; i < MM * MM; i++) mc[i] = 0;
    for (int i = 0; i < MM; i++)
        for (int k = 0; k < MM; k++) {
            float a = ma[i * MM + k];
            for (int j = 0; j < MM; j++) mc[i * MM + j] += a * mb[k * MM + j];
        }
}

static void axpy(double a, const double *x, double *y, int n) {
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}

int main(void) {
    for (int i = 0; i < DIM * DIM; i++) mat[i] = frand();
    for (int i = 0; i < DIM; i++) mat[i * DIM + i] += 4.0f;  // a dominant diagonal
    for (int i = 0; i < DIM; i++) vec[i] = frand();
    for (int i = 0; i < MM * MM; i++) { ma[i] = frand(); mb[i] = frand() * 0.125f; }
    for (int i = 0; i < AXPY_LEN; i++) { xd[i] = frand(); yd[i] = frand(); }

    uint32_t hv = 0;
    int n = dim_at_run_time;
    for (int r = 0; r < MV_REPS; r++) {
        matvec_step(n);
        hv = (hv << 5 | hv >> 27) ^ fbits(vec[r % DIM]);
    }
    uint32_t hm = 0;
    for (int r = 0; r < MM_REPS; r++) {
        matmul();
        hm = (hm << 3 | hm >> 29) ^ fbits(mc[(r * 131) % (MM * MM)]);
        // feed the product back, scaled to unit max-norm, so every repetition computes something new
        float m = 0;
        for (int i = 0; i < MM * MM; i++) { float a = mc[i] < 0 ? -mc[i] : mc[i]; if (a > m) m = a; }
        float inv = 1.0f / m;
        for (int i = 0; i < MM * MM; i++) ma[i] = mc[i] * inv;
    }
    uint64_t ha = 0;
    for (int r = 0; r < AXPY_REPS; r++) {
        double a = (r & 1) ? -0.375 : 0.25;
        axpy(a, xd, yd, AXPY_LEN);
        axpy(-a * 0.5, yd, xd, AXPY_LEN);
        ha = (ha << 9 | ha >> 55) ^ dbits(yd[(r * 97) % AXPY_LEN]);
    }
    double sv = 0, sm = 0, sa = 0;
    for (int i = 0; i < DIM; i++) sv += vec[i];
    for (int i = 0; i < MM * MM; i++) sm += mc[i];
    for (int i = 0; i < AXPY_LEN; i++) sa += yd[i];
    printf("matvec: sum %.6f hash %08x\n", sv, hv);
    printf("matmul: sum %.6f hash %08x\n", sm, hm);
    printf("axpy: sum %.6f hash %016llx\n", sa, (unsigned long long)ha);
    printf("checksum: %llu\n", (unsigned long long)(hv ^ ((uint64_t)hm << 32) ^ ha));
    return 0;
}
