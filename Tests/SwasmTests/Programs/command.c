// A WASI command for the embedder API tests: prints its arguments and an environment variable,
// writes and reads back a file in the preopened directory /sandbox, and exits with code 3.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    for (int i = 0; i < argc; i++) printf("arg %d: %s\n", i, argv[i]);
    const char *greeting = getenv("GREETING");
    printf("GREETING=%s\n", greeting ? greeting : "(unset)");
    FILE *f = fopen("/sandbox/note.txt", "w");
    if (f) {
        fputs("written by wasm\n", f);
        fclose(f);
        printf("wrote /sandbox/note.txt\n");
    } else {
        printf("cannot write /sandbox/note.txt\n");
    }
    return 3;
}
