(module
  (memory (export "mem1") 2 4)
  (memory (export "mem2") 0)
)