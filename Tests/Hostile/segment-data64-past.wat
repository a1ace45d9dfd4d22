;; An empty active data segment one byte past the end of a memory64: instantiation traps.
(module
  (memory i64 1)
  (data (i64.const 65537) "")
  (func (export "never") (result i32) (i32.const 1))
)
