;; An active data segment at offset 2^32 - 1 of a memory32: instantiation traps.
(module
  (memory 1)
  (data (i32.const -1) "a")
  (func (export "never") (result i32) (i32.const 1))
)
