// Held-out program: written after the suite's fusions were chosen and reported apart from the suite (see
// Benchmarks/README.md), so it shows how the interpreter does on code it was not tuned on. A small ray
// tracer in f64 (spheres, diffuse shading with one shadow ray, one reflection), summing the pixel values.
#include <stdio.h>
#include <math.h>

typedef struct { double x, y, z; } V;
static V add(V a, V b) { return (V){a.x + b.x, a.y + b.y, a.z + b.z}; }
static V sub(V a, V b) { return (V){a.x - b.x, a.y - b.y, a.z - b.z}; }
static V mul(V a, double s) { return (V){a.x * s, a.y * s, a.z * s}; }
static double dot(V a, V b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static V norm(V a) { return mul(a, 1.0 / sqrt(dot(a, a))); }

typedef struct { V c; double r, refl; V color; } Sphere;
static Sphere spheres[] = {
    {{0, -1000, 0}, 999, 0.2, {0.5, 0.5, 0.5}}, {{0, 0, 5}, 1, 0.5, {1, 0.2, 0.2}},
    {{-2, 0, 6}, 1, 0.1, {0.2, 1, 0.2}},      {{2, 0, 6}, 1, 0.3, {0.2, 0.2, 1}},
    {{0, 2, 7}, 1, 0.0, {1, 1, 0.2}}};
#define NS (int)(sizeof spheres / sizeof spheres[0])

static int hit(V o, V d, double *t) {
    int best = -1;
    *t = 1e30;
    for (int i = 0; i < NS; i++) {
        V oc = sub(o, spheres[i].c);
        double b = dot(oc, d), c = dot(oc, oc) - spheres[i].r * spheres[i].r, disc = b * b - c;
        if (disc > 0) {
            double s = sqrt(disc), t0 = -b - s;
            if (t0 > 1e-6 && t0 < *t) { *t = t0; best = i; }
        }
    }
    return best;
}

static V trace(V o, V d, int depth) {
    double t;
    int i = hit(o, d, &t);
    if (i < 0) return (V){0.1, 0.1, 0.2};
    V p = add(o, mul(d, t)), n = norm(sub(p, spheres[i].c));
    V light = norm((V){-1, 3, -2});
    double diff = dot(n, light);
    double ts;
    if (diff < 0 || hit(add(p, mul(n, 1e-4)), light, &ts) >= 0) diff = 0;
    V col = mul(spheres[i].color, 0.1 + 0.9 * diff);
    if (depth < 2 && spheres[i].refl > 0) {
        V r = sub(d, mul(n, 2 * dot(d, n)));
        col = add(mul(col, 1 - spheres[i].refl), mul(trace(add(p, mul(n, 1e-4)), r, depth + 1), spheres[i].refl));
    }
    return col;
}

int main(void) {
    const int W = 1280, H = 960;
    double sum = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            V d = norm((V){(x - W / 2) / (double)H, (H / 2 - y) / (double)H, 1});
            V c = trace((V){0, 0.5, 0}, d, 0);
            sum += c.x * 0.3 + c.y * 0.5 + c.z * 0.2;
        }
    printf("checksum: %.6f\n", sum);
    return 0;
}
