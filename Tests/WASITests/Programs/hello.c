// A WASI test program: printf to stdout, arguments, environment, and file I/O in a preopened directory.
// Usage: hello DIR   (DIR is the guest path of a preopened, writable directory)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <errno.h>

int main(int argc, char **argv) {
    printf("hello from C, argc=%d\n", argc);
    for (int i = 1; i < argc; i++) printf("arg %d: %s\n", i, argv[i]);
    const char *greeting = getenv("GREETING");
    printf("GREETING=%s\n", greeting ? greeting : "(unset)");
    if (argc < 2) return 0;

    char path[256];
    snprintf(path, sizeof path, "%s/out.txt", argv[1]);
    FILE *f = fopen(path, "w");
    if (!f) { printf("fopen w failed: %s\n", strerror(errno)); return 2; }
    fprintf(f, "line one\nline two %d\n", 42);
    fclose(f);

    f = fopen(path, "r");
    if (!f) { printf("fopen r failed: %s\n", strerror(errno)); return 3; }
    char line[128];
    while (fgets(line, sizeof line, f)) printf("read: %s", line);
    fclose(f);

    snprintf(path, sizeof path, "%s/../escape.txt", argv[1]);
    f = fopen(path, "w");
    printf("escape: %s\n", f ? "opened (BAD)" : strerror(errno));
    if (f) fclose(f);

    snprintf(path, sizeof path, "%s/missing.txt", argv[1]);
    f = fopen(path, "r");
    printf("missing: %s\n", f ? "opened (BAD)" : strerror(errno));

    snprintf(path, sizeof path, "%s/sub", argv[1]);
    DIR *d = opendir(path);
    if (d) {
        int count = 0;
        struct dirent *e;
        while ((e = readdir(d))) if (e->d_name[0] != '.') count++;
        closedir(d);
        printf("sub entries: %d\n", count);
    } else {
        printf("opendir failed: %s\n", strerror(errno));
    }
    return 7;
}
