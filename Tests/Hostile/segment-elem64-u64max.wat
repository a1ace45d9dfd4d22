;; An active element segment at offset 2^64 - 1 of a table64: instantiation traps.
(module
  (table i64 1 funcref)
  (func $f)
  (elem (i64.const -1) func $f)
  (func (export "never") (result i32) (i32.const 1))
)
