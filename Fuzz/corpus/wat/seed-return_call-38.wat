(module
  (func $arity-1-vs-0 (i32.const 1) (return_call 1))
  (func)
)