// Mandelbrot set in f64: escape-time iteration over a grid, packing the bitmap into bytes as the
// classic benchmark does, plus a per-row iteration histogram. Measures f64 multiply/add/compare
// in a tight loop with a data-dependent exit.
#include <stdio.h>
#include <stdint.h>

#ifndef SIZE
#define SIZE 1800
#endif
#define MAX_ITER 50

int main(void) {
    uint32_t bits_hash = 2166136261u;
    uint64_t iter_total = 0;
    int inside = 0;
    for (int y = 0; y < SIZE; y++) {
        double ci = 2.0 * y / SIZE - 1.0;
        uint8_t byte = 0;
        for (int x = 0; x < SIZE; x++) {
            double cr = 2.0 * x / SIZE - 1.5;
            double zr = 0, zi = 0, tr = 0, ti = 0;
            int i = 0;
            while (i < MAX_ITER && tr + ti <= 4.0) {
                zi = 2.0 * zr * zi + ci;
                zr = tr - ti + cr;
                tr = zr * zr;
                ti = zi * zi;
                i++;
            }
            iter_total += (uint64_t)i;
            byte = (uint8_t)(byte << 1 | (tr + ti <= 4.0));
            if (tr + ti <= 4.0) inside++;
            if ((x & 7) == 7 || x == SIZE - 1) {
                if ((x & 7) != 7) byte = (uint8_t)(byte << (7 - (x & 7)));
                bits_hash = (bits_hash ^ byte) * 16777619u;
                byte = 0;
            }
        }
    }
    printf("size %d, inside %d, iterations %llu, bitmap fnv %08x\n", SIZE, inside, (unsigned long long)iter_total,
           bits_hash);
    printf("checksum: %llu\n", (unsigned long long)iter_total * 31 + bits_hash + (uint64_t)inside);
    return 0;
}
