(module
  (memory (export "z") 0 0)
  (memory (export "memory-2-inf") 2)
  (memory (export "memory-2-4") 2 4)
)