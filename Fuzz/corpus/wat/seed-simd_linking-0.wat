(module
  (global (export "g-v128") v128 (v128.const i64x2 0 0))
  (global (export "mg-v128") (mut v128) (v128.const i64x2 0 0))
)