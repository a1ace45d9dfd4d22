;; An empty active element segment one past the end of a table64: instantiation traps.
(module
  (table i64 3 funcref)
  (elem (i64.const 4) func)
  (func (export "never") (result i32) (i32.const 1))
)
