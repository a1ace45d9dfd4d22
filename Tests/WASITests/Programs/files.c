// Files and directories in a preopened directory: create, write, read, seek/tell, pread/pwrite, truncate,
// stat, rename, link, symlink/readlink, mkdir, readdir, unlink, rmdir, and the errors of each.
// Usage: files DIR (the guest path of a writable preopen)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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
#define CHECK(what, expr) do { errno = 0; long r_ = (long)(expr); \
    printf("%-40s -> %ld%s%s\n", what, r_, r_ < 0 ? " " : "", r_ < 0 ? strerror(errno) : ""); } while (0)

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *path) {
    DIR *d = opendir(path);
    if (!d) { printf("opendir %s failed: %s\n", path, strerror(errno)); return; }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        char type = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l' : '?';
        char *s = malloc(strlen(e->d_name) + 3);
        sprintf(s, "%c %s", type, e->d_name);
        names[n++] = s;
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp);
    printf("listing (%d entries):", n);
    for (int i = 0; i < n; i++) { printf(" [%s]", names[i]); free(names[i]); }
    printf("\n");
}

int main(int argc, char **argv) {
    if (argc < 2) { printf("usage: files DIR\n"); return 2; }
    snprintf(dir, sizeof dir, "%s", argv[1]);

    int fd;
    CHECK("open a.txt O_CREAT|O_RDWR", (fd = open(p("a.txt"), O_CREAT | O_RDWR | O_TRUNC, 0644)) >= 0 ? 0 : -1);
    CHECK("write 26 bytes", write(fd, "abcdefghijklmnopqrstuvwxyz", 26));
    CHECK("lseek(0, SEEK_CUR)", lseek(fd, 0, SEEK_CUR));
    CHECK("lseek(5, SEEK_SET)", lseek(fd, 5, SEEK_SET));
    char buf[64] = {0};
    CHECK("read 5", read(fd, buf, 5));
    printf("  read: %s\n", buf);
    CHECK("lseek(-3, SEEK_END)", lseek(fd, -3, SEEK_END));
    CHECK("pwrite 'XYZ' at 10", pwrite(fd, "XYZ", 3, 10));
    memset(buf, 0, sizeof buf);
    CHECK("pread 8 at 8", pread(fd, buf, 8, 8));
    printf("  pread: %s\n", buf);
    CHECK("position unchanged by pread/pwrite", lseek(fd, 0, SEEK_CUR));
    CHECK("ftruncate 12", ftruncate(fd, 12));
    struct stat st;
    CHECK("fstat", fstat(fd, &st));
    printf("  size=%lld regular=%d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    CHECK("posix_fadvise", posix_fadvise(fd, 0, 10, POSIX_FADV_SEQUENTIAL));
    CHECK("fsync", fsync(fd));
    CHECK("fdatasync", fdatasync(fd));
    CHECK("close", close(fd));
    CHECK("close again (EBADF)", close(fd));

    FILE *f = fopen(p("b.txt"), "w");
    if (!f) { printf("fopen b.txt for writing failed: %s\n", strerror(errno)); return 1; }
    fprintf(f, "line 1\nline 2\n");
    fclose(f);
    f = fopen(p("b.txt"), "a");
    fprintf(f, "line 3 appended\n");
    fclose(f);
    f = fopen(p("b.txt"), "r");
    char line[128];
    while (fgets(line, sizeof line, f)) printf("  b.txt: %s", line);
    fclose(f);

    CHECK("open missing (ENOENT)", open(p("missing"), O_RDONLY));
    CHECK("O_CREAT|O_EXCL existing (EEXIST)", open(p("a.txt"), O_CREAT | O_EXCL | O_WRONLY, 0644));
    CHECK("O_DIRECTORY on a file (ENOTDIR)", open(p("a.txt"), O_RDONLY | O_DIRECTORY));
    CHECK("mkdir sub", mkdir(p("sub"), 0755));
    CHECK("mkdir sub again (EEXIST)", mkdir(p("sub"), 0755));
    CHECK("open dir for writing (EISDIR)", open(p("sub"), O_WRONLY));
    CHECK("rename a.txt -> sub/c.txt", rename(p("a.txt"), p("sub/c.txt")));
    CHECK("stat a.txt after rename (ENOENT)", stat(p("a.txt"), &st));
    CHECK("stat sub/c.txt size", (stat(p("sub/c.txt"), &st), st.st_size));
    CHECK("link sub/c.txt -> hard.txt", link(p("sub/c.txt"), p("hard.txt")));
    CHECK("stat hard.txt nlink", (stat(p("hard.txt"), &st), (long)st.st_nlink));
    CHECK("symlink sub/c.txt <- sym", symlink("sub/c.txt", p("sym")));
    char target[128] = {0};
    CHECK("readlink sym", readlink(p("sym"), target, sizeof target));
    printf("  target: %s\n", target);
    CHECK("stat through sym (size)", (stat(p("sym"), &st), st.st_size));
    CHECK("lstat sym is a link", (lstat(p("sym"), &st), S_ISLNK(st.st_mode)));
    CHECK("readlink on a file (EINVAL)", readlink(p("hard.txt"), target, sizeof target));
    list(dir);
    list(p("sub"));
    CHECK("rmdir non-empty sub (ENOTEMPTY)", rmdir(p("sub")));
    CHECK("unlink a directory (EISDIR/EPERM)", unlink(p("sub")) < 0 ? -1 : 0);
    CHECK("unlink sub/c.txt", unlink(p("sub/c.txt")));
    CHECK("rmdir sub", rmdir(p("sub")));
    CHECK("unlink sym", unlink(p("sym")));
    CHECK("unlink hard.txt", unlink(p("hard.txt")));
    CHECK("unlink b.txt", unlink(p("b.txt")));
    CHECK("unlink missing (ENOENT)", unlink(p("b.txt")));
    list(dir);

    // fd_allocate: swasm implements it; wasmtime answers ENOTSUP (both allowed by preview1).
    fd = open(p("alloc.bin"), O_CREAT | O_RDWR, 0644);
    int ar = posix_fallocate(fd, 0, 100);
    fstat(fd, &st);
    printf("posix_fallocate: %s\n", ar == 0 && st.st_size == 100 ? "allocated 100 bytes" : ar == ENOTSUP ? "not supported" : "failed");
    close(fd);
    unlink(p("alloc.bin"));
    return 0;
}
