;; An active data segment at offset 2^64 - 1 (offset + length overflows 64 bits): instantiation traps.
(module
  (memory i64 1)
  (data (i64.const -1) "ab")
  (func (export "never") (result i32) (i32.const 1))
)
