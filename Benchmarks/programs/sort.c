// Sorting: quicksort (median of three, insertion sort for small ranges) and heapsort of arrays
// filled by a PRNG, plus a merge sort of 64-bit keys. Measures data-dependent branches,
// i32/i64 loads/stores with computed addresses and recursion.
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

#ifndef LEN
#define LEN 600000
#endif

static uint64_t rng = 0x853c49e6748fea9bull;
static uint32_t next_u32(void) {  // PCG-style output function over a 64-bit LCG
    uint64_t old = rng;
    rng = old * 6364136223846793005ull + 1442695040888963407ull;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
}

static void insertion(int32_t *a, int lo, int hi) {
    for (int i = lo + 1; i <= hi; i++) {
        int32_t v = a[i];
        int j = i - 1;
        while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static void quicksort(int32_t *a, int lo, int hi) {
    while (hi - lo > 16) {
        int mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) { int32_t t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
        if (a[hi] < a[lo]) { int32_t t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
        if (a[hi] < a[mid]) { int32_t t = a[hi]; a[hi] = a[mid]; a[mid] = t; }
        int32_t pivot = a[mid];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) { int32_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
        }
        if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
        else { quicksort(a, i, hi); hi = j; }
    }
    insertion(a, lo, hi);
}

static void sift_down(uint32_t *a, int start, int end) {
    int root = start;
    while (2 * root + 1 <= end) {
        int child = 2 * root + 1;
        if (child + 1 <= end && a[child] < a[child + 1]) child++;
        if (a[root] < a[child]) { uint32_t t = a[root]; a[root] = a[child]; a[child] = t; root = child; }
        else return;
    }
}

static void heapsort(uint32_t *a, int n) {
    for (int start = (n - 2) / 2; start >= 0; start--) sift_down(a, start, n - 1);
    for (int end = n - 1; end > 0; end--) {
        uint32_t t = a[end]; a[end] = a[0]; a[0] = t;
        sift_down(a, 0, end - 1);
    }
}

static void merge_sort(uint64_t *a, uint64_t *tmp, int n) {
    for (int width = 1; width < n; width *= 2) {
        for (int lo = 0; lo < n; lo += 2 * width) {
            int mid = lo + width < n ? lo + width : n;
            int hi = lo + 2 * width < n ? lo + 2 * width : n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
            while (i < mid) tmp[k++] = a[i++];
            while (j < hi) tmp[k++] = a[j++];
        }
        uint64_t *t = a; a = tmp; tmp = t;
        for (int i = 0; i < n; i++) tmp[i] = a[i];  // keep result in both buffers
    }
}

int main(void) {
    int32_t *q = malloc(LEN * sizeof *q);
    uint32_t *h = malloc(LEN * sizeof *h);
    uint64_t *m = malloc(LEN * sizeof *m), *tmp = malloc(LEN * sizeof *tmp);
    for (int i = 0; i < LEN; i++) q[i] = (int32_t)next_u32();
    for (int i = 0; i < LEN; i++) h[i] = next_u32() % 100000u;
    for (int i = 0; i < LEN; i++) m[i] = (uint64_t)next_u32() << 32 | next_u32();
    quicksort(q, 0, LEN - 1);
    heapsort(h, LEN);
    merge_sort(m, tmp, LEN);
    int ok = 1;
    uint64_t ck = 0;
    for (int i = 0; i < LEN; i++) {
        if (i && (q[i - 1] > q[i] || h[i - 1] > h[i] || m[i - 1] > m[i])) ok = 0;
        ck = ck * 1000003u + (uint32_t)q[i] + h[i] * 7u + (m[i] >> 17);
    }
    printf("sorted = %s, min = %d, max = %d, median = %u\n", ok ? "yes" : "no", q[0], q[LEN - 1], h[LEN / 2]);
    printf("checksum: %llu\n", (unsigned long long)ck);
    free(q); free(h); free(m); free(tmp);
    return 0;
}
