(module
  (memory (export "mem1") 2 5)
  (memory (export "mem2") 0)
)