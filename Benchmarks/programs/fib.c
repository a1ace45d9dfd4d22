// Recursive calls: naive Fibonacci and Ackermann. Measures call/return overhead,
// argument passing and the call stack of the interpreter.
#include <stdio.h>
#include <stdint.h>

#ifndef FIB_N
#define FIB_N 38
#endif
#ifndef ACK_N
#define ACK_N 7
#endif

__attribute__((noinline)) static uint32_t fib(uint32_t n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) static uint32_t ack(uint32_t m, uint32_t n) {
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

// Mutual recursion with a few extra parameters, so that calls carry more than one value.
__attribute__((noinline)) static uint64_t odd_walk(uint32_t n, uint64_t acc, uint32_t salt);
__attribute__((noinline)) static uint64_t even_walk(uint32_t n, uint64_t acc, uint32_t salt) {
    if (n == 0) return acc;
    return odd_walk(n - 1, acc * 31 + salt, salt ^ n);
}
__attribute__((noinline)) static uint64_t odd_walk(uint32_t n, uint64_t acc, uint32_t salt) {
    if (n == 0) return acc ^ 0x5bd1e995;
    return even_walk(n - 1, acc + (salt << 3), salt + 7);
}

int main(void) {
    uint32_t f = fib(FIB_N);
    printf("fib(%d) = %u\n", FIB_N, f);
    uint32_t a = 0;
    for (uint32_t n = 1; n <= ACK_N; n++) a += ack(2, n * 40) + ack(3, n);
    printf("ack sum = %u\n", a);
    uint64_t w = 0;
    for (uint32_t i = 0; i < 2000; i++) w += even_walk(1000 + (i & 63), i, i * 2654435761u);
    printf("walk = %llu\n", (unsigned long long)w);
    printf("checksum: %llu\n", (unsigned long long)(f ^ a ^ w));
    return 0;
}
