// SIMDSemantics.h: the semantics of every WebAssembly SIMD (128-bit) and relaxed-SIMD instruction, as portable C
// (clang vector extensions, plus SSE2 intrinsics on x86-64 and NEON on AArch64 where they beat the generic code).
// Hand-written; the interpreter's handlers call these functions. WebAssembly 3.0 semantics (exec/numerics.rst).
//
// Slot layout: a v128 value occupies two adjacent 64-bit frame slots (uint64_t cells, 8-byte aligned only),
// little-endian: lane bytes 0-7 in the first cell, 8-15 in the second. Every function reads all of its inputs
// before it writes `r`, so `r` may be the same slots as `a`, `b` or `c`.
//
// One function per instruction, `swasm_simd_` + the mnemonic with `.` replaced by `_`; signatures by kind:
//   unary        void f(uint64_t *r, const uint64_t *a)
//   binary       void f(uint64_t *r, const uint64_t *a, const uint64_t *b)
//   ternary      void f(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *c)   (operand order)
//   shifts       void f(uint64_t *r, const uint64_t *a, uint32_t count)       (count taken modulo the lane width)
//   splats       void f(uint64_t *r, uint64_t x)   (x: the operand's slot; i32/f32 in its low 32 bits)
//   any_true, all_true, bitmask                 uint32_t f(const uint64_t *a)
//   extract_lane uint64_t f(const uint64_t *a, uint32_t lane)   (i32 results zero-extended, floats as bits)
//   replace_lane void f(uint64_t *r, const uint64_t *a, uint64_t x, uint32_t lane)
//   i8x16.shuffle void f(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *lanes)  (16 bytes < 32)
//   memory (p: host address of the first byte accessed, bounds already checked, any alignment):
//     v128.load (16 bytes), load8x8_s/u, load16x4_s/u, load32x2_s/u (8), load{8,16,32,64}_splat (1/2/4/8),
//     load32_zero (4), load64_zero (8):    void f(uint64_t *r, const void *p)
//     v128.store (16 bytes):               void f(void *p, const uint64_t *a)
//     v128.load{8,16,32,64}_lane:          void f(uint64_t *r, const uint64_t *a, const void *p, uint32_t lane)
//     v128.store{8,16,32,64}_lane:         void f(void *p, const uint64_t *a, uint32_t lane)   (1/2/4/8 bytes)
// Lane indices are masked to the lane count and shuffle indices to 0-31 (validation guarantees them; the mask
// keeps a bad one inside the slots). v128.const needs no function (the translator stores the constant).
//
// Floating point: no fast-math (the rounding trick below relies on exact IEEE arithmetic). NaN results follow the
// spec: a canonical NaN (either sign) when every NaN operand is canonical, else an arithmetic (quiet) NaN. Plain
// add/sub/mul/div/sqrt/convert get that from the hardware (SSE and NEON quiet NaN operands and produce a canonical
// default NaN, 0xFFC00000 on x86, 0x7FC00000 on Arm); min/max canonicalise explicitly on x86; rounding quiets.
//
// Relaxed SIMD: two functions per instruction. `swasm_simd_<name>` gives the result fastest on the host among those
// the spec allows; `swasm_simd_<name>_deterministic` gives the deterministic profile's (every choice index 0).
// "x86" means the SSE2 baseline unless __SSSE3__/__SSE4_1__/__FMA__ is named (x86-64 macOS builds have SSE4.1).
//   i8x16.relaxed_swizzle: x86 with SSSE3 (at build time, or found at run time) pshufb (index 16-127 -> lane
//       index%16, >= 128 -> 0: choice 1); SSE2 only: as swizzle; arm64 tbl: as swizzle (0 for >= 16).
//   i32x4.relaxed_trunc_f32x4_s: x86 cvttps2dq (NaN and out of range -> INT32_MIN; the spec allows any value);
//       arm64 fcvtzs saturates with NaN -> 0: as trunc_sat.
//   i32x4.relaxed_trunc_f32x4_u: x86 one cvttps2dq, of x - 2^31 with bit 31 put back for lanes >= 2^31, no
//       clamping (NaN, negative, >= 2^32: unspecified values, allowed); arm64 fcvtzu: as trunc_sat.
//   i32x4.relaxed_trunc_f64x2_s_zero: x86 cvttpd2dq (NaN/out of range -> INT32_MIN); arm64 fcvtzs+sqxtn: as
//       trunc_sat. i32x4.relaxed_trunc_f64x2_u_zero: x86 cvttpd2dq with the same 2^31 shift, no clamping;
//       arm64 fcvtzu+uqxtn: as trunc_sat. (The proposal's Overview.md once narrowed the out-of-range results to
//       0/INT32_MIN/UINT32_MAX; spec 3.0 and the testsuite allow any value, and so do these.)
//   f32x4/f64x2.relaxed_madd, relaxed_nmadd: arm64 fmla/fmls and x86 with __FMA__: fused (choice 1); SSE2 and
//       other CPUs: unfused, the deterministic result (choice 0; a software fma would be far slower).
//   i8x16/i32x4/i64x2.relaxed_laneselect: x86 SSE4.1 pblendvb/blendvps/blendvpd (top bit of each lane: choice 1);
//       SSE2, arm64 (bsl) and i16x8.relaxed_laneselect everywhere: bitselect (choice 0).
//   f32x4/f64x2.relaxed_min/max: x86 minps/maxps(a, b) (b when either is NaN and for +-0/-+0: choice 2);
//       arm64 fmin/fmax: as min/max (choice 0).
//   i16x8.relaxed_q15mulr_s: x86 SSSE3 pmulhrsw, SSE2 mullo/mulhi with rounding: INT16_MIN*INT16_MIN ->
//       INT16_MIN (choice 1, no saturation fix-up); arm64 sqrdmulh saturates: as q15mulr_sat_s (choice 0).
//   i16x8.relaxed_dot_i8x16_i7x16_s: x86 SSSE3 pmaddubsw(b, a): b unsigned (choice 1), pair sums saturated;
//       SSE2 and arm64 (smull/uzp/sqadd): b signed (choice 0; on SSE2 either costs the same split multiply).
//   i32x4.relaxed_dot_i8x16_i7x16_add_s: that i16x8 dot, then pairwise widening sums plus c (x86 pmaddwd by 1s;
//       arm64 sadalp).
//
// Scalar on SSE2 (no SSE2 instruction does it): i8x16.swizzle, relaxed_swizzle and shuffle, whose indices are
// run-time values, are a 16-step byte gather from a 32-byte stack copy (pshufb in SSSE3 builds, and by a call
// where the CPU has SSSE3 in baseline builds; tbl on arm64).
// Scalar by choice, on every CPU: i64x2.mul (two 64-bit multiplies on the cells; neither SSE2 nor NEON has a
// 64-bit lane multiply), and on x86 i64x2.extmul_*_i32x4_s (two imuls; pmuldq is SSE4.1); splats, extract_lane,
// replace_lane, any_true, i64x2.all_true/bitmask and the lane loads/stores work on the cells directly. Everything
// else is vector code: rounding uses the 2^23 / 2^52 addition trick on SSE2 (roundps on SSE4.1, frint* on arm64);
// unsigned conversions, i64x2 compares/abs, byte shifts and unsigned 16/32-bit min/max are multi-instruction SSE2
// sequences. SWASM_SIMD_GENERIC_ONLY (for tests) compiles only the portable code, as used on other CPUs.
#ifndef SWASM_SIMD_SEMANTICS_H
#define SWASM_SIMD_SEMANTICS_H

#include <stdint.h>

#if !defined(__clang__)
#error "SIMDSemantics.h needs clang (vector extensions and __builtin_elementwise_*)"
#endif
#if !__has_builtin(__builtin_elementwise_add_sat) || !__has_builtin(__builtin_elementwise_sqrt) \
    || !__has_builtin(__builtin_elementwise_fma) || !__has_builtin(__builtin_convertvector)
#error "SIMDSemantics.h needs clang 17 or later"
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "SIMDSemantics.h assumes a little-endian host"
#endif

#if defined(__x86_64__) && !defined(SWASM_SIMD_GENERIC_ONLY)
#define SWASM__X86 1
#include <emmintrin.h>
#if defined(__SSSE3__)
#include <tmmintrin.h>
#endif
#if defined(__SSE4_1__)
#include <smmintrin.h>
#endif
#elif defined(__aarch64__) && !defined(SWASM_SIMD_GENERIC_ONLY)
#define SWASM__ARM64 1
#include <arm_neon.h>
#endif

#define SWASM_SIMD static inline __attribute__((always_inline))

// PowerPC: clang warns that AltiVec may switch vector comparisons to scalar results (-altivec-compat=xl). Every
// comparison here is cast or converted to a vector, which is a compile error on a scalar: such a switch cannot
// miscompile this file silently.
#if defined(__ALTIVEC__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-altivec-src-compat"
#endif

// MARK: - Internals (names with a double underscore)

typedef int8_t swasm__i8x16 __attribute__((vector_size(16)));
typedef uint8_t swasm__u8x16 __attribute__((vector_size(16)));
typedef int16_t swasm__i16x8 __attribute__((vector_size(16)));
typedef uint16_t swasm__u16x8 __attribute__((vector_size(16)));
typedef int32_t swasm__i32x4 __attribute__((vector_size(16)));
typedef uint32_t swasm__u32x4 __attribute__((vector_size(16)));
typedef int64_t swasm__i64x2 __attribute__((vector_size(16)));
typedef uint64_t swasm__u64x2 __attribute__((vector_size(16)));
typedef float swasm__f32x4 __attribute__((vector_size(16)));
typedef double swasm__f64x2 __attribute__((vector_size(16)));
typedef int8_t swasm__i8x8 __attribute__((vector_size(8)));
typedef uint8_t swasm__u8x8 __attribute__((vector_size(8)));
typedef int16_t swasm__i16x4 __attribute__((vector_size(8)));
typedef uint16_t swasm__u16x4 __attribute__((vector_size(8)));
typedef int32_t swasm__i32x2 __attribute__((vector_size(8)));
typedef uint32_t swasm__u32x2 __attribute__((vector_size(8)));
typedef float swasm__f32x2 __attribute__((vector_size(8)));
typedef _Bool swasm__b16 __attribute__((ext_vector_type(16)));
typedef _Bool swasm__b8 __attribute__((ext_vector_type(8)));
typedef _Bool swasm__b4 __attribute__((ext_vector_type(4)));

SWASM_SIMD swasm__u64x2 swasm__ld(const void *p) {
    swasm__u64x2 v;
    __builtin_memcpy(&v, p, 16);
    return v;
}
SWASM_SIMD void swasm__st(void *p, swasm__u64x2 v) { __builtin_memcpy(p, &v, 16); }
#define SWASM__LD(T, p) ((T)swasm__ld(p))
#define SWASM__ST(p, v) swasm__st((p), (swasm__u64x2)(v))

// Lanes of `m` (all ones or all zeros) pick `x`, the others `y`.
#define SWASM__SEL(T, m, x, y) ((T)(((swasm__u64x2)(m) & (swasm__u64x2)(x)) | (~(swasm__u64x2)(m) & (swasm__u64x2)(y))))

#define SWASM__UNOP(name, T, expr) \
    SWASM_SIMD void swasm_simd_##name(uint64_t *r, const uint64_t *pa) { \
        T a = SWASM__LD(T, pa); \
        SWASM__ST(r, (expr)); \
    }
#define SWASM__BINOP(name, T, expr) \
    SWASM_SIMD void swasm_simd_##name(uint64_t *r, const uint64_t *pa, const uint64_t *pb) { \
        T a = SWASM__LD(T, pa), b = SWASM__LD(T, pb); \
        SWASM__ST(r, (expr)); \
    }
// Shift counts are taken modulo the lane width: `E` is the lane type, `W` the width.
#define SWASM__SHIFT(name, T, E, op, W) \
    SWASM_SIMD void swasm_simd_##name(uint64_t *r, const uint64_t *pa, uint32_t count) { \
        T a = SWASM__LD(T, pa); \
        SWASM__ST(r, a op (E)(count & (W - 1))); \
    }

// MARK: - Memory

SWASM_SIMD void swasm_simd_v128_load(uint64_t *r, const void *p) { swasm__st(r, swasm__ld(p)); }
SWASM_SIMD void swasm_simd_v128_store(void *p, const uint64_t *a) { swasm__st(p, swasm__ld(a)); }

#define SWASM__LOAD_EXTEND(name, H, T) \
    SWASM_SIMD void swasm_simd_##name(uint64_t *r, const void *p) { \
        H h; \
        __builtin_memcpy(&h, p, 8); \
        SWASM__ST(r, __builtin_convertvector(h, T)); \
    }
SWASM__LOAD_EXTEND(v128_load8x8_s, swasm__i8x8, swasm__i16x8)
SWASM__LOAD_EXTEND(v128_load8x8_u, swasm__u8x8, swasm__u16x8)
SWASM__LOAD_EXTEND(v128_load16x4_s, swasm__i16x4, swasm__i32x4)
SWASM__LOAD_EXTEND(v128_load16x4_u, swasm__u16x4, swasm__u32x4)
SWASM__LOAD_EXTEND(v128_load32x2_s, swasm__i32x2, swasm__i64x2)
SWASM__LOAD_EXTEND(v128_load32x2_u, swasm__u32x2, swasm__u64x2)

// Splats multiply the lane into a 64-bit pattern: one multiply and two stores, no shuffles.
#define SWASM__SPLAT_CELL(E, x) ((uint64_t)(E)(x) * (0xFFFFFFFFFFFFFFFFull / (E)~(E)0))
SWASM_SIMD void swasm_simd_v128_load8_splat(uint64_t *r, const void *p) {
    uint8_t x;
    __builtin_memcpy(&x, p, 1);
    r[0] = r[1] = SWASM__SPLAT_CELL(uint8_t, x);
}
SWASM_SIMD void swasm_simd_v128_load16_splat(uint64_t *r, const void *p) {
    uint16_t x;
    __builtin_memcpy(&x, p, 2);
    r[0] = r[1] = SWASM__SPLAT_CELL(uint16_t, x);
}
SWASM_SIMD void swasm_simd_v128_load32_splat(uint64_t *r, const void *p) {
    uint32_t x;
    __builtin_memcpy(&x, p, 4);
    r[0] = r[1] = SWASM__SPLAT_CELL(uint32_t, x);
}
SWASM_SIMD void swasm_simd_v128_load64_splat(uint64_t *r, const void *p) {
    uint64_t x;
    __builtin_memcpy(&x, p, 8);
    r[0] = r[1] = x;
}
SWASM_SIMD void swasm_simd_v128_load32_zero(uint64_t *r, const void *p) {
    uint32_t x;
    __builtin_memcpy(&x, p, 4);
    r[0] = x;
    r[1] = 0;
}
SWASM_SIMD void swasm_simd_v128_load64_zero(uint64_t *r, const void *p) {
    uint64_t x;
    __builtin_memcpy(&x, p, 8);
    r[0] = x;
    r[1] = 0;
}

// Lane loads and replace_lane copy the vector, then overwrite one lane in the slots.
#define SWASM__LOAD_LANE(name, E, N) \
    SWASM_SIMD void swasm_simd_##name(uint64_t *r, const uint64_t *a, const void *p, uint32_t lane) { \
        uint64_t lo = a[0], hi = a[1]; \
        E x; \
        __builtin_memcpy(&x, p, sizeof(E)); \
        r[0] = lo; \
        r[1] = hi; \
        __builtin_memcpy((unsigned char *)r + (lane & (N - 1)) * sizeof(E), &x, sizeof(E)); \
    }
SWASM__LOAD_LANE(v128_load8_lane, uint8_t, 16)
SWASM__LOAD_LANE(v128_load16_lane, uint16_t, 8)
SWASM__LOAD_LANE(v128_load32_lane, uint32_t, 4)
SWASM__LOAD_LANE(v128_load64_lane, uint64_t, 2)

#define SWASM__STORE_LANE(name, E, N) \
    SWASM_SIMD void swasm_simd_##name(void *p, const uint64_t *a, uint32_t lane) { \
        E x; \
        __builtin_memcpy(&x, (const unsigned char *)a + (lane & (N - 1)) * sizeof(E), sizeof(E)); \
        __builtin_memcpy(p, &x, sizeof(E)); \
    }
SWASM__STORE_LANE(v128_store8_lane, uint8_t, 16)
SWASM__STORE_LANE(v128_store16_lane, uint16_t, 8)
SWASM__STORE_LANE(v128_store32_lane, uint32_t, 4)
SWASM__STORE_LANE(v128_store64_lane, uint64_t, 2)

// MARK: - Splat, extract_lane, replace_lane

SWASM_SIMD void swasm_simd_i8x16_splat(uint64_t *r, uint64_t x) { r[0] = r[1] = SWASM__SPLAT_CELL(uint8_t, x); }
SWASM_SIMD void swasm_simd_i16x8_splat(uint64_t *r, uint64_t x) { r[0] = r[1] = SWASM__SPLAT_CELL(uint16_t, x); }
SWASM_SIMD void swasm_simd_i32x4_splat(uint64_t *r, uint64_t x) { r[0] = r[1] = SWASM__SPLAT_CELL(uint32_t, x); }
SWASM_SIMD void swasm_simd_i64x2_splat(uint64_t *r, uint64_t x) { r[0] = r[1] = x; }
SWASM_SIMD void swasm_simd_f32x4_splat(uint64_t *r, uint64_t x) { r[0] = r[1] = SWASM__SPLAT_CELL(uint32_t, x); }
SWASM_SIMD void swasm_simd_f64x2_splat(uint64_t *r, uint64_t x) { r[0] = r[1] = x; }

// `C` converts the lane (type E) to the 64-bit cell: through int32_t for sign extension, uint32_t for zero extension.
#define SWASM__EXTRACT(name, E, N, C) \
    SWASM_SIMD uint64_t swasm_simd_##name(const uint64_t *a, uint32_t lane) { \
        E x; \
        __builtin_memcpy(&x, (const unsigned char *)a + (lane & (N - 1)) * sizeof(E), sizeof(E)); \
        return (uint64_t)(C)x; \
    }
SWASM__EXTRACT(i8x16_extract_lane_s, int8_t, 16, uint32_t)
SWASM__EXTRACT(i8x16_extract_lane_u, uint8_t, 16, uint32_t)
SWASM__EXTRACT(i16x8_extract_lane_s, int16_t, 8, uint32_t)
SWASM__EXTRACT(i16x8_extract_lane_u, uint16_t, 8, uint32_t)
SWASM__EXTRACT(i32x4_extract_lane, uint32_t, 4, uint32_t)
SWASM__EXTRACT(i64x2_extract_lane, uint64_t, 2, uint64_t)
SWASM__EXTRACT(f32x4_extract_lane, uint32_t, 4, uint32_t)
SWASM__EXTRACT(f64x2_extract_lane, uint64_t, 2, uint64_t)

#define SWASM__REPLACE(name, E, N) \
    SWASM_SIMD void swasm_simd_##name(uint64_t *r, const uint64_t *a, uint64_t x, uint32_t lane) { \
        uint64_t lo = a[0], hi = a[1]; \
        E v = (E)x; \
        r[0] = lo; \
        r[1] = hi; \
        __builtin_memcpy((unsigned char *)r + (lane & (N - 1)) * sizeof(E), &v, sizeof(E)); \
    }
SWASM__REPLACE(i8x16_replace_lane, uint8_t, 16)
SWASM__REPLACE(i16x8_replace_lane, uint16_t, 8)
SWASM__REPLACE(i32x4_replace_lane, uint32_t, 4)
SWASM__REPLACE(i64x2_replace_lane, uint64_t, 2)
SWASM__REPLACE(f32x4_replace_lane, uint32_t, 4)
SWASM__REPLACE(f64x2_replace_lane, uint64_t, 2)

// MARK: - Shuffle and swizzle

#if defined(SWASM__X86) && !defined(__SSSE3__)
// x86-64 builds for the baseline CPU (SSE2) still use pshufb where the CPU has SSSE3 (every x86-64 CPU since
// 2006-2011): Dispatch.c sets `swasm_cpu_has_ssse3` at load time and defines these out-of-line SSSE3 versions.
// preserve_all: the calling handler keeps its machine registers in place across the call.
#define SWASM__RUNTIME_SSSE3 1
extern int swasm_cpu_has_ssse3;
__attribute__((preserve_all)) void swasm_simd_i8x16_shuffle_ssse3(uint64_t *r, const uint64_t *a, const uint64_t *b,
                                                                  const uint64_t *lanes);
__attribute__((preserve_all)) void swasm_simd_i8x16_swizzle_ssse3(uint64_t *r, const uint64_t *a, const uint64_t *b);
__attribute__((preserve_all)) void swasm_simd_i8x16_relaxed_swizzle_ssse3(uint64_t *r, const uint64_t *a,
                                                                          const uint64_t *b);
#endif

// Byte gather from a 32-byte table (SSE2 and other CPUs without a table lookup instruction).
SWASM_SIMD swasm__u8x16 swasm__gather32(swasm__u8x16 t0, swasm__u8x16 t1, swasm__u8x16 idx) {
    uint8_t t[32], i[16], o[16];
    __builtin_memcpy(t, &t0, 16);
    __builtin_memcpy(t + 16, &t1, 16);
    __builtin_memcpy(i, &idx, 16);
    for (int k = 0; k < 16; k++)
        o[k] = t[i[k] & 31];
    swasm__u8x16 v;
    __builtin_memcpy(&v, o, 16);
    return v;
}

SWASM_SIMD void swasm_simd_i8x16_shuffle(uint64_t *r, const uint64_t *pa, const uint64_t *pb, const uint64_t *lanes) {
#if defined(SWASM__RUNTIME_SSSE3)
    if (__builtin_expect(swasm_cpu_has_ssse3, 1)) { swasm_simd_i8x16_shuffle_ssse3(r, pa, pb, lanes); return; }
#endif
    swasm__u8x16 a = SWASM__LD(swasm__u8x16, pa), b = SWASM__LD(swasm__u8x16, pb);
    swasm__u8x16 idx = SWASM__LD(swasm__u8x16, lanes);
#if defined(SWASM__ARM64)
    uint8x16x2_t t = {{(uint8x16_t)a, (uint8x16_t)b}};
    SWASM__ST(r, vqtbl2q_u8(t, (uint8x16_t)idx));
#elif defined(SWASM__X86) && defined(__SSSE3__)
    // Indices 16-31 get bit 7 set in the first lookup (pshufb gives 0), indices 0-15 wrap to >= 0xF0 in the second.
    __m128i i = (__m128i)(idx & 31);
    __m128i x = _mm_shuffle_epi8((__m128i)a, _mm_adds_epu8(i, _mm_set1_epi8(0x70)));
    __m128i y = _mm_shuffle_epi8((__m128i)b, _mm_sub_epi8(i, _mm_set1_epi8(16)));
    SWASM__ST(r, _mm_or_si128(x, y));
#else
    SWASM__ST(r, swasm__gather32(a, b, idx));
#endif
}

SWASM_SIMD void swasm_simd_i8x16_swizzle(uint64_t *r, const uint64_t *pa, const uint64_t *pb) {
#if defined(SWASM__RUNTIME_SSSE3)
    if (__builtin_expect(swasm_cpu_has_ssse3, 1)) { swasm_simd_i8x16_swizzle_ssse3(r, pa, pb); return; }
#endif
    swasm__u8x16 a = SWASM__LD(swasm__u8x16, pa), idx = SWASM__LD(swasm__u8x16, pb);
#if defined(SWASM__ARM64)
    SWASM__ST(r, vqtbl1q_u8((uint8x16_t)a, (uint8x16_t)idx)); // tbl: 0 for indices >= 16
#elif defined(SWASM__X86) && defined(__SSSE3__)
    SWASM__ST(r, _mm_shuffle_epi8((__m128i)a, _mm_adds_epu8((__m128i)idx, _mm_set1_epi8(0x70))));
#else
    // Indices >= 16 read byte 16 of the table: zero.
    SWASM__ST(r, swasm__gather32(a, (swasm__u8x16){0}, __builtin_elementwise_min(idx, (swasm__u8x16){0} + 16)));
#endif
}

SWASM_SIMD void swasm_simd_i8x16_relaxed_swizzle_deterministic(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    swasm_simd_i8x16_swizzle(r, a, b);
}
SWASM_SIMD void swasm_simd_i8x16_relaxed_swizzle(uint64_t *r, const uint64_t *pa, const uint64_t *pb) {
#if defined(SWASM__RUNTIME_SSSE3)
    if (__builtin_expect(swasm_cpu_has_ssse3, 1)) { swasm_simd_i8x16_relaxed_swizzle_ssse3(r, pa, pb); return; }
#endif
#if defined(SWASM__X86) && defined(__SSSE3__)
    SWASM__ST(r, _mm_shuffle_epi8((__m128i)swasm__ld(pa), (__m128i)swasm__ld(pb)));
#else
    swasm_simd_i8x16_swizzle(r, pa, pb);
#endif
}

// MARK: - Bitwise

SWASM__UNOP(v128_not, swasm__u64x2, ~a)
SWASM__BINOP(v128_and, swasm__u64x2, a & b)
SWASM__BINOP(v128_andnot, swasm__u64x2, a & ~b)
SWASM__BINOP(v128_or, swasm__u64x2, a | b)
SWASM__BINOP(v128_xor, swasm__u64x2, a ^ b)
SWASM_SIMD void swasm_simd_v128_bitselect(uint64_t *r, const uint64_t *pa, const uint64_t *pb, const uint64_t *pc) {
    swasm__u64x2 a = swasm__ld(pa), b = swasm__ld(pb), c = swasm__ld(pc);
    swasm__st(r, (a & c) | (b & ~c));
}
SWASM_SIMD uint32_t swasm_simd_v128_any_true(const uint64_t *a) { return (a[0] | a[1]) != 0; }

// MARK: - Lane tests

SWASM_SIMD uint32_t swasm_simd_i8x16_all_true(const uint64_t *pa) {
    swasm__u8x16 a = SWASM__LD(swasm__u8x16, pa);
    return __builtin_reduce_and((swasm__i8x16)(a != 0)) != 0;
}
SWASM_SIMD uint32_t swasm_simd_i16x8_all_true(const uint64_t *pa) {
    swasm__u16x8 a = SWASM__LD(swasm__u16x8, pa);
    return __builtin_reduce_and((swasm__i16x8)(a != 0)) != 0;
}
SWASM_SIMD uint32_t swasm_simd_i32x4_all_true(const uint64_t *pa) {
    swasm__u32x4 a = SWASM__LD(swasm__u32x4, pa);
    return __builtin_reduce_and((swasm__i32x4)(a != 0)) != 0;
}
SWASM_SIMD uint32_t swasm_simd_i64x2_all_true(const uint64_t *a) { return (a[0] != 0) & (a[1] != 0); }

// The sign bits as a bool vector, bit-cast to an integer: pmovmskb/movmskps on x86, and/addv on arm64.
SWASM_SIMD uint32_t swasm_simd_i8x16_bitmask(const uint64_t *pa) {
    swasm__i8x16 a = SWASM__LD(swasm__i8x16, pa);
    return __builtin_bit_cast(uint16_t, __builtin_convertvector(a < 0, swasm__b16));
}
SWASM_SIMD uint32_t swasm_simd_i16x8_bitmask(const uint64_t *pa) {
    swasm__i16x8 a = SWASM__LD(swasm__i16x8, pa);
    return __builtin_bit_cast(uint8_t, __builtin_convertvector(a < 0, swasm__b8));
}
SWASM_SIMD uint32_t swasm_simd_i32x4_bitmask(const uint64_t *pa) {
    swasm__i32x4 a = SWASM__LD(swasm__i32x4, pa);
    return __builtin_bit_cast(uint8_t, __builtin_convertvector(a < 0, swasm__b4)) & 15;
}
SWASM_SIMD uint32_t swasm_simd_i64x2_bitmask(const uint64_t *a) {
    return (uint32_t)(a[0] >> 63) | (uint32_t)(a[1] >> 63) << 1;
}

// MARK: - Integer arithmetic

// Wrapping arithmetic is done on unsigned lanes (no signed overflow).
SWASM__BINOP(i8x16_add, swasm__u8x16, a + b)
SWASM__BINOP(i16x8_add, swasm__u16x8, a + b)
SWASM__BINOP(i32x4_add, swasm__u32x4, a + b)
SWASM__BINOP(i64x2_add, swasm__u64x2, a + b)
SWASM__BINOP(i8x16_sub, swasm__u8x16, a - b)
SWASM__BINOP(i16x8_sub, swasm__u16x8, a - b)
SWASM__BINOP(i32x4_sub, swasm__u32x4, a - b)
SWASM__BINOP(i64x2_sub, swasm__u64x2, a - b)
SWASM__BINOP(i16x8_mul, swasm__u16x8, a * b)
SWASM__BINOP(i32x4_mul, swasm__u32x4, a * b)
// i64x2.mul: two scalar multiplies on the cells (SSE2 has no 64-bit lane multiply, nor NEON).
SWASM_SIMD void swasm_simd_i64x2_mul(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    uint64_t lo = a[0] * b[0], hi = a[1] * b[1];
    r[0] = lo;
    r[1] = hi;
}
SWASM__UNOP(i8x16_neg, swasm__u8x16, 0 - a)
SWASM__UNOP(i16x8_neg, swasm__u16x8, 0 - a)
SWASM__UNOP(i32x4_neg, swasm__u32x4, 0 - a)
SWASM__UNOP(i64x2_neg, swasm__u64x2, 0 - a)
// abs(INT_MIN) = INT_MIN: (a ^ s) - s with s the sign mask, in unsigned lanes.
SWASM__UNOP(i8x16_abs, swasm__i8x16, ((swasm__u8x16)a ^ (swasm__u8x16)(a >> 7)) - (swasm__u8x16)(a >> 7))
SWASM__UNOP(i16x8_abs, swasm__i16x8, ((swasm__u16x8)a ^ (swasm__u16x8)(a >> 15)) - (swasm__u16x8)(a >> 15))
SWASM__UNOP(i32x4_abs, swasm__i32x4, ((swasm__u32x4)a ^ (swasm__u32x4)(a >> 31)) - (swasm__u32x4)(a >> 31))
SWASM__UNOP(i64x2_abs, swasm__i64x2, ((swasm__u64x2)a ^ (swasm__u64x2)(a >> 63)) - (swasm__u64x2)(a >> 63))

SWASM__BINOP(i8x16_add_sat_s, swasm__i8x16, __builtin_elementwise_add_sat(a, b))
SWASM__BINOP(i8x16_add_sat_u, swasm__u8x16, __builtin_elementwise_add_sat(a, b))
SWASM__BINOP(i8x16_sub_sat_s, swasm__i8x16, __builtin_elementwise_sub_sat(a, b))
SWASM__BINOP(i8x16_sub_sat_u, swasm__u8x16, __builtin_elementwise_sub_sat(a, b))
SWASM__BINOP(i16x8_add_sat_s, swasm__i16x8, __builtin_elementwise_add_sat(a, b))
SWASM__BINOP(i16x8_add_sat_u, swasm__u16x8, __builtin_elementwise_add_sat(a, b))
SWASM__BINOP(i16x8_sub_sat_s, swasm__i16x8, __builtin_elementwise_sub_sat(a, b))
SWASM__BINOP(i16x8_sub_sat_u, swasm__u16x8, __builtin_elementwise_sub_sat(a, b))

SWASM__BINOP(i8x16_min_s, swasm__i8x16, __builtin_elementwise_min(a, b))
SWASM__BINOP(i8x16_min_u, swasm__u8x16, __builtin_elementwise_min(a, b))
SWASM__BINOP(i8x16_max_s, swasm__i8x16, __builtin_elementwise_max(a, b))
SWASM__BINOP(i8x16_max_u, swasm__u8x16, __builtin_elementwise_max(a, b))
SWASM__BINOP(i16x8_min_s, swasm__i16x8, __builtin_elementwise_min(a, b))
SWASM__BINOP(i16x8_min_u, swasm__u16x8, __builtin_elementwise_min(a, b))
SWASM__BINOP(i16x8_max_s, swasm__i16x8, __builtin_elementwise_max(a, b))
SWASM__BINOP(i16x8_max_u, swasm__u16x8, __builtin_elementwise_max(a, b))
SWASM__BINOP(i32x4_min_s, swasm__i32x4, __builtin_elementwise_min(a, b))
SWASM__BINOP(i32x4_min_u, swasm__u32x4, __builtin_elementwise_min(a, b))
SWASM__BINOP(i32x4_max_s, swasm__i32x4, __builtin_elementwise_max(a, b))
SWASM__BINOP(i32x4_max_u, swasm__u32x4, __builtin_elementwise_max(a, b))

// avgr_u = (a + b + 1) >> 1 without overflow: (a | b) - ((a ^ b) >> 1).
#if defined(SWASM__X86)
SWASM__BINOP(i8x16_avgr_u, __m128i, _mm_avg_epu8(a, b))
SWASM__BINOP(i16x8_avgr_u, __m128i, _mm_avg_epu16(a, b))
#elif defined(SWASM__ARM64)
SWASM__BINOP(i8x16_avgr_u, uint8x16_t, vrhaddq_u8(a, b))
SWASM__BINOP(i16x8_avgr_u, uint16x8_t, vrhaddq_u16(a, b))
#else
SWASM__BINOP(i8x16_avgr_u, swasm__u8x16, (a | b) - ((a ^ b) >> 1))
SWASM__BINOP(i16x8_avgr_u, swasm__u16x8, (a | b) - ((a ^ b) >> 1))
#endif

#if __has_builtin(__builtin_elementwise_popcount)
SWASM__UNOP(i8x16_popcnt, swasm__u8x16, __builtin_elementwise_popcount(a))
#else
SWASM_SIMD void swasm_simd_i8x16_popcnt(uint64_t *r, const uint64_t *pa) {
    swasm__u8x16 a = SWASM__LD(swasm__u8x16, pa);
    a = a - ((a >> 1) & 0x55);
    a = (a & 0x33) + ((a >> 2) & 0x33);
    SWASM__ST(r, (a + (a >> 4)) & 0x0F);
}
#endif

// q15mulr_sat_s: (a * b + 0x4000) >> 15, saturated; only INT16_MIN * INT16_MIN overflows (to 0x8000).
#if defined(SWASM__ARM64)
SWASM__BINOP(i16x8_q15mulr_sat_s, int16x8_t, vqrdmulhq_s16(a, b))
#elif defined(SWASM__X86)
// The 32-bit product hi:lo, shifted right by 15 and rounded by its bit 14.
SWASM_SIMD __m128i swasm__q15mulr_wrap(__m128i a, __m128i b) {
#if defined(__SSSE3__)
    return _mm_mulhrs_epi16(a, b);
#else
    __m128i lo = _mm_mullo_epi16(a, b), hi = _mm_mulhi_epi16(a, b);
    __m128i q = _mm_or_si128(_mm_slli_epi16(hi, 1), _mm_srli_epi16(lo, 15));
    return _mm_add_epi16(q, _mm_and_si128(_mm_srli_epi16(lo, 14), _mm_set1_epi16(1)));
#endif
}
SWASM_SIMD void swasm_simd_i16x8_q15mulr_sat_s(uint64_t *r, const uint64_t *pa, const uint64_t *pb) {
    __m128i q = swasm__q15mulr_wrap((__m128i)swasm__ld(pa), (__m128i)swasm__ld(pb));
    SWASM__ST(r, _mm_xor_si128(q, _mm_cmpeq_epi16(q, _mm_set1_epi16(INT16_MIN)))); // 0x8000 -> 0x7FFF
}
#else
SWASM_SIMD swasm__i16x8 swasm__q15mulr_sat(swasm__i16x8 a, swasm__i16x8 b) {
    swasm__i32x4 al = __builtin_convertvector(__builtin_shufflevector(a, a, 0, 1, 2, 3), swasm__i32x4);
    swasm__i32x4 ah = __builtin_convertvector(__builtin_shufflevector(a, a, 4, 5, 6, 7), swasm__i32x4);
    swasm__i32x4 bl = __builtin_convertvector(__builtin_shufflevector(b, b, 0, 1, 2, 3), swasm__i32x4);
    swasm__i32x4 bh = __builtin_convertvector(__builtin_shufflevector(b, b, 4, 5, 6, 7), swasm__i32x4);
    swasm__i32x4 l = __builtin_elementwise_min((al * bl + 0x4000) >> 15, (swasm__i32x4){0} + 0x7FFF);
    swasm__i32x4 h = __builtin_elementwise_min((ah * bh + 0x4000) >> 15, (swasm__i32x4){0} + 0x7FFF);
    return __builtin_shufflevector(__builtin_convertvector(l, swasm__i16x4), __builtin_convertvector(h, swasm__i16x4),
                                   0, 1, 2, 3, 4, 5, 6, 7);
}
SWASM__BINOP(i16x8_q15mulr_sat_s, swasm__i16x8, swasm__q15mulr_sat(a, b))
#endif

// MARK: - Integer comparisons (lanes of all ones or zeros)

SWASM__BINOP(i8x16_eq, swasm__u8x16, a == b)
SWASM__BINOP(i8x16_ne, swasm__u8x16, a != b)
SWASM__BINOP(i8x16_lt_s, swasm__i8x16, a < b)
SWASM__BINOP(i8x16_lt_u, swasm__u8x16, a < b)
SWASM__BINOP(i8x16_gt_s, swasm__i8x16, a > b)
SWASM__BINOP(i8x16_gt_u, swasm__u8x16, a > b)
SWASM__BINOP(i8x16_le_s, swasm__i8x16, a <= b)
SWASM__BINOP(i8x16_le_u, swasm__u8x16, a <= b)
SWASM__BINOP(i8x16_ge_s, swasm__i8x16, a >= b)
SWASM__BINOP(i8x16_ge_u, swasm__u8x16, a >= b)
SWASM__BINOP(i16x8_eq, swasm__u16x8, a == b)
SWASM__BINOP(i16x8_ne, swasm__u16x8, a != b)
SWASM__BINOP(i16x8_lt_s, swasm__i16x8, a < b)
SWASM__BINOP(i16x8_lt_u, swasm__u16x8, a < b)
SWASM__BINOP(i16x8_gt_s, swasm__i16x8, a > b)
SWASM__BINOP(i16x8_gt_u, swasm__u16x8, a > b)
SWASM__BINOP(i16x8_le_s, swasm__i16x8, a <= b)
SWASM__BINOP(i16x8_le_u, swasm__u16x8, a <= b)
SWASM__BINOP(i16x8_ge_s, swasm__i16x8, a >= b)
SWASM__BINOP(i16x8_ge_u, swasm__u16x8, a >= b)
SWASM__BINOP(i32x4_eq, swasm__u32x4, a == b)
SWASM__BINOP(i32x4_ne, swasm__u32x4, a != b)
SWASM__BINOP(i32x4_lt_s, swasm__i32x4, a < b)
SWASM__BINOP(i32x4_lt_u, swasm__u32x4, a < b)
SWASM__BINOP(i32x4_gt_s, swasm__i32x4, a > b)
SWASM__BINOP(i32x4_gt_u, swasm__u32x4, a > b)
SWASM__BINOP(i32x4_le_s, swasm__i32x4, a <= b)
SWASM__BINOP(i32x4_le_u, swasm__u32x4, a <= b)
SWASM__BINOP(i32x4_ge_s, swasm__i32x4, a >= b)
SWASM__BINOP(i32x4_ge_u, swasm__u32x4, a >= b)
SWASM__BINOP(i64x2_eq, swasm__u64x2, a == b)
SWASM__BINOP(i64x2_ne, swasm__u64x2, a != b)
SWASM__BINOP(i64x2_lt_s, swasm__i64x2, a < b)
SWASM__BINOP(i64x2_gt_s, swasm__i64x2, a > b)
SWASM__BINOP(i64x2_le_s, swasm__i64x2, a <= b)
SWASM__BINOP(i64x2_ge_s, swasm__i64x2, a >= b)

// MARK: - Shifts

SWASM__SHIFT(i8x16_shl, swasm__u8x16, uint8_t, <<, 8)
#if defined(SWASM__X86)
// No byte shifts on SSE2: each byte doubled into a word (byte in the high half), psraw by count + 8, packsswb.
SWASM_SIMD void swasm_simd_i8x16_shr_s(uint64_t *r, const uint64_t *pa, uint32_t count) {
    __m128i a = (__m128i)swasm__ld(pa), n = _mm_cvtsi32_si128((int)(count & 7) + 8);
    SWASM__ST(r, _mm_packs_epi16(_mm_sra_epi16(_mm_unpacklo_epi8(a, a), n), _mm_sra_epi16(_mm_unpackhi_epi8(a, a), n)));
}
#else
SWASM__SHIFT(i8x16_shr_s, swasm__i8x16, int8_t, >>, 8)
#endif
SWASM__SHIFT(i8x16_shr_u, swasm__u8x16, uint8_t, >>, 8)
SWASM__SHIFT(i16x8_shl, swasm__u16x8, uint16_t, <<, 16)
SWASM__SHIFT(i16x8_shr_s, swasm__i16x8, int16_t, >>, 16)
SWASM__SHIFT(i16x8_shr_u, swasm__u16x8, uint16_t, >>, 16)
SWASM__SHIFT(i32x4_shl, swasm__u32x4, uint32_t, <<, 32)
SWASM__SHIFT(i32x4_shr_s, swasm__i32x4, int32_t, >>, 32)
SWASM__SHIFT(i32x4_shr_u, swasm__u32x4, uint32_t, >>, 32)
SWASM__SHIFT(i64x2_shl, swasm__u64x2, uint64_t, <<, 64)
SWASM__SHIFT(i64x2_shr_s, swasm__i64x2, int64_t, >>, 64)
SWASM__SHIFT(i64x2_shr_u, swasm__u64x2, uint64_t, >>, 64)

// MARK: - Narrow, extend, extadd_pairwise, extmul, dot

#if defined(SWASM__X86)
SWASM__BINOP(i8x16_narrow_i16x8_s, __m128i, _mm_packs_epi16(a, b))
SWASM__BINOP(i8x16_narrow_i16x8_u, __m128i, _mm_packus_epi16(a, b))
SWASM__BINOP(i16x8_narrow_i32x4_s, __m128i, _mm_packs_epi32(a, b))
#if defined(__SSE4_1__)
SWASM__BINOP(i16x8_narrow_i32x4_u, __m128i, _mm_packus_epi32(a, b))
#else
// No packusdw on SSE2: clear negative lanes, bias by -32768 into packssdw's range, unbias.
SWASM_SIMD __m128i swasm__bias_u16(__m128i x) {
    return _mm_sub_epi32(_mm_andnot_si128(_mm_srai_epi32(x, 31), x), _mm_set1_epi32(32768));
}
SWASM__BINOP(i16x8_narrow_i32x4_u, __m128i,
             _mm_xor_si128(_mm_packs_epi32(swasm__bias_u16(a), swasm__bias_u16(b)), _mm_set1_epi16(INT16_MIN)))
#endif
#else
#define SWASM__NARROW(name, T, H, R, lo, hi) \
    SWASM_SIMD void swasm_simd_##name(uint64_t *r, const uint64_t *pa, const uint64_t *pb) { \
        T a = SWASM__LD(T, pa), b = SWASM__LD(T, pb); \
        T l = (T){0} + (lo), h = (T){0} + (hi); \
        H x = __builtin_convertvector(__builtin_elementwise_min(__builtin_elementwise_max(a, l), h), H); \
        H y = __builtin_convertvector(__builtin_elementwise_min(__builtin_elementwise_max(b, l), h), H); \
        SWASM__ST(r, (R)__builtin_shufflevector(x, y, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)); \
    }
SWASM__NARROW(i8x16_narrow_i16x8_s, swasm__i16x8, swasm__i8x8, swasm__i8x16, INT8_MIN, INT8_MAX)
SWASM__NARROW(i8x16_narrow_i16x8_u, swasm__i16x8, swasm__u8x8, swasm__u8x16, 0, UINT8_MAX)
#undef SWASM__NARROW
#define SWASM__NARROW(name, T, H, R, lo, hi) \
    SWASM_SIMD void swasm_simd_##name(uint64_t *r, const uint64_t *pa, const uint64_t *pb) { \
        T a = SWASM__LD(T, pa), b = SWASM__LD(T, pb); \
        T l = (T){0} + (lo), h = (T){0} + (hi); \
        H x = __builtin_convertvector(__builtin_elementwise_min(__builtin_elementwise_max(a, l), h), H); \
        H y = __builtin_convertvector(__builtin_elementwise_min(__builtin_elementwise_max(b, l), h), H); \
        SWASM__ST(r, (R)__builtin_shufflevector(x, y, 0, 1, 2, 3, 4, 5, 6, 7)); \
    }
SWASM__NARROW(i16x8_narrow_i32x4_s, swasm__i32x4, swasm__i16x4, swasm__i16x8, INT16_MIN, INT16_MAX)
SWASM__NARROW(i16x8_narrow_i32x4_u, swasm__i32x4, swasm__u16x4, swasm__u16x8, 0, UINT16_MAX)
#undef SWASM__NARROW
#endif

#define SWASM__EXTEND8(name, T, W, ...) \
    SWASM__UNOP(name, T, __builtin_convertvector(__builtin_shufflevector(a, a, __VA_ARGS__), W))
SWASM__EXTEND8(i16x8_extend_low_i8x16_s, swasm__i8x16, swasm__i16x8, 0, 1, 2, 3, 4, 5, 6, 7)
SWASM__EXTEND8(i16x8_extend_high_i8x16_s, swasm__i8x16, swasm__i16x8, 8, 9, 10, 11, 12, 13, 14, 15)
SWASM__EXTEND8(i16x8_extend_low_i8x16_u, swasm__u8x16, swasm__u16x8, 0, 1, 2, 3, 4, 5, 6, 7)
SWASM__EXTEND8(i16x8_extend_high_i8x16_u, swasm__u8x16, swasm__u16x8, 8, 9, 10, 11, 12, 13, 14, 15)
SWASM__EXTEND8(i32x4_extend_low_i16x8_s, swasm__i16x8, swasm__i32x4, 0, 1, 2, 3)
SWASM__EXTEND8(i32x4_extend_high_i16x8_s, swasm__i16x8, swasm__i32x4, 4, 5, 6, 7)
SWASM__EXTEND8(i32x4_extend_low_i16x8_u, swasm__u16x8, swasm__u32x4, 0, 1, 2, 3)
SWASM__EXTEND8(i32x4_extend_high_i16x8_u, swasm__u16x8, swasm__u32x4, 4, 5, 6, 7)
SWASM__EXTEND8(i64x2_extend_low_i32x4_s, swasm__i32x4, swasm__i64x2, 0, 1)
SWASM__EXTEND8(i64x2_extend_high_i32x4_s, swasm__i32x4, swasm__i64x2, 2, 3)
SWASM__EXTEND8(i64x2_extend_low_i32x4_u, swasm__u32x4, swasm__u64x2, 0, 1)
SWASM__EXTEND8(i64x2_extend_high_i32x4_u, swasm__u32x4, swasm__u64x2, 2, 3)
#undef SWASM__EXTEND8

// extadd_pairwise: the even lanes (sign- or zero-extended in place) plus the odd lanes (shifted down).
#if defined(SWASM__ARM64)
SWASM__UNOP(i16x8_extadd_pairwise_i8x16_s, int8x16_t, vpaddlq_s8(a))
SWASM__UNOP(i16x8_extadd_pairwise_i8x16_u, uint8x16_t, vpaddlq_u8(a))
SWASM__UNOP(i32x4_extadd_pairwise_i16x8_s, int16x8_t, vpaddlq_s16(a))
SWASM__UNOP(i32x4_extadd_pairwise_i16x8_u, uint16x8_t, vpaddlq_u16(a))
#else
SWASM__UNOP(i16x8_extadd_pairwise_i8x16_s, swasm__i16x8, ((swasm__i16x8)((swasm__u16x8)a << 8) >> 8) + (a >> 8))
SWASM__UNOP(i16x8_extadd_pairwise_i8x16_u, swasm__u16x8, (a & 0xFF) + (a >> 8))
#if defined(SWASM__X86)
SWASM__UNOP(i32x4_extadd_pairwise_i16x8_s, __m128i, _mm_madd_epi16(a, _mm_set1_epi16(1)))
#else
SWASM__UNOP(i32x4_extadd_pairwise_i16x8_s, swasm__i32x4, ((swasm__i32x4)((swasm__u32x4)a << 16) >> 16) + (a >> 16))
#endif
SWASM__UNOP(i32x4_extadd_pairwise_i16x8_u, swasm__u32x4, (a & 0xFFFF) + (a >> 16))
#endif

// extmul: widen the chosen halves, then multiply (the products fit the wide lanes).
#define SWASM__EXTMUL(name, T, W, ...) \
    SWASM__BINOP(name, T, \
                 __builtin_convertvector(__builtin_shufflevector(a, a, __VA_ARGS__), W) \
                     * __builtin_convertvector(__builtin_shufflevector(b, b, __VA_ARGS__), W))
SWASM__EXTMUL(i16x8_extmul_low_i8x16_s, swasm__i8x16, swasm__i16x8, 0, 1, 2, 3, 4, 5, 6, 7)
SWASM__EXTMUL(i16x8_extmul_high_i8x16_s, swasm__i8x16, swasm__i16x8, 8, 9, 10, 11, 12, 13, 14, 15)
SWASM__EXTMUL(i16x8_extmul_low_i8x16_u, swasm__u8x16, swasm__u16x8, 0, 1, 2, 3, 4, 5, 6, 7)
SWASM__EXTMUL(i16x8_extmul_high_i8x16_u, swasm__u8x16, swasm__u16x8, 8, 9, 10, 11, 12, 13, 14, 15)
SWASM__EXTMUL(i32x4_extmul_low_i16x8_s, swasm__i16x8, swasm__i32x4, 0, 1, 2, 3)
SWASM__EXTMUL(i32x4_extmul_high_i16x8_s, swasm__i16x8, swasm__i32x4, 4, 5, 6, 7)
SWASM__EXTMUL(i32x4_extmul_low_i16x8_u, swasm__u16x8, swasm__u32x4, 0, 1, 2, 3)
SWASM__EXTMUL(i32x4_extmul_high_i16x8_u, swasm__u16x8, swasm__u32x4, 4, 5, 6, 7)
#if defined(SWASM__X86)
// SSE2 has no signed 32x32->64 multiply (pmuldq is SSE4.1): two scalar imuls on sign-extended lanes.
#define SWASM__EXTMUL_I64(name, base) \
    SWASM_SIMD void swasm_simd_##name(uint64_t *r, const uint64_t *a, const uint64_t *b) { \
        int32_t x[2], y[2]; \
        __builtin_memcpy(x, (const unsigned char *)a + 4 * base, 8); \
        __builtin_memcpy(y, (const unsigned char *)b + 4 * base, 8); \
        uint64_t lo = (uint64_t)((int64_t)x[0] * y[0]), hi = (uint64_t)((int64_t)x[1] * y[1]); \
        r[0] = lo; \
        r[1] = hi; \
    }
SWASM__EXTMUL_I64(i64x2_extmul_low_i32x4_s, 0)
SWASM__EXTMUL_I64(i64x2_extmul_high_i32x4_s, 2)
#undef SWASM__EXTMUL_I64
#else
SWASM__EXTMUL(i64x2_extmul_low_i32x4_s, swasm__i32x4, swasm__i64x2, 0, 1)
SWASM__EXTMUL(i64x2_extmul_high_i32x4_s, swasm__i32x4, swasm__i64x2, 2, 3)
#endif
SWASM__EXTMUL(i64x2_extmul_low_i32x4_u, swasm__u32x4, swasm__u64x2, 0, 1)
SWASM__EXTMUL(i64x2_extmul_high_i32x4_u, swasm__u32x4, swasm__u64x2, 2, 3)
#undef SWASM__EXTMUL

// i32x4.dot_i16x8_s: pairwise sums of 32-bit products, wrapping (only -32768*-32768*2 wraps, to INT32_MIN).
#if defined(SWASM__X86)
SWASM__BINOP(i32x4_dot_i16x8_s, __m128i, _mm_madd_epi16(a, b))
#elif defined(SWASM__ARM64)
SWASM__BINOP(i32x4_dot_i16x8_s, int16x8_t,
             vpaddq_s32(vmull_s16(vget_low_s16(a), vget_low_s16(b)), vmull_high_s16(a, b)))
#else
SWASM__BINOP(i32x4_dot_i16x8_s, swasm__i16x8,
             (swasm__u32x4)(__builtin_convertvector(__builtin_shufflevector(a, a, 0, 2, 4, 6), swasm__i32x4)
                            * __builtin_convertvector(__builtin_shufflevector(b, b, 0, 2, 4, 6), swasm__i32x4))
                 + (swasm__u32x4)(__builtin_convertvector(__builtin_shufflevector(a, a, 1, 3, 5, 7), swasm__i32x4)
                                  * __builtin_convertvector(__builtin_shufflevector(b, b, 1, 3, 5, 7), swasm__i32x4)))
#endif

// MARK: - Floating-point arithmetic

SWASM__UNOP(f32x4_abs, swasm__u32x4, a & 0x7FFFFFFFu)
SWASM__UNOP(f64x2_abs, swasm__u64x2, a & 0x7FFFFFFFFFFFFFFFull)
SWASM__UNOP(f32x4_neg, swasm__u32x4, a ^ 0x80000000u)
SWASM__UNOP(f64x2_neg, swasm__u64x2, a ^ 0x8000000000000000ull)
SWASM__UNOP(f32x4_sqrt, swasm__f32x4, __builtin_elementwise_sqrt(a))
SWASM__UNOP(f64x2_sqrt, swasm__f64x2, __builtin_elementwise_sqrt(a))
SWASM__BINOP(f32x4_add, swasm__f32x4, a + b)
SWASM__BINOP(f64x2_add, swasm__f64x2, a + b)
SWASM__BINOP(f32x4_sub, swasm__f32x4, a - b)
SWASM__BINOP(f64x2_sub, swasm__f64x2, a - b)
SWASM__BINOP(f32x4_mul, swasm__f32x4, a * b)
SWASM__BINOP(f64x2_mul, swasm__f64x2, a * b)
SWASM__BINOP(f32x4_div, swasm__f32x4, a / b)
SWASM__BINOP(f64x2_div, swasm__f64x2, a / b)

// min/max: NaN if either is NaN, -0 < +0.
#if defined(SWASM__ARM64)
SWASM__BINOP(f32x4_min, float32x4_t, vminq_f32(a, b)) // fmin/fmax: exactly wasm's (quieted NaN operand)
SWASM__BINOP(f64x2_min, float64x2_t, vminq_f64(a, b))
SWASM__BINOP(f32x4_max, float32x4_t, vmaxq_f32(a, b))
SWASM__BINOP(f64x2_max, float64x2_t, vmaxq_f64(a, b))
#elif defined(SWASM__X86)
// minps(x, y) = x < y ? x : y. Both orders, OR-ed: -0 wins over +0, and a NaN operand gives a NaN; max AND-s
// them (+0 wins). NaN lanes (cmpunord) become the canonical NaN 0xFFC00000: all ones with the payload cleared.
SWASM__BINOP(f32x4_min, __m128,
             _mm_andnot_ps(_mm_castsi128_ps(_mm_srli_epi32(_mm_castps_si128(_mm_cmpunord_ps(a, b)), 10)),
                           _mm_or_ps(_mm_or_ps(_mm_min_ps(a, b), _mm_min_ps(b, a)), _mm_cmpunord_ps(a, b))))
SWASM__BINOP(f32x4_max, __m128,
             _mm_andnot_ps(_mm_castsi128_ps(_mm_srli_epi32(_mm_castps_si128(_mm_cmpunord_ps(a, b)), 10)),
                           _mm_or_ps(_mm_and_ps(_mm_max_ps(a, b), _mm_max_ps(b, a)), _mm_cmpunord_ps(a, b))))
SWASM__BINOP(f64x2_min, __m128d,
             _mm_andnot_pd(_mm_castsi128_pd(_mm_srli_epi64(_mm_castpd_si128(_mm_cmpunord_pd(a, b)), 13)),
                           _mm_or_pd(_mm_or_pd(_mm_min_pd(a, b), _mm_min_pd(b, a)), _mm_cmpunord_pd(a, b))))
SWASM__BINOP(f64x2_max, __m128d,
             _mm_andnot_pd(_mm_castsi128_pd(_mm_srli_epi64(_mm_castpd_si128(_mm_cmpunord_pd(a, b)), 13)),
                           _mm_or_pd(_mm_and_pd(_mm_max_pd(a, b), _mm_max_pd(b, a)), _mm_cmpunord_pd(a, b))))
#else
// Where a < b or b < a the answer is clear; equal lanes combine the bits (OR: -0 wins; AND: +0 wins); unordered
// lanes become the canonical NaN.
#define SWASM__FMINMAX(name, F, I, U, lt, comb, qnan) \
    SWASM_SIMD void swasm_simd_##name(uint64_t *r, const uint64_t *pa, const uint64_t *pb) { \
        F a = SWASM__LD(F, pa), b = SWASM__LD(F, pb); \
        I x = (I)(lt), y = (I)(a != a) | (I)(b != b); \
        U v = SWASM__SEL(U, x, a, b); \
        U eq = (U)a comb (U)b; \
        v = SWASM__SEL(U, (I)(a == b), eq, v); \
        SWASM__ST(r, SWASM__SEL(U, y, (U){0} + (qnan), v)); \
    }
SWASM__FMINMAX(f32x4_min, swasm__f32x4, swasm__i32x4, swasm__u32x4, a < b, |, 0x7FC00000u)
SWASM__FMINMAX(f32x4_max, swasm__f32x4, swasm__i32x4, swasm__u32x4, a > b, &, 0x7FC00000u)
SWASM__FMINMAX(f64x2_min, swasm__f64x2, swasm__i64x2, swasm__u64x2, a < b, |, 0x7FF8000000000000ull)
SWASM__FMINMAX(f64x2_max, swasm__f64x2, swasm__i64x2, swasm__u64x2, a > b, &, 0x7FF8000000000000ull)
#undef SWASM__FMINMAX
#endif

// pmin = b < a ? b : a, pmax = a < b ? b : a (plain selects: NaN operands pass through unchanged).
#if defined(SWASM__X86)
SWASM__BINOP(f32x4_pmin, __m128, _mm_min_ps(b, a))
SWASM__BINOP(f32x4_pmax, __m128, _mm_max_ps(b, a))
SWASM__BINOP(f64x2_pmin, __m128d, _mm_min_pd(b, a))
SWASM__BINOP(f64x2_pmax, __m128d, _mm_max_pd(b, a))
#else
SWASM__BINOP(f32x4_pmin, swasm__f32x4, SWASM__SEL(swasm__f32x4, b < a, b, a))
SWASM__BINOP(f32x4_pmax, swasm__f32x4, SWASM__SEL(swasm__f32x4, a < b, b, a))
SWASM__BINOP(f64x2_pmin, swasm__f64x2, SWASM__SEL(swasm__f64x2, b < a, b, a))
SWASM__BINOP(f64x2_pmax, swasm__f64x2, SWASM__SEL(swasm__f64x2, a < b, b, a))
#endif

// MARK: - Floating-point rounding

// ceil, floor, trunc, nearest (ties to even). arm64 (frint*) and SSE4.1 (roundps) have instructions; SSE2 and
// others add and subtract 2^23 (2^52) to |x| < 2^23 (2^52), which rounds it to an integer in the current (nearest)
// mode, then step by one towards the wanted direction and put back the sign of x (ceil(-0.5) = -0). Larger
// values, infinities and zeros are already integers; NaNs are quieted (rounding an sNaN gives a qNaN).
#if defined(SWASM__ARM64) || (defined(SWASM__X86) && defined(__SSE4_1__))
SWASM__UNOP(f32x4_ceil, swasm__f32x4, __builtin_elementwise_ceil(a))
SWASM__UNOP(f32x4_floor, swasm__f32x4, __builtin_elementwise_floor(a))
SWASM__UNOP(f32x4_trunc, swasm__f32x4, __builtin_elementwise_trunc(a))
SWASM__UNOP(f32x4_nearest, swasm__f32x4, __builtin_elementwise_roundeven(a))
SWASM__UNOP(f64x2_ceil, swasm__f64x2, __builtin_elementwise_ceil(a))
SWASM__UNOP(f64x2_floor, swasm__f64x2, __builtin_elementwise_floor(a))
SWASM__UNOP(f64x2_trunc, swasm__f64x2, __builtin_elementwise_trunc(a))
SWASM__UNOP(f64x2_nearest, swasm__f64x2, __builtin_elementwise_roundeven(a))
#else
enum { SWASM__CEIL, SWASM__FLOOR, SWASM__TRUNC, SWASM__NEAREST };
#define SWASM__ROUND(fname, F, I, U, signbit, magic, quiet) \
    SWASM_SIMD F fname(F x, int mode) { \
        U sign = (U)x & (signbit); \
        F ax = (F)((U)x ^ sign); \
        F n = (ax + (magic)) - (magic); /* |x| rounded to nearest, for |x| < magic */ \
        F one = (F){0} + 1; \
        F v; \
        if (mode == SWASM__TRUNC) { \
            v = n - (F)((U)(n > ax) & (U)one); \
        } else { \
            F s = (F)((U)n | sign); \
            if (mode == SWASM__FLOOR) \
                v = s - (F)((U)(s > x) & (U)one); \
            else if (mode == SWASM__CEIL) \
                v = s + (F)((U)(s < x) & (U)one); \
            else \
                v = s; \
        } \
        v = (F)((U)v | sign); \
        U out = SWASM__SEL(U, (I)(ax < (magic)), v, x); \
        return (F)(out | ((U)(I)(x != x) & (quiet))); \
    }
SWASM__ROUND(swasm__round_f32, swasm__f32x4, swasm__i32x4, swasm__u32x4, 0x80000000u, 0x1p23f, 0x00400000u)
SWASM__ROUND(swasm__round_f64, swasm__f64x2, swasm__i64x2, swasm__u64x2, 0x8000000000000000ull, 0x1p52,
             0x0008000000000000ull)
#undef SWASM__ROUND
SWASM__UNOP(f32x4_ceil, swasm__f32x4, swasm__round_f32(a, SWASM__CEIL))
SWASM__UNOP(f32x4_floor, swasm__f32x4, swasm__round_f32(a, SWASM__FLOOR))
SWASM__UNOP(f32x4_trunc, swasm__f32x4, swasm__round_f32(a, SWASM__TRUNC))
SWASM__UNOP(f32x4_nearest, swasm__f32x4, swasm__round_f32(a, SWASM__NEAREST))
SWASM__UNOP(f64x2_ceil, swasm__f64x2, swasm__round_f64(a, SWASM__CEIL))
SWASM__UNOP(f64x2_floor, swasm__f64x2, swasm__round_f64(a, SWASM__FLOOR))
SWASM__UNOP(f64x2_trunc, swasm__f64x2, swasm__round_f64(a, SWASM__TRUNC))
SWASM__UNOP(f64x2_nearest, swasm__f64x2, swasm__round_f64(a, SWASM__NEAREST))
#endif

// MARK: - Floating-point comparisons (ne is true for NaN operands, the others false)

SWASM__BINOP(f32x4_eq, swasm__f32x4, a == b)
SWASM__BINOP(f32x4_ne, swasm__f32x4, a != b)
SWASM__BINOP(f32x4_lt, swasm__f32x4, a < b)
SWASM__BINOP(f32x4_gt, swasm__f32x4, a > b)
SWASM__BINOP(f32x4_le, swasm__f32x4, a <= b)
SWASM__BINOP(f32x4_ge, swasm__f32x4, a >= b)
SWASM__BINOP(f64x2_eq, swasm__f64x2, a == b)
SWASM__BINOP(f64x2_ne, swasm__f64x2, a != b)
SWASM__BINOP(f64x2_lt, swasm__f64x2, a < b)
SWASM__BINOP(f64x2_gt, swasm__f64x2, a > b)
SWASM__BINOP(f64x2_le, swasm__f64x2, a <= b)
SWASM__BINOP(f64x2_ge, swasm__f64x2, a >= b)

// MARK: - Conversions

SWASM__UNOP(f32x4_convert_i32x4_s, swasm__i32x4, __builtin_convertvector(a, swasm__f32x4))
SWASM__UNOP(f32x4_convert_i32x4_u, swasm__u32x4, __builtin_convertvector(a, swasm__f32x4))
SWASM__UNOP(f64x2_convert_low_i32x4_s, swasm__i32x4,
            __builtin_convertvector(__builtin_shufflevector(a, a, 0, 1), swasm__f64x2))
SWASM__UNOP(f64x2_convert_low_i32x4_u, swasm__u32x4,
            __builtin_convertvector(__builtin_shufflevector(a, a, 0, 1), swasm__f64x2))
SWASM__UNOP(f64x2_promote_low_f32x4, swasm__f32x4,
            __builtin_convertvector(__builtin_shufflevector(a, a, 0, 1), swasm__f64x2))
SWASM__UNOP(f32x4_demote_f64x2_zero, swasm__f64x2,
            __builtin_shufflevector(__builtin_convertvector(a, swasm__f32x2), (swasm__f32x2){0}, 0, 1, 2, 3))

// trunc_sat: NaN -> 0, out of range -> the nearest bound.
#if defined(SWASM__ARM64)
SWASM__UNOP(i32x4_trunc_sat_f32x4_s, float32x4_t, vcvtq_s32_f32(a)) // fcvtzs/fcvtzu saturate, NaN -> 0
SWASM__UNOP(i32x4_trunc_sat_f32x4_u, float32x4_t, vcvtq_u32_f32(a))
SWASM__UNOP(i32x4_trunc_sat_f64x2_s_zero, float64x2_t, vcombine_s32(vqmovn_s64(vcvtq_s64_f64(a)), vdup_n_s32(0)))
SWASM__UNOP(i32x4_trunc_sat_f64x2_u_zero, float64x2_t, vcombine_u32(vqmovn_u64(vcvtq_u64_f64(a)), vdup_n_u32(0)))
#elif defined(SWASM__X86)
// cvttps2dq/cvttpd2dq give INT32_MIN for NaN and out-of-range lanes.
SWASM_SIMD __m128i swasm__trunc_sat_f32_s(__m128 x) {
    __m128 x0 = _mm_and_ps(x, _mm_cmpord_ps(x, x)); // NaN -> 0
    __m128i over = _mm_castps_si128(_mm_cmple_ps(_mm_set1_ps(0x1p31f), x0));
    return _mm_xor_si128(_mm_cvttps_epi32(x0), over); // >= 2^31: INT32_MIN ^ -1 = INT32_MAX
}
// Lanes >= 2^31 convert x - 2^31 and add it to INT32_MIN (0x80000000 from the plain conversion); >= 2^32 get
// 0x7FFFFFFF (flipped from the INT32_MIN overflow) added instead.
SWASM_SIMD __m128i swasm__trunc_sat_f32_u(__m128 x) {
    __m128 x0 = _mm_max_ps(x, _mm_setzero_ps()); // maxps: NaN (first operand) -> 0, negative -> 0
    __m128i big = _mm_castps_si128(_mm_cmple_ps(_mm_set1_ps(0x1p31f), x0));
    __m128i t = _mm_cvttps_epi32(_mm_sub_ps(x0, _mm_set1_ps(0x1p31f)));
    t = _mm_xor_si128(t, _mm_srai_epi32(t, 31));
    return _mm_add_epi32(_mm_cvttps_epi32(x0), _mm_and_si128(t, big));
}
SWASM_SIMD __m128i swasm__trunc_sat_f64_s(__m128d x) {
    __m128d x0 = _mm_and_pd(x, _mm_cmpord_pd(x, x)); // NaN -> 0
    return _mm_cvttpd_epi32(_mm_min_pd(x0, _mm_set1_pd(2147483647.0))); // below -2^31: INT32_MIN already
}
// Clamped to [0, 2^32-1]; lanes >= 2^31 convert x - 2^31 and get bit 31 set.
SWASM_SIMD __m128i swasm__trunc_f64_u_biased(__m128d x0) {
    __m128d big = _mm_cmple_pd(_mm_set1_pd(0x1p31), x0);
    __m128i t = _mm_cvttpd_epi32(_mm_sub_pd(x0, _mm_and_pd(big, _mm_set1_pd(0x1p31))));
    __m128i hi = _mm_and_si128(_mm_shuffle_epi32(_mm_castpd_si128(big), _MM_SHUFFLE(3, 3, 2, 0)),
                               _mm_set_epi32(0, 0, INT32_MIN, INT32_MIN));
    return _mm_xor_si128(t, hi);
}
SWASM_SIMD __m128i swasm__trunc_sat_f64_u(__m128d x) {
    __m128d x0 = _mm_min_pd(_mm_max_pd(x, _mm_setzero_pd()), _mm_set1_pd(4294967295.0)); // NaN -> 0
    return swasm__trunc_f64_u_biased(x0);
}
SWASM__UNOP(i32x4_trunc_sat_f32x4_s, __m128, swasm__trunc_sat_f32_s(a))
SWASM__UNOP(i32x4_trunc_sat_f32x4_u, __m128, swasm__trunc_sat_f32_u(a))
SWASM__UNOP(i32x4_trunc_sat_f64x2_s_zero, __m128d, swasm__trunc_sat_f64_s(a))
SWASM__UNOP(i32x4_trunc_sat_f64x2_u_zero, __m128d, swasm__trunc_sat_f64_u(a))
#else
// Clamp into range (NaN -> 0) so that the conversion is defined, then patch the saturated lanes.
SWASM_SIMD swasm__i32x4 swasm__trunc_sat_f32_s(swasm__f32x4 x) {
    swasm__f32x4 x0 = SWASM__SEL(swasm__f32x4, x == x, x, (swasm__f32x4){0});
    swasm__i32x4 hi = x0 >= 0x1p31f, lo = x0 < -0x1p31f;
    swasm__i32x4 v = __builtin_convertvector(SWASM__SEL(swasm__f32x4, hi | lo, (swasm__f32x4){0}, x0), swasm__i32x4);
    v = SWASM__SEL(swasm__i32x4, lo, (swasm__i32x4){0} + INT32_MIN, v);
    return SWASM__SEL(swasm__i32x4, hi, (swasm__i32x4){0} + INT32_MAX, v);
}
SWASM_SIMD swasm__u32x4 swasm__trunc_sat_f32_u(swasm__f32x4 x) {
    swasm__f32x4 x0 = SWASM__SEL(swasm__f32x4, x > 0, x, (swasm__f32x4){0}); // NaN, negative -> 0
    swasm__i32x4 hi = x0 >= 0x1p32f;
    swasm__u32x4 v = __builtin_convertvector(SWASM__SEL(swasm__f32x4, hi, (swasm__f32x4){0}, x0), swasm__u32x4);
    return v | (swasm__u32x4)hi; // >= 2^32: UINT32_MAX
}
SWASM_SIMD swasm__i32x4 swasm__trunc_sat_f64_s(swasm__f64x2 x) {
    swasm__f64x2 x0 = SWASM__SEL(swasm__f64x2, x == x, x, (swasm__f64x2){0});
    x0 = SWASM__SEL(swasm__f64x2, x0 < -0x1p31, (swasm__f64x2){0} - 0x1p31, x0);
    x0 = SWASM__SEL(swasm__f64x2, x0 > 2147483647.0, (swasm__f64x2){0} + 2147483647.0, x0);
    return __builtin_shufflevector(__builtin_convertvector(x0, swasm__i32x2), (swasm__i32x2){0}, 0, 1, 2, 3);
}
SWASM_SIMD swasm__u32x4 swasm__trunc_sat_f64_u(swasm__f64x2 x) {
    swasm__f64x2 x0 = SWASM__SEL(swasm__f64x2, x > 0, x, (swasm__f64x2){0});
    x0 = SWASM__SEL(swasm__f64x2, x0 > 4294967295.0, (swasm__f64x2){0} + 4294967295.0, x0);
    return __builtin_shufflevector(__builtin_convertvector(x0, swasm__u32x2), (swasm__u32x2){0}, 0, 1, 2, 3);
}
SWASM__UNOP(i32x4_trunc_sat_f32x4_s, swasm__f32x4, swasm__trunc_sat_f32_s(a))
SWASM__UNOP(i32x4_trunc_sat_f32x4_u, swasm__f32x4, swasm__trunc_sat_f32_u(a))
SWASM__UNOP(i32x4_trunc_sat_f64x2_s_zero, swasm__f64x2, swasm__trunc_sat_f64_s(a))
SWASM__UNOP(i32x4_trunc_sat_f64x2_u_zero, swasm__f64x2, swasm__trunc_sat_f64_u(a))
#endif

// MARK: - Relaxed SIMD (choices: see the top of the file)

// relaxed_trunc
SWASM_SIMD void swasm_simd_i32x4_relaxed_trunc_f32x4_s_deterministic(uint64_t *r, const uint64_t *a) {
    swasm_simd_i32x4_trunc_sat_f32x4_s(r, a);
}
SWASM_SIMD void swasm_simd_i32x4_relaxed_trunc_f32x4_u_deterministic(uint64_t *r, const uint64_t *a) {
    swasm_simd_i32x4_trunc_sat_f32x4_u(r, a);
}
SWASM_SIMD void swasm_simd_i32x4_relaxed_trunc_f64x2_s_zero_deterministic(uint64_t *r, const uint64_t *a) {
    swasm_simd_i32x4_trunc_sat_f64x2_s_zero(r, a);
}
SWASM_SIMD void swasm_simd_i32x4_relaxed_trunc_f64x2_u_zero_deterministic(uint64_t *r, const uint64_t *a) {
    swasm_simd_i32x4_trunc_sat_f64x2_u_zero(r, a);
}
#if defined(SWASM__X86)
SWASM__UNOP(i32x4_relaxed_trunc_f32x4_s, __m128, _mm_cvttps_epi32(a))
// Exact for 0 <= x < 2^32: lanes >= 2^31 convert x - 2^31 and get bit 31 set.
SWASM_SIMD __m128i swasm__relaxed_trunc_f32_u(__m128 x) {
    __m128 big = _mm_cmple_ps(_mm_set1_ps(0x1p31f), x);
    __m128i t = _mm_cvttps_epi32(_mm_sub_ps(x, _mm_and_ps(big, _mm_set1_ps(0x1p31f))));
    return _mm_xor_si128(t, _mm_slli_epi32(_mm_castps_si128(big), 31));
}
SWASM__UNOP(i32x4_relaxed_trunc_f32x4_u, __m128, swasm__relaxed_trunc_f32_u(a))
SWASM__UNOP(i32x4_relaxed_trunc_f64x2_s_zero, __m128d, _mm_cvttpd_epi32(a))
SWASM__UNOP(i32x4_relaxed_trunc_f64x2_u_zero, __m128d, swasm__trunc_f64_u_biased(a))
#else
SWASM_SIMD void swasm_simd_i32x4_relaxed_trunc_f32x4_s(uint64_t *r, const uint64_t *a) {
    swasm_simd_i32x4_trunc_sat_f32x4_s(r, a);
}
SWASM_SIMD void swasm_simd_i32x4_relaxed_trunc_f32x4_u(uint64_t *r, const uint64_t *a) {
    swasm_simd_i32x4_trunc_sat_f32x4_u(r, a);
}
SWASM_SIMD void swasm_simd_i32x4_relaxed_trunc_f64x2_s_zero(uint64_t *r, const uint64_t *a) {
    swasm_simd_i32x4_trunc_sat_f64x2_s_zero(r, a);
}
SWASM_SIMD void swasm_simd_i32x4_relaxed_trunc_f64x2_u_zero(uint64_t *r, const uint64_t *a) {
    swasm_simd_i32x4_trunc_sat_f64x2_u_zero(r, a);
}
#endif

// relaxed_madd, relaxed_nmadd: the deterministic profile rounds the product, then the sum (no contraction).
#define SWASM__MADD(name, F, neg) \
    SWASM_SIMD void swasm_simd_##name##_deterministic(uint64_t *r, const uint64_t *pa, const uint64_t *pb, \
                                                       const uint64_t *pc) { \
        _Pragma("clang fp contract(off)") F a = SWASM__LD(F, pa), b = SWASM__LD(F, pb), c = SWASM__LD(F, pc); \
        F p = (neg a) * b; \
        SWASM__ST(r, p + c); \
    }
SWASM__MADD(f32x4_relaxed_madd, swasm__f32x4, +)
SWASM__MADD(f32x4_relaxed_nmadd, swasm__f32x4, -)
SWASM__MADD(f64x2_relaxed_madd, swasm__f64x2, +)
SWASM__MADD(f64x2_relaxed_nmadd, swasm__f64x2, -)
#undef SWASM__MADD
#if defined(SWASM__ARM64) || (defined(SWASM__X86) && defined(__FMA__))
#define SWASM__MADD(name, F, neg) \
    SWASM_SIMD void swasm_simd_##name(uint64_t *r, const uint64_t *pa, const uint64_t *pb, const uint64_t *pc) { \
        F a = SWASM__LD(F, pa), b = SWASM__LD(F, pb), c = SWASM__LD(F, pc); \
        SWASM__ST(r, __builtin_elementwise_fma(neg a, b, c)); \
    }
SWASM__MADD(f32x4_relaxed_madd, swasm__f32x4, +)
SWASM__MADD(f32x4_relaxed_nmadd, swasm__f32x4, -)
SWASM__MADD(f64x2_relaxed_madd, swasm__f64x2, +)
SWASM__MADD(f64x2_relaxed_nmadd, swasm__f64x2, -)
#undef SWASM__MADD
#else
#define SWASM__MADD(name) \
    SWASM_SIMD void swasm_simd_##name(uint64_t *r, const uint64_t *a, const uint64_t *b, const uint64_t *c) { \
        swasm_simd_##name##_deterministic(r, a, b, c); \
    }
SWASM__MADD(f32x4_relaxed_madd)
SWASM__MADD(f32x4_relaxed_nmadd)
SWASM__MADD(f64x2_relaxed_madd)
SWASM__MADD(f64x2_relaxed_nmadd)
#undef SWASM__MADD
#endif

// relaxed_laneselect: the deterministic profile is bitselect.
#define SWASM__LANESELECT_DET(name) \
    SWASM_SIMD void swasm_simd_##name##_deterministic(uint64_t *r, const uint64_t *a, const uint64_t *b, \
                                                       const uint64_t *c) { \
        swasm_simd_v128_bitselect(r, a, b, c); \
    }
SWASM__LANESELECT_DET(i8x16_relaxed_laneselect)
SWASM__LANESELECT_DET(i16x8_relaxed_laneselect)
SWASM__LANESELECT_DET(i32x4_relaxed_laneselect)
SWASM__LANESELECT_DET(i64x2_relaxed_laneselect)
#undef SWASM__LANESELECT_DET
#if defined(SWASM__X86) && defined(__SSE4_1__)
#define SWASM__BLENDV(name, T, blend) \
    SWASM_SIMD void swasm_simd_##name(uint64_t *r, const uint64_t *pa, const uint64_t *pb, const uint64_t *pc) { \
        T a = SWASM__LD(T, pa), b = SWASM__LD(T, pb), c = SWASM__LD(T, pc); \
        SWASM__ST(r, blend(b, a, c)); \
    }
SWASM__BLENDV(i8x16_relaxed_laneselect, __m128i, _mm_blendv_epi8)
SWASM__BLENDV(i32x4_relaxed_laneselect, __m128, _mm_blendv_ps)
SWASM__BLENDV(i64x2_relaxed_laneselect, __m128d, _mm_blendv_pd)
#undef SWASM__BLENDV
#else
SWASM_SIMD void swasm_simd_i8x16_relaxed_laneselect(uint64_t *r, const uint64_t *a, const uint64_t *b,
                                                   const uint64_t *c) {
    swasm_simd_v128_bitselect(r, a, b, c);
}
SWASM_SIMD void swasm_simd_i32x4_relaxed_laneselect(uint64_t *r, const uint64_t *a, const uint64_t *b,
                                                   const uint64_t *c) {
    swasm_simd_v128_bitselect(r, a, b, c);
}
SWASM_SIMD void swasm_simd_i64x2_relaxed_laneselect(uint64_t *r, const uint64_t *a, const uint64_t *b,
                                                   const uint64_t *c) {
    swasm_simd_v128_bitselect(r, a, b, c);
}
#endif
SWASM_SIMD void swasm_simd_i16x8_relaxed_laneselect(uint64_t *r, const uint64_t *a, const uint64_t *b,
                                                   const uint64_t *c) {
    swasm_simd_v128_bitselect(r, a, b, c);
}

// relaxed_min, relaxed_max: the deterministic profile is min/max.
#define SWASM__RELAXED_MINMAX(name, op) \
    SWASM_SIMD void swasm_simd_##name##_deterministic(uint64_t *r, const uint64_t *a, const uint64_t *b) { \
        swasm_simd_##op(r, a, b); \
    }
SWASM__RELAXED_MINMAX(f32x4_relaxed_min, f32x4_min)
SWASM__RELAXED_MINMAX(f32x4_relaxed_max, f32x4_max)
SWASM__RELAXED_MINMAX(f64x2_relaxed_min, f64x2_min)
SWASM__RELAXED_MINMAX(f64x2_relaxed_max, f64x2_max)
#undef SWASM__RELAXED_MINMAX
#if defined(SWASM__X86)
SWASM__BINOP(f32x4_relaxed_min, __m128, _mm_min_ps(a, b))
SWASM__BINOP(f32x4_relaxed_max, __m128, _mm_max_ps(a, b))
SWASM__BINOP(f64x2_relaxed_min, __m128d, _mm_min_pd(a, b))
SWASM__BINOP(f64x2_relaxed_max, __m128d, _mm_max_pd(a, b))
#else
#define SWASM__RELAXED_MINMAX(name, op) \
    SWASM_SIMD void swasm_simd_##name(uint64_t *r, const uint64_t *a, const uint64_t *b) { swasm_simd_##op(r, a, b); }
SWASM__RELAXED_MINMAX(f32x4_relaxed_min, f32x4_min)
SWASM__RELAXED_MINMAX(f32x4_relaxed_max, f32x4_max)
SWASM__RELAXED_MINMAX(f64x2_relaxed_min, f64x2_min)
SWASM__RELAXED_MINMAX(f64x2_relaxed_max, f64x2_max)
#undef SWASM__RELAXED_MINMAX
#endif

// relaxed_q15mulr_s: the deterministic profile is q15mulr_sat_s.
SWASM_SIMD void swasm_simd_i16x8_relaxed_q15mulr_s_deterministic(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    swasm_simd_i16x8_q15mulr_sat_s(r, a, b);
}
#if defined(SWASM__X86)
SWASM__BINOP(i16x8_relaxed_q15mulr_s, __m128i, swasm__q15mulr_wrap(a, b))
#else
SWASM_SIMD void swasm_simd_i16x8_relaxed_q15mulr_s(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    swasm_simd_i16x8_q15mulr_sat_s(r, a, b);
}
#endif

// relaxed_dot_i8x16_i7x16_s: 16-bit products of a (signed) and b (signed in the deterministic profile), summed in
// pairs with signed saturation. relaxed_dot_i8x16_i7x16_add_s: those sums, summed in pairs to 32 bits, plus c.
#if defined(SWASM__ARM64)
SWASM_SIMD int16x8_t swasm__dot_i8_det(int8x16_t a, int8x16_t b) {
    int16x8_t lo = vmull_s8(vget_low_s8(a), vget_low_s8(b)), hi = vmull_high_s8(a, b);
    return vqaddq_s16(vuzp1q_s16(lo, hi), vuzp2q_s16(lo, hi));
}
SWASM_SIMD swasm__i16x8 swasm__dot_i8_fast(swasm__i8x16 a, swasm__i8x16 b) {
    return (swasm__i16x8)swasm__dot_i8_det((int8x16_t)a, (int8x16_t)b);
}
SWASM_SIMD swasm__i32x4 swasm__dot_add(swasm__i16x8 d, swasm__i32x4 c) {
    return (swasm__i32x4)vpadalq_s16((int32x4_t)c, (int16x8_t)d); // wrapping: c + pairwise sums
}
#else
// Even bytes sign-extended in place (shift up, arithmetic shift down), odd bytes shifted down.
SWASM_SIMD swasm__i16x8 swasm__dot_i8_det(swasm__i8x16 a8, swasm__i8x16 b8) {
    swasm__i16x8 a = (swasm__i16x8)a8, b = (swasm__i16x8)b8;
    swasm__i16x8 ae = (swasm__i16x8)((swasm__u16x8)a << 8) >> 8, be = (swasm__i16x8)((swasm__u16x8)b << 8) >> 8;
    swasm__u16x8 pe = (swasm__u16x8)ae * (swasm__u16x8)be, po = (swasm__u16x8)(a >> 8) * (swasm__u16x8)(b >> 8);
    return __builtin_elementwise_add_sat((swasm__i16x8)pe, (swasm__i16x8)po);
}
SWASM_SIMD swasm__i16x8 swasm__dot_i8_fast(swasm__i8x16 a, swasm__i8x16 b) {
#if defined(SWASM__X86) && defined(__SSSE3__)
    return (swasm__i16x8)_mm_maddubs_epi16((__m128i)b, (__m128i)a); // b unsigned, a signed
#else
    return swasm__dot_i8_det(a, b);
#endif
}
SWASM_SIMD swasm__i32x4 swasm__dot_add(swasm__i16x8 d, swasm__i32x4 c) {
#if defined(SWASM__X86)
    swasm__i32x4 s = (swasm__i32x4)_mm_madd_epi16((__m128i)d, _mm_set1_epi16(1));
#else
    swasm__i32x4 s = ((swasm__i32x4)((swasm__u32x4)d << 16) >> 16) + ((swasm__i32x4)d >> 16);
#endif
    return (swasm__i32x4)((swasm__u32x4)s + (swasm__u32x4)c);
}
#endif
SWASM_SIMD void swasm_simd_i16x8_relaxed_dot_i8x16_i7x16_s_deterministic(uint64_t *r, const uint64_t *a,
                                                                          const uint64_t *b) {
    SWASM__ST(r, swasm__dot_i8_det(SWASM__LD(swasm__i8x16, a), SWASM__LD(swasm__i8x16, b)));
}
SWASM_SIMD void swasm_simd_i16x8_relaxed_dot_i8x16_i7x16_s(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    SWASM__ST(r, swasm__dot_i8_fast(SWASM__LD(swasm__i8x16, a), SWASM__LD(swasm__i8x16, b)));
}
SWASM_SIMD void swasm_simd_i32x4_relaxed_dot_i8x16_i7x16_add_s_deterministic(uint64_t *r, const uint64_t *a,
                                                                            const uint64_t *b, const uint64_t *c) {
    swasm__i16x8 d = (swasm__i16x8)swasm__dot_i8_det(SWASM__LD(swasm__i8x16, a), SWASM__LD(swasm__i8x16, b));
    SWASM__ST(r, swasm__dot_add(d, SWASM__LD(swasm__i32x4, c)));
}
SWASM_SIMD void swasm_simd_i32x4_relaxed_dot_i8x16_i7x16_add_s(uint64_t *r, const uint64_t *a, const uint64_t *b,
                                                              const uint64_t *c) {
    swasm__i16x8 d = swasm__dot_i8_fast(SWASM__LD(swasm__i8x16, a), SWASM__LD(swasm__i8x16, b));
    SWASM__ST(r, swasm__dot_add(d, SWASM__LD(swasm__i32x4, c)));
}

#undef SWASM__UNOP
#undef SWASM__BINOP
#undef SWASM__SHIFT
#undef SWASM__LOAD_EXTEND
#undef SWASM__LOAD_LANE
#undef SWASM__STORE_LANE
#undef SWASM__EXTRACT
#undef SWASM__REPLACE
#undef SWASM__SPLAT_CELL
#undef SWASM__SEL
#undef SWASM__LD
#undef SWASM__ST
#undef SWASM_SIMD
#undef SWASM__X86
#undef SWASM__ARM64
#if defined(__ALTIVEC__)
#pragma clang diagnostic pop
#endif

#endif // SWASM_SIMD_SEMANTICS_H
