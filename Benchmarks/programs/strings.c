// String processing with hand-written routines (no libc string functions in the hot path):
// building a text from a word list, tokenizing it, counting words in a hash table, naive and
// Horspool substring search, and reversing/uppercasing. Measures byte loads/stores, short loops,
// branches on characters and small function calls.
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

#ifndef TEXT_WORDS
#define TEXT_WORDS 120000
#endif
#ifndef PASSES
#define PASSES 9
#endif

static const char *const words[] = {
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "wasm", "swift", "interpreter",
    "register", "machine", "bytecode", "dispatch", "branch", "table", "memory", "stack", "frame",
};
#define NWORDS (int)(sizeof words / sizeof words[0])

static size_t my_strlen(const char *s) { const char *p = s; while (*p) p++; return (size_t)(p - s); }

static int my_memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

static char *my_strcpy(char *d, const char *s) { while ((*d = *s)) { d++; s++; } return d; }

static const char *naive_find(const char *hay, size_t n, const char *needle, size_t m) {
    if (m == 0) return hay;
    for (size_t i = 0; i + m <= n; i++)
        if (hay[i] == needle[0] && my_memcmp(hay + i, needle, m) == 0) return hay + i;
    return NULL;
}

static size_t horspool_count(const char *hay, size_t n, const char *needle, size_t m) {
    size_t skip[256];
    for (int i = 0; i < 256; i++) skip[i] = m;
    for (size_t i = 0; i + 1 < m; i++) skip[(unsigned char)needle[i]] = m - 1 - i;
    size_t count = 0, i = 0;
    while (i + m <= n) {
        size_t j = m - 1;
        while (hay[i + j] == needle[j]) { if (j == 0) { count++; break; } j--; }
        i += skip[(unsigned char)hay[i + m - 1]];
    }
    return count;
}

#define TABLE 1024
typedef struct { const char *word; size_t len; uint32_t count; } Entry;
static Entry table[TABLE];

static uint32_t hash_bytes(const char *s, size_t n) {
    uint32_t h = 5381;
    for (size_t i = 0; i < n; i++) h = h * 33 ^ (unsigned char)s[i];
    return h;
}

static char to_lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

// Case-insensitive hash and compare for the word table.
static uint32_t hash_word(const char *s, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)to_lower(s[i])) * 16777619u;
    return h;
}

static int same_word(const char *a, const char *b, size_t n) {
    for (size_t i = 0; i < n; i++) if (to_lower(a[i]) != to_lower(b[i])) return 0;
    return 1;
}

static void add_word(const char *s, size_t n) {
    uint32_t i = hash_word(s, n) & (TABLE - 1);
    while (table[i].word) {
        if (table[i].len == n && same_word(table[i].word, s, n)) { table[i].count++; return; }
        i = (i + 1) & (TABLE - 1);
    }
    table[i].word = s; table[i].len = n; table[i].count = 1;
}

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

int main(void) {
    // Build a text: words separated by spaces and punctuation, chosen by an LCG.
    size_t cap = (size_t)TEXT_WORDS * 16 + 1;
    char *text = malloc(cap);
    char *p = text;
    uint32_t s = 7;
    for (int i = 0; i < TEXT_WORDS; i++) {
        s = s * 1103515245u + 12345u;
        p = my_strcpy(p, words[(s >> 16) % NWORDS]);
        *p++ = (s & 0x700) == 0 ? ',' : ' ';
        if ((s & 0x7000) == 0) *p++ = '\n';
    }
    *p = 0;
    size_t n = my_strlen(text);

    uint64_t ck = n;
    for (int pass = 0; pass < PASSES; pass++) {
        for (int i = 0; i < TABLE; i++) table[i].word = NULL;
        // Tokenize and count.
        size_t i = 0, tokens = 0;
        while (i < n) {
            while (i < n && !is_alpha(text[i])) i++;
            size_t start = i;
            while (i < n && is_alpha(text[i])) i++;
            if (i > start) { add_word(text + start, i - start); tokens++; }
        }
        uint32_t distinct = 0, maxc = 0;
        for (int k = 0; k < TABLE; k++)
            if (table[k].word) { distinct++; if (table[k].count > maxc) maxc = table[k].count; }
        // Search.
        const char *needle = words[(pass * 7 + 3) % NWORDS];
        size_t m = my_strlen(needle);
        size_t hits = horspool_count(text, n, needle, m);
        const char *first = naive_find(text, n, "interpreter register", 20);
        size_t naive_hits = 0;
        for (const char *q = text; (q = naive_find(q, n - (size_t)(q - text), "echo", 4)); q++) naive_hits++;
        // Transform: uppercase one in every pass-th letter, then reverse the whole text in place.
        for (size_t k = 0; k < n; k++) if (text[k] >= 'a' && text[k] <= 'z' && (k % (pass + 2)) == 0) text[k] -= 32;
        for (size_t a = 0, b = n - 1; a < b; a++, b--) { char t = text[a]; text[a] = text[b]; text[b] = t; }
        if (pass == 0)
            printf("length %zu, tokens %zu, distinct %u, max %u, '%s' x %zu, echo x %zu, first pair at %ld\n", n,
                   tokens, distinct, maxc, needle, hits, naive_hits, first ? (long)(first - text) : -1L);
        ck = ck * 1000003u + tokens * 3 + distinct * 5 + maxc * 7 + hits * 11 + naive_hits * 13 +
             (first ? (uint64_t)(first - text) : 0) + hash_bytes(text, n);
    }
    printf("checksum: %llu\n", (unsigned long long)ck);
    free(text);
    return 0;
}
