(module
  (func(nop))
)