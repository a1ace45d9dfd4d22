;; Segments are applied in order: the first data segment is written, the second traps, and the memory that
;; the failed instantiation shared is not observable here (no imports), so only the trap is compared.
(module
  (memory i64 1)
  (data (i64.const 0) "ok")
  (data (i64.const 65535) "xy")
  (func (export "never") (result i32) (i32.const 1))
)
