(module
  (tag $e0 (export "e0"))
  (func (export "throw") (throw $e0))
)