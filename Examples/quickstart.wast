;; A small WAST script: a module, some calls and the results they must give.
;; Run it with: swift run -c release swasm wast Examples/quickstart.wast
(module
  (memory (export "memory") 1)
  (func $fib (export "fib") (param $n i64) (result i64)
    (if (result i64) (i64.lt_u (local.get $n) (i64.const 2))
      (then (local.get $n))
      (else (i64.add (call $fib (i64.sub (local.get $n) (i64.const 1)))
                     (call $fib (i64.sub (local.get $n) (i64.const 2)))))))
  ;; Sums the bytes of memory[0..n).
  (func (export "sum_bytes") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  (data (i32.const 0) "\01\02\03\04\05")
)
(assert_return (invoke "fib" (i64.const 25)) (i64.const 75025))
(assert_return (invoke "sum_bytes" (i32.const 5)) (i32.const 15))
(assert_trap (invoke "sum_bytes" (i32.const 70000)) "out of bounds memory access")
