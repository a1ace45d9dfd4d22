;; A memory64 whose initial size is above the embedder limit (1 GiB): instantiation fails on both engines.
(module
  (memory i64 0x10000000000)
  (func (export "never") (result i32) (i32.const 1))
)
