;; Active segments exactly at the end of memory and table (empty segments at the end are in bounds).
(module
  (memory $m i64 1)
  (memory $n 1)
  (table $t i64 2 funcref)
  (func $f)
  (data (memory $m) (i64.const 65536) "")
  (data (memory $m) (i64.const 65535) "z")
  (data (memory $n) (i32.const 65536) "")
  (elem (table $t) (i64.const 2) func)
  (elem (table $t) (i64.const 1) func $f)
  (func (export "last") (result i32) (i32.load8_u $m (i64.const 65535)))
)
