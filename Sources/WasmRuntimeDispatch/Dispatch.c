// The handlers live in include/WasmRuntimeDispatch.h as static inline functions: Swift compiles them
// into the WasmRuntime module, where the instruction bodies written in Swift are inlined into them.
// This file defines what must exist once: the SSSE3 byte permutations that x86-64 handlers, compiled for the
// baseline CPU, call where the CPU has SSSE3 (SIMDSemantics.h, SWASM__RUNTIME_SSSE3).
#include "SIMDSemantics.h"

#if defined(SWASM__RUNTIME_SSSE3)
#include <cpuid.h>
#include <tmmintrin.h>

int swasm_cpu_has_ssse3;

__attribute__((constructor)) static void swasm_detect_ssse3(void) {
    unsigned a, b, c, d;
    swasm_cpu_has_ssse3 = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 9));
}

static inline __attribute__((always_inline, target("ssse3"))) __m128i swasm_load(const uint64_t *p) {
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

__attribute__((preserve_all, target("ssse3"))) void swasm_simd_i8x16_shuffle_ssse3(uint64_t *r, const uint64_t *a,
                                                                                  const uint64_t *b, const uint64_t *lanes) {
    // Indices 16-31 get bit 7 set in the first lookup (pshufb gives 0), indices 0-15 wrap to >= 0xF0 in the second.
    __m128i i = _mm_and_si128(swasm_load(lanes), _mm_set1_epi8(31));
    __m128i x = _mm_shuffle_epi8(swasm_load(a), _mm_adds_epu8(i, _mm_set1_epi8(0x70)));
    __m128i y = _mm_shuffle_epi8(swasm_load(b), _mm_sub_epi8(i, _mm_set1_epi8(16)));
    _mm_storeu_si128((__m128i *)(void *)r, _mm_or_si128(x, y));
}

__attribute__((preserve_all, target("ssse3"))) void swasm_simd_i8x16_swizzle_ssse3(uint64_t *r, const uint64_t *a,
                                                                                  const uint64_t *b) {
    // Indices >= 16 saturate to >= 0x80: pshufb gives 0, as swizzle must.
    __m128i v = _mm_shuffle_epi8(swasm_load(a), _mm_adds_epu8(swasm_load(b), _mm_set1_epi8(0x70)));
    _mm_storeu_si128((__m128i *)(void *)r, v);
}

__attribute__((preserve_all, target("ssse3"))) void swasm_simd_i8x16_relaxed_swizzle_ssse3(uint64_t *r, const uint64_t *a,
                                                                                          const uint64_t *b) {
    _mm_storeu_si128((__m128i *)(void *)r, _mm_shuffle_epi8(swasm_load(a), swasm_load(b)));
}
#else
typedef int swasm_dispatch_translation_unit_is_not_empty;
#endif
