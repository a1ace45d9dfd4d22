// Standard streams: read all of stdin, report counts, echo it upper-cased; write a large output in pieces.
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int big = argc > 1 && strcmp(argv[1], "big") == 0;
    char buf[256];
    size_t total = 0, lines = 0;
    ssize_t n;
    char upper[4096];
    size_t u = 0;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n') lines++;
            if (u < sizeof upper) upper[u++] = (char)toupper((unsigned char)buf[i]);
        }
        total += (size_t)n;
    }
    printf("stdin: %zu bytes, %zu lines, read returned %zd at the end\n", total, lines, n);
    fwrite(upper, 1, u, stdout);
    fprintf(stderr, "this goes to stderr\n");
    // 1 MiB of output in 64 KiB writes, then a checksum line.
    static char block[65536];
    for (int i = 0; i < (int)sizeof block; i++) block[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
    unsigned long sum = 0;
    FILE *null = fopen("/dev/null", "w"); // not reachable: there is no preopen for /dev
    printf("fopen /dev/null: %s\n", null ? "opened (unexpected)" : "refused");
    for (int k = 0; k < (big ? 16 : 0); k++) {
        ssize_t w = write(1, block, sizeof block);
        sum += (unsigned long)w;
    }
    printf("\nwrote %lu bytes\n", sum);
    return 0;
}
