// A branchy bytecode interpreter: a stack VM with a dense `switch` in a loop (clang emits br_table),
// running a few small programs (loops, a GCD, a prime counter). Measures indirect-branch dispatch
// through br_table, unpredictable branches and small-array loads/stores.
#include <stdio.h>
#include <stdint.h>

#ifndef REPS
#define REPS 12
#endif

enum {
    OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_MOD, OP_DIV, OP_AND, OP_OR, OP_XOR,
    OP_SHL, OP_SHR, OP_LT, OP_EQ, OP_NOT, OP_JMP, OP_JZ, OP_JNZ, OP_DUP, OP_DROP, OP_SWAP,
    OP_INC, OP_DEC, OP_HALT
};

typedef struct { uint8_t op; int32_t arg; } Ins;

__attribute__((noinline)) static int32_t run(const Ins *code, int32_t *vars) {
    int32_t stack[64];
    int sp = 0, pc = 0;
    for (;;) {
        const Ins in = code[pc++];
        switch (in.op) {
        case OP_PUSH: stack[sp++] = in.arg; break;
        case OP_LOAD: stack[sp++] = vars[in.arg]; break;
        case OP_STORE: vars[in.arg] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_MOD: sp--; stack[sp - 1] = stack[sp] ? stack[sp - 1] % stack[sp] : 0; break;
        case OP_DIV: sp--; stack[sp - 1] = stack[sp] ? stack[sp - 1] / stack[sp] : 0; break;
        case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case OP_OR: sp--; stack[sp - 1] |= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHL: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] << (stack[sp] & 31)); break;
        case OP_SHR: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] >> (stack[sp] & 31)); break;
        case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case OP_EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case OP_NOT: stack[sp - 1] = !stack[sp - 1]; break;
        case OP_JMP: pc = in.arg; break;
        case OP_JZ: if (stack[--sp] == 0) pc = in.arg; break;
        case OP_JNZ: if (stack[--sp] != 0) pc = in.arg; break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_DROP: sp--; break;
        case OP_SWAP: { int32_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case OP_INC: vars[in.arg]++; break;
        case OP_DEC: vars[in.arg]--; break;
        case OP_HALT: return sp ? stack[sp - 1] : 0;
        }
    }
}

// Program 1: count primes below vars[0] by trial division. vars: 0=n, 1=i, 2=d, 3=count, 4=isprime
static const Ins primes_prog[] = {
    /* 0 */ {OP_PUSH, 2}, {OP_STORE, 1}, {OP_PUSH, 0}, {OP_STORE, 3},
    /* 4: outer */ {OP_LOAD, 1}, {OP_LOAD, 0}, {OP_LT, 0}, {OP_JZ, 35},
    /* 8 */ {OP_PUSH, 1}, {OP_STORE, 4}, {OP_PUSH, 2}, {OP_STORE, 2},
    /* 12: inner */ {OP_LOAD, 2}, {OP_LOAD, 2}, {OP_MUL, 0}, {OP_LOAD, 1}, {OP_SWAP, 0}, {OP_LT, 0},
    /* 18 */ {OP_JNZ, 29},
    /* 19 */ {OP_LOAD, 1}, {OP_LOAD, 2}, {OP_MOD, 0}, {OP_JNZ, 27},
    /* 23 */ {OP_PUSH, 0}, {OP_STORE, 4}, {OP_JMP, 29}, {OP_HALT, 0},
    /* 27 */ {OP_INC, 2}, {OP_JMP, 12},
    /* 29: done inner */ {OP_LOAD, 3}, {OP_LOAD, 4}, {OP_ADD, 0}, {OP_STORE, 3},
    /* 33 */ {OP_INC, 1},
    /* 34 */ {OP_JMP, 4},
    /* 35 */ {OP_LOAD, 3}, {OP_HALT, 0},
};

// Program 2: sum of gcd(i, j) for i, j < vars[0]. vars: 0=n, 1=i, 2=j, 3=a, 4=b, 5=sum
static const Ins gcd_prog[] = {
    /* 0 */ {OP_PUSH, 0}, {OP_STORE, 5}, {OP_PUSH, 1}, {OP_STORE, 1},
    /* 4: loop i */ {OP_LOAD, 1}, {OP_LOAD, 0}, {OP_LT, 0}, {OP_JZ, 37},
    /* 8 */ {OP_PUSH, 1}, {OP_STORE, 2},
    /* 10: loop j */ {OP_LOAD, 2}, {OP_LOAD, 0}, {OP_LT, 0}, {OP_JZ, 35},
    /* 14 */ {OP_LOAD, 1}, {OP_STORE, 3}, {OP_LOAD, 2}, {OP_STORE, 4},
    /* 18: euclid */ {OP_LOAD, 4}, {OP_JZ, 28},
    /* 20 */ {OP_LOAD, 3}, {OP_LOAD, 4}, {OP_MOD, 0}, {OP_LOAD, 4}, {OP_STORE, 3}, {OP_STORE, 4},
    /* 26 */ {OP_JMP, 18}, {OP_HALT, 0},
    /* 28 */ {OP_LOAD, 5}, {OP_LOAD, 3}, {OP_ADD, 0}, {OP_STORE, 5},
    /* 32 */ {OP_INC, 2}, {OP_JMP, 10}, {OP_HALT, 0},
    /* 35 */ {OP_INC, 1}, {OP_JMP, 4},
    /* 37 */ {OP_LOAD, 5}, {OP_HALT, 0},
};

// Program 3: xorshift mixing loop with shifts and bit ops. vars: 0=n, 1=x, 2=acc
static const Ins mix_prog[] = {
    /* 0 */ {OP_LOAD, 0}, {OP_JZ, 27},
    /* 2 */ {OP_LOAD, 1}, {OP_DUP, 0}, {OP_PUSH, 13}, {OP_SHL, 0}, {OP_XOR, 0},
    /* 7 */ {OP_DUP, 0}, {OP_PUSH, 17}, {OP_SHR, 0}, {OP_XOR, 0},
    /* 11 */ {OP_DUP, 0}, {OP_PUSH, 5}, {OP_SHL, 0}, {OP_XOR, 0}, {OP_DUP, 0}, {OP_STORE, 1},
    /* 17 */ {OP_PUSH, 255}, {OP_AND, 0}, {OP_LOAD, 2}, {OP_ADD, 0}, {OP_PUSH, 3}, {OP_OR, 0},
    /* 23 */ {OP_STORE, 2}, {OP_DEC, 0}, {OP_JMP, 0}, {OP_HALT, 0},
    /* 27 */ {OP_LOAD, 2}, {OP_LOAD, 1}, {OP_XOR, 0}, {OP_HALT, 0},
};

int main(void) {
    uint32_t ck = 0;
    for (int r = 0; r < REPS; r++) {
        int32_t v1[8] = {6000 + r, 0, 0, 0, 0, 0, 0, 0};
        run(primes_prog, v1);
        int32_t v2[8] = {120 + r, 0, 0, 0, 0, 0, 0, 0};
        int32_t g = run(gcd_prog, v2);
        int32_t v3[8] = {60000, 0x9e3779b9 + r, 0, 0, 0, 0, 0, 0};
        int32_t m = run(mix_prog, v3);
        if (r == 0) printf("primes(%d) = %d, gcdsum = %d, mix = %d\n", v1[0], v1[3], g, m);
        ck = ck * 31 + (uint32_t)v1[3];
        ck = ck * 31 + (uint32_t)g;
        ck = ck * 31 + (uint32_t)m;
    }
    printf("checksum: %u\n", ck);
    return 0;
}
