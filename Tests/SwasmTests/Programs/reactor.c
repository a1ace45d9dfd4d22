// A WASI reactor for the embedder API tests: a constructor runs from _initialize.
static int ready;
__attribute__((constructor)) static void setup(void) { ready = 42; }
__attribute__((export_name("ready"))) int get_ready(void) { return ready; }
