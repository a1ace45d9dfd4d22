// Held-out program: written after the suite's fusions were chosen and reported apart from the suite (see
// Benchmarks/README.md), so it shows how the interpreter does on code it was not tuned on. CoreMark-like
// kernels: a linked list (sorted insert, search, reversal), an integer matrix multiply-accumulate, a small
// state machine over generated number strings, and a CRC-16 over the results.
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct Node { struct Node *next; int32_t key; int32_t value; } Node;

static uint16_t crc16(uint16_t crc, uint32_t v) {
    for (int i = 0; i < 32; i++) {
        uint16_t bit = (uint16_t)((v >> i) & 1) ^ (crc & 1);
        crc >>= 1;
        if (bit) crc ^= 0xA001;
    }
    return crc;
}

static Node *insert_sorted(Node *head, Node *n) {
    if (!head || head->key >= n->key) { n->next = head; return n; }
    Node *p = head;
    while (p->next && p->next->key < n->key) p = p->next;
    n->next = p->next;
    p->next = n;
    return head;
}

static Node *reverse(Node *head) {
    Node *prev = 0;
    while (head) { Node *next = head->next; head->next = prev; prev = head; head = next; }
    return prev;
}

static int32_t find_value(Node *head, int32_t key) {
    for (; head; head = head->next) if (head->key == key) return head->value;
    return -1;
}

static int state_machine(const char *s) {
    // 0 start, 1 int, 2 frac, 3 exp, 4 invalid; returns the final state
    int state = 0;
    for (; *s; s++) {
        char c = *s;
        switch (state) {
        case 0: state = (c >= '0' && c <= '9') ? 1 : (c == '-' || c == '+') ? 0 : 4; break;
        case 1: state = (c >= '0' && c <= '9') ? 1 : c == '.' ? 2 : (c == 'e' || c == 'E') ? 3 : 4; break;
        case 2: state = (c >= '0' && c <= '9') ? 2 : (c == 'e' || c == 'E') ? 3 : 4; break;
        case 3: state = (c >= '0' && c <= '9') ? 3 : 4; break;
        default: return 4;
        }
    }
    return state;
}

#define N 24
int main(void) {
    uint16_t crc = 0;
    uint32_t seed = 12345;
    Node *pool = malloc(sizeof(Node) * 400);
    int32_t a[N][N], b[N][N], c[N][N];
    char buf[32];
    for (int round = 0; round < 10000; round++) {
        Node *head = 0;
        for (int i = 0; i < 60; i++) {
            seed = seed * 1103515245u + 12345u;
            pool[i].key = (int32_t)((seed >> 16) & 1023);
            pool[i].value = i;
            head = insert_sorted(head, &pool[i]);
        }
        int32_t found = 0;
        for (int k = 0; k < 1024; k += 7) found += find_value(head, k);
        head = reverse(head);
        crc = crc16(crc, (uint32_t)found ^ (uint32_t)head->key);

        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) { a[i][j] = (i * j + round) & 255; b[i][j] = (i - j) * 3 + round; }
        if (round % 8 == 0) {
            int64_t sum = 0;
            for (int i = 0; i < N; i++)
                for (int j = 0; j < N; j++) {
                    int32_t acc = 0;
                    for (int k = 0; k < N; k++) acc += a[i][k] * b[k][j];
                    c[i][j] = acc;
                    sum += acc;
                }
            crc = crc16(crc, (uint32_t)sum ^ (uint32_t)c[N - 1][N - 1]);
        }
        int states[5] = {0, 0, 0, 0, 0};
        for (int i = 0; i < 40; i++) {
            seed = seed * 1103515245u + 12345u;
            int len = 0;
            uint32_t x = seed;
            if (x & 1) buf[len++] = '-';
            for (int d = 0; d < 6; d++) { buf[len++] = (char)('0' + x % 10); x /= 10; }
            if (seed & 2) buf[len++] = '.';
            if (seed & 4) buf[len++] = 'e';
            if (seed & 8) buf[len++] = 'x';
            buf[len++] = (char)('0' + (seed >> 8) % 10);
            buf[len] = 0;
            states[state_machine(buf)]++;
        }
        for (int i = 0; i < 5; i++) crc = crc16(crc, (uint32_t)states[i]);
    }
    printf("checksum: %u\n", crc);
    return 0;
}
