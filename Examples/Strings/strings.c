// A tiny C library driven from Swift the way JavaScript drives Emscripten output:
// the host allocates guest memory with the exported malloc, writes a string, calls a function
// and reads the answer back from linear memory, then frees both buffers.
#include <stdlib.h>
#include <string.h>

// Returns a new NUL-terminated string: `s` with ASCII letters upper-cased and "!" appended.
// The caller frees the result with `free`.
__attribute__((export_name("shout")))
char *shout(const char *s) {
    size_t n = strlen(s);
    char *out = malloc(n + 2);
    if (!out) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        out[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    out[n] = '!';
    out[n + 1] = 0;
    return out;
}

// Counts the words (runs of non-space bytes) in `len` bytes at `s`.
__attribute__((export_name("count_words")))
int count_words(const char *s, int len) {
    int words = 0, in_word = 0;
    for (int i = 0; i < len; i++) {
        int space = s[i] == ' ' || s[i] == '\n' || s[i] == '\t';
        if (!space && !in_word) words++;
        in_word = !space;
    }
    return words;
}

// Reverses `len` bytes at `s` in place (byte-wise: ASCII only).
__attribute__((export_name("reverse_in_place")))
void reverse_in_place(char *s, int len) {
    for (int i = 0, j = len - 1; i < j; i++, j--) {
        char t = s[i];
        s[i] = s[j];
        s[j] = t;
    }
}

__attribute__((export_name("malloc")))
void *exported_malloc(size_t size) { return malloc(size); }

__attribute__((export_name("free")))
void exported_free(void *p) { free(p); }
