;; A table64 whose initial size is above the embedder limit (10,000,000 elements): instantiation fails.
(module
  (table i64 0x100000000000 funcref)
  (func (export "never") (result i32) (i32.const 1))
)
