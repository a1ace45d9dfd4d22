import WasmBinary
import WasmCore
import WasmRuntime
import WasmText

extension WebAssembly {
    /// A compiled WebAssembly module (`WebAssembly.Module`).
    ///
    /// Decoded and validated once (every function body, so an invalid module is always refused here);
    /// immutable and `Sendable`, so one module can be instantiated many times, concurrently, from any number of
    /// threads. Each function body is translated to the interpreter's code on its first call, once for all
    /// instances and threads (or all up front: ``Translation/eager``). Describes its imports and exports with
    /// their full types and gives access to its custom sections.
    public struct Module: Sendable {
        let compiled: CompiledModule

        /// When function bodies are translated to the interpreter's code.
        public enum Translation: Sendable {
            /// Each body on its first call: compiling costs decoding and validation only, and a function that
            /// is never called costs nothing more.
            case lazy
            /// Every body while compiling: first calls do no translation work.
            case eager
        }

        /// What the relaxed SIMD instructions (`f32x4.relaxed_madd`, `i8x16.relaxed_swizzle`, ...) compute, where
        /// the spec allows several results.
        public enum RelaxedSIMD: Sendable {
            /// Whatever is fastest on this CPU (for example `cvttps2dq`'s result for out-of-range lanes of
            /// `i32x4.relaxed_trunc_f32x4_s` on x86-64): results may differ between CPUs.
            case fastest
            /// The spec's deterministic profile: the same results on every CPU.
            case deterministic
        }

        /// Compiles a module binary, synchronously (`new WebAssembly.Module(bytes)`).
        ///
        /// - Parameters:
        ///   - bytes: a module binary as `[UInt8]`, `Data` or any other sequence of bytes.
        ///   - translation: when function bodies are translated (on first call by default).
        ///   - relaxedSIMD: what relaxed SIMD instructions compute (the fastest results by default).
        /// - Throws: ``CompileError`` with the byte offset of the problem.
        public init(bytes: some Sequence<UInt8>, translation: Translation = .lazy,
                    relaxedSIMD: RelaxedSIMD = .fastest) throws(CompileError) {
            do {
                compiled = try compileModule(Array(bytes), translation: translation == .lazy ? .lazy : .eager,
                                             relaxedSIMD: relaxedSIMD == .fastest ? .fastest : .deterministic)
            } catch { throw CompileError(error) }
        }

        /// Compiles a module written in the WebAssembly text format (WAT).
        ///
        /// Not part of the JavaScript API, but handy in tests and examples.
        /// - Parameters:
        ///   - wat: the module's text.
        ///   - translation: when function bodies are translated (on first call by default).
        ///   - relaxedSIMD: what relaxed SIMD instructions compute (the fastest results by default).
        /// - Throws: ``CompileError``; for a text syntax error its message starts with `line:column`.
        public init(wat: String, translation: Translation = .lazy,
                    relaxedSIMD: RelaxedSIMD = .fastest) throws(CompileError) {
            let bytes: [UInt8]
            do { bytes = try WAT.encode(wat) } catch {
                throw CompileError(reason: .malformed, message: error.description)
            }
            try self.init(bytes: bytes, translation: translation, relaxedSIMD: relaxedSIMD)
        }

        init(decoded: WasmCore.Module) throws(CompileError) {
            do { compiled = try compileModule(decoded) } catch { throw CompileError(error) }
        }

        /// The module's name from its name section, if it has one.
        public var name: String? { compiled.module.names?.moduleName }

        /// The imports, in declaration order (`WebAssembly.Module.imports(module)`), with full types.
        public var imports: [ImportDescriptor] {
            compiled.module.imports.map { ImportDescriptor(module: $0.module, name: $0.name, type: externType(of: $0.descriptor)) }
        }

        /// The exports, in declaration order (`WebAssembly.Module.exports(module)`), with full types.
        public var exports: [ExportDescriptor] {
            let m = compiled.module
            return m.exports.map { e in
                let i = Int(e.index)
                let type: ExternType
                switch e.kind {
                case .function:
                    let indices = m.functionTypeIndices
                    type = .function(functionType(i < indices.count ? indices[i] : UInt32.max))
                case .table:
                    let t = m.tableTypes
                    type = .table(i < t.count ? TableType(t[i]) : TableType(element: .funcref, minimum: 0))
                case .memory:
                    let t = m.memoryTypes
                    type = .memory(i < t.count ? MemoryType(t[i]) : MemoryType(minimum: 0))
                case .global:
                    let t = m.globalTypes
                    type = .global(i < t.count ? GlobalType(t[i]) : GlobalType(value: .i32))
                case .tag:
                    let t = m.tagTypes
                    type = .tag(functionType(i < t.count ? t[i].typeIndex : UInt32.max))
                }
                return ExportDescriptor(name: e.name, type: type)
            }
        }

        /// The contents of every custom section with this name, in order
        /// (`WebAssembly.Module.customSections(module, name)`).
        public func customSections(named name: String) -> [[UInt8]] {
            compiled.module.customSections.filter { $0.name == name }.map(\.bytes)
        }

        func functionType(_ typeIndex: UInt32) -> FunctionType {
            let types = compiled.module.types
            let i = Int(typeIndex)
            guard i < types.count, let f = types[i].functionType else { return FunctionType(parameters: [], results: []) }
            return FunctionType(f)
        }

        func externType(of d: ImportDescriptor_) -> ExternType {
            switch d {
            case .function(let t): .function(functionType(t))
            case .table(let t): .table(TableType(t))
            case .memory(let m): .memory(MemoryType(m))
            case .global(let g): .global(GlobalType(g))
            case .tag(let t): .tag(functionType(t.typeIndex))
            }
        }
    }
}

typealias ImportDescriptor_ = WasmCore.ImportDescriptor
