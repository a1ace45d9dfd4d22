;; table32 grow with deltas near 2^32 (a table32 holds at most 2^32 - 1 elements).
;; difftest: max-table-elements=100000
(module
  (table $t 1 funcref)
  (table $m 2 5 funcref)
  (func (export "grow-u32max") (result i32) (table.grow $t (ref.null func) (i32.const -1)))
  (func (export "grow-2^31") (result i32) (table.grow $t (ref.null func) (i32.const 0x80000000)))
  (func (export "grow-to-limit") (result i32) (table.grow $t (ref.null func) (i32.const 99999)))
  (func (export "grow-1-more") (result i32) (table.grow $t (ref.null func) (i32.const 1)))
  (func (export "size") (result i32) (table.size $t))
  (func (export "grow-m-4") (result i32) (table.grow $m (ref.null func) (i32.const 4)))
  (func (export "grow-m-3") (result i32) (table.grow $m (ref.null func) (i32.const 3)))
  (func (export "grow-m-0") (result i32) (table.grow $m (ref.null func) (i32.const 0)))
  (func (export "fill-u32max") (table.fill $t (i32.const -1) (ref.null func) (i32.const 1)))
  (func (export "fill-len-u32max") (table.fill $t (i32.const 0) (ref.null func) (i32.const -1)))
)
