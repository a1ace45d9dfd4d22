// Exit codes: output before exit() is flushed; the code reaches the host; stderr is separate.
#include <stdio.h>
#include <stdlib.h>

static void on_exit_handler(void) { printf("atexit handler ran\n"); }

int main(int argc, char **argv) {
    atexit(on_exit_handler);
    printf("stdout before exit\n");
    fprintf(stderr, "stderr before exit\n");
    int code = argc > 1 ? atoi(argv[1]) : 0;
    exit(code);
}
