// Escape attempts: a guest reaches only its preopened directory. `..`, absolute paths and symlinks
// (absolute or relative) that would leave it are refused. The host test puts "secret.txt" next to the
// preopened directory. Usage: escape DIR
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];
static const char *p(const char *name) {
    static char buf[4][512];
    static int k = 0;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void try_open(const char *what, const char *path) {
    errno = 0;
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        char buf[64] = {0};
        read(fd, buf, sizeof buf - 1);
        printf("%-44s opened, reads \"%s\"\n", what, buf);
        close(fd);
    } else {
        printf("%-44s refused\n", what);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    snprintf(dir, sizeof dir, "%s", argv[1]);
    FILE *f = fopen(p("inside.txt"), "w");
    fputs("inside", f);
    fclose(f);
    mkdir(p("d"), 0755);

    try_open("inside.txt", p("inside.txt"));
    try_open("d/../inside.txt (stays inside)", p("d/../inside.txt"));
    try_open("../secret.txt", p("../secret.txt"));
    try_open("d/../../secret.txt", p("d/../../secret.txt"));
    try_open("absolute /etc/passwd", "/etc/passwd");
    try_open("absolute host path of secret", "/tmp/../etc/passwd");

    symlink("/etc/passwd", p("abs_link"));
    try_open("symlink -> /etc/passwd", p("abs_link"));
    symlink("../secret.txt", p("rel_link"));
    try_open("symlink -> ../secret.txt", p("rel_link"));
    symlink("..", p("up"));
    try_open("symlink dir -> .., then secret.txt", p("up/secret.txt"));
    symlink("../d/../..", p("d/deep"));
    try_open("d/deep -> ../d/../.., then secret.txt", p("d/deep/secret.txt"));
    symlink("inside.txt", p("ok_link"));
    try_open("symlink -> inside.txt (allowed)", p("ok_link"));
    symlink("d/../inside.txt", p("ok_link2"));
    try_open("symlink -> d/../inside.txt (allowed)", p("ok_link2"));
    symlink("loop2", p("loop1"));
    symlink("loop1", p("loop2"));
    try_open("symlink loop", p("loop1"));

    errno = 0;
    printf("%-44s %s\n", "mkdir ../made_outside", mkdir(p("../made_outside"), 0755) == 0 ? "CREATED (escape!)" : "refused");
    printf("%-44s %s\n", "creat through symlink dir up/x", open(p("up/x.txt"), O_CREAT | O_WRONLY, 0644) >= 0 ? "CREATED (escape!)" : "refused");
    printf("%-44s %s\n", "rename inside.txt -> ../stolen", rename(p("inside.txt"), p("../stolen")) == 0 ? "RENAMED (escape!)" : "refused");
    printf("%-44s %s\n", "link ../secret.txt -> here", link(p("../secret.txt"), p("here")) == 0 ? "LINKED (escape!)" : "refused");
    struct stat st;
    printf("%-44s %s\n", "stat ../secret.txt", stat(p("../secret.txt"), &st) == 0 ? "VISIBLE (escape!)" : "refused");
    printf("%-44s %s\n", "unlink ../secret.txt", unlink(p("../secret.txt")) == 0 ? "DELETED (escape!)" : "refused");
    return 0;
}
