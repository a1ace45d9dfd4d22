;; The module the README's quickstart loads (my-module.wasm is built from this file with
;; `swasm wat2wasm my-module.wat -o my-module.wasm`).
(module
  (import "env" "log" (func $log (param i32)))
  ;; Logs its argument through the host, then returns it doubled.
  (func $myFunction (export "myFunction") (param $x i32) (result i32)
    (call $log (local.get $x))
    (i32.mul (local.get $x) (i32.const 2)))
  (func $add (export "add") (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b))))
