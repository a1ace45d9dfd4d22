// A trap deep in named functions: swasm reports it with a backtrace; output before the trap is kept.
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) int divide(int a, int b) { return a / b; }
__attribute__((noinline)) int compute(int n) { return divide(100, n - 3) + 1; }

int main(int argc, char **argv) {
    printf("about to divide by zero\n");
    fflush(stdout);
    volatile int n = argc + 2; // 3 with no arguments
    printf("result %d\n", compute(n));
    return 0;
}
