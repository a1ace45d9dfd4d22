// poll() on stdin (a file here): readable at once; then a timed poll with a clock.
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
    struct pollfd fds[2] = {{.fd = 0, .events = POLLIN}, {.fd = 1, .events = POLLOUT}};
    int n = poll(fds, 2, 1000);
    printf("poll returned %d: stdin %s, stdout %s\n", n, (fds[0].revents & POLLIN) ? "readable" : "not readable",
           (fds[1].revents & POLLOUT) ? "writable" : "not writable");
    char buf[64];
    ssize_t r = read(0, buf, sizeof buf - 1);
    if (r >= 0) buf[r] = 0;
    printf("read %zd bytes: %s", r, r > 0 ? buf : "\n");
    struct pollfd bad = {.fd = 99, .events = POLLIN};
    n = poll(&bad, 1, 0);
    // Reported either for the whole call (-1, EBADF) or per descriptor (POLLNVAL): both follow preview1.
    printf("poll on fd 99 reports the bad descriptor: %s\n", n < 0 || (bad.revents & (POLLNVAL | POLLERR)) ? "yes" : "no");
    return 0;
}
