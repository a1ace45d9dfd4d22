(module
  (func (nop)nop)
)