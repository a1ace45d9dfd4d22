import WasmCore
