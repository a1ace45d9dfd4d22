(module
  (import "spectest" "memory" (memory 1))
  (import "spectest" "memory" (memory 1))
  (import "spectest" "memory" (memory 1))
  (data (memory 0) (i32.const 0) "a")
  (data (memory 1) (i32.const 0) "a")
  (data (memory 2) (i32.const 0) "a")
)