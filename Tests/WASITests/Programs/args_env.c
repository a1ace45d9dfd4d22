// Arguments and environment: argv, environ, getenv.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
extern char **environ;

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++) printf("argv[%d]=\"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
    int n = 0;
    for (char **e = environ; *e; e++) n++;
    printf("environ has %d entries\n", n);
    const char *names[] = {"GREETING", "EMPTY", "UNICODE", "MISSING"};
    for (int i = 0; i < 4; i++) {
        const char *v = getenv(names[i]);
        printf("%s=%s\n", names[i], v ? v : "(unset)");
    }
    return 0;
}
