import WasmBinary
import WasmCore
import WasmValidation

/// Errors raised while compiling a module: malformed bytes, or a module that does not validate.
package enum CompileError: Error, CustomStringConvertible {
    case malformed(DecodeError)
    case invalid(ValidationError)
    /// The module is valid but exceeds an implementation limit of the interpreter.
    case unsupported(String)

    package var message: String {
        switch self {
        case .malformed(let e): e.message
        case .invalid(let e): e.message
        case .unsupported(let m): m
        }
    }

    package var description: String {
        switch self {
        case .malformed(let e): e.description
        case .invalid(let e): e.description
        case .unsupported(let m): m
        }
    }
}

/// When a module's function bodies are translated to internal code.
package enum Translation: Sendable {
    /// Each body on its first call (every body is still validated by `compileModule`).
    case lazy
    /// Every body while compiling the module.
    case eager
}

/// What the relaxed SIMD instructions compute, where the spec allows several results.
package enum RelaxedSIMD: Sendable {
    /// What is fastest on the host CPU (Sources/WasmRuntimeDispatch/include/SIMDSemantics.h says what, per CPU).
    case fastest
    /// The spec's deterministic profile: the same results on every host.
    case deterministic
}

/// Decodes, validates and translates a module for the handlers `handlers`.
package func compileModule(_ bytes: [UInt8], handlers: HandlerSet = .native, translation: Translation = .lazy,
                           relaxedSIMD: RelaxedSIMD = .fastest) throws(CompileError) -> CompiledModule {
    let module: Module
    do { module = try ModuleDecoder.decode(bytes) } catch { throw .malformed(error) }
    return try compileModule(module, handlers: handlers, translation: translation, relaxedSIMD: relaxedSIMD)
}

/// Validates a decoded module and translates its function bodies (now, or each on its first call).
package func compileModule(_ module: Module, handlers: HandlerSet = .native, translation: Translation = .lazy,
                           relaxedSIMD: RelaxedSIMD = .fastest) throws(CompileError) -> CompiledModule {
    let context: ValidationContext
    do { context = try ValidationContext(module: module) } catch { throw .invalid(error) }
    let compiled = CompiledModule(module: module, context: context, handlers: handlers, relaxedSIMD: relaxedSIMD)
    switch translation {
    case .eager:
        try compiled.translateAll()
    case .lazy:
        for i in module.bodies.indices {
            let shape: (localCount: Int, maxOperandHeight: Int)
            do { shape = try validateFunctionBody(context: context, definedFunctionIndex: i) } catch { throw .invalid(error) }
            // A frame is locals, constant slots, operand positions and a few hidden slots (two slots for a
            // v128, so twice the counts at worst): a function that may need more slots than the interpreter has
            // is translated now, so that the module is refused here.
            if 2 * (shape.localCount + shape.maxOperandHeight) + Translator.maxConstantSlots + 1_024 > Translator.maxFrameSlots {
                _ = try compiled.translated(i)
            }
        }
    }
    return compiled
}

/// Translates defined function `definedIndex` of a validated module (before `link`).
func translateFunction(context: ValidationContext, definedIndex: Int,
                       relaxedSIMD: RelaxedSIMD = .fastest) throws(CompileError) -> CompiledFunction {
    var translator = try Translator(context: context, definedFunctionIndex: definedIndex)
    translator.relaxedSIMD = relaxedSIMD
    let function = try translator.translate()
    guard translator.refusedInLoop else { return function }
    // More constants than slots, and a loop materialises one on every iteration: translate again with the slots
    // given to the constants used most deeply in loops.
    var second = try Translator(context: context, definedFunctionIndex: definedIndex)
    second.relaxedSIMD = relaxedSIMD
    second.slotConstants = translator.preferredConstants()
    return try second.translate()
}

/// Word 1 of a `callInternal` of code `code` with a frame of `frameSize` slots: the code address shifted left
/// 16 bits (user-space addresses fit 48 bits on every 64-bit platform Swift runs on) and the frame size (below
/// 65536, see `translate`) in the low 16.
func internalCallLink(code: UnsafeMutablePointer<UInt64>, frameSize: Int) -> UInt64 {
    let address = UInt64(UInt(bitPattern: code))
    precondition(address >> 48 == 0 && frameSize <= 0xFFFF, "code address beyond 48 bits or frame size beyond 16 bits")
    return address << 16 | UInt64(frameSize)
}

/// The last step of translating a function. Writes each callee's current code address and frame size into word
/// 1 of every `callInternal` (the translator leaves it 0; `target` gives the link of a defined function: its
/// code, or its stub until it is translated), and replaces each instruction's opcode with its handler's
/// reference in `handlers` (see `HandlerSet`), which is what the handlers dispatch on; the code is finished
/// after this.
func link(_ f: CompiledFunction, importedFunctionCount: Int, handlers: HandlerSet, target: (Int) -> UInt64?) {
    var i = 0
    while i < f.codeCount {
        let w = f.code[i]
        let op = Opcode(unchecked: w)
        if op == .callInternal, i + 1 < f.codeCount,
           let link = target(Int(CallInternalInstruction(f.code + i).function) - importedFunctionCount) {
            f.code[i + 1] = link
        }
        f.code[i] = w & ~0xFFFF | UInt64(handlers.reference(op))
        i += op.words(w)
    }
}
