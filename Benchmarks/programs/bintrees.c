// Allocation-heavy: the binary-trees benchmark. Builds and walks many complete binary trees with
// malloc/free (wasi-libc's dlmalloc), plus one long-lived tree. Measures calls, loads/stores
// of pointers and the allocator (including memory.grow).
#include <stdio.h>
#include <stdlib.h>

#ifndef MAX_DEPTH
#define MAX_DEPTH 15
#endif

typedef struct Node { struct Node *left, *right; int value; } Node;

static Node *make(int depth, int value) {
    Node *n = malloc(sizeof *n);
    n->value = value;
    if (depth > 0) {
        n->left = make(depth - 1, 2 * value - 1);
        n->right = make(depth - 1, 2 * value);
    } else {
        n->left = n->right = NULL;
    }
    return n;
}

static long check(const Node *n) {
    long c = 1 + (n->value & 3);
    if (n->left) c += check(n->left) - check(n->right);
    return c;
}

static long count(const Node *n) { return n->left ? 1 + count(n->left) + count(n->right) : 1; }

static void release(Node *n) {
    if (n->left) { release(n->left); release(n->right); }
    free(n);
}

int main(void) {
    const int min_depth = 4;
    const int max_depth = MAX_DEPTH;
    Node *stretch = make(max_depth + 1, 0);
    long ck = check(stretch);
    printf("stretch tree of depth %d\t check: %ld\n", max_depth + 1, ck);
    release(stretch);

    Node *long_lived = make(max_depth, 0);
    for (int d = min_depth; d <= max_depth; d += 2) {
        int iterations = 1 << (max_depth - d + min_depth);
        long c = 0, nodes = 0;
        for (int i = 1; i <= iterations; i++) {
            Node *t = make(d, i);
            c += check(t);
            nodes += count(t);
            release(t);
        }
        printf("%d\t trees of depth %d\t check: %ld nodes: %ld\n", iterations, d, c, nodes);
        ck = ck * 31 + c + nodes;
    }
    long ll = check(long_lived);
    printf("long lived tree of depth %d\t check: %ld\n", max_depth, ll);
    release(long_lived);
    printf("checksum: %ld\n", ck ^ ll);
    return 0;
}
