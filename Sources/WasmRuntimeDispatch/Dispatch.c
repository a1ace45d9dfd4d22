// The handlers live in include/WasmRuntimeDispatch.h as static inline functions: Swift compiles them
// into the WasmRuntime module, where the instruction bodies written in Swift are inlined into them.
// SwiftPM needs one source file per C target; this one is intentionally empty of code.
typedef int swasm_dispatch_translation_unit_is_not_empty;
