import WasmBinary
import WasmCore

/// Validates a whole module: module-level rules, then every function body.
public func validateModule(_ module: Module) throws(ValidationError) {
    let context = try ValidationContext(module: module)
    for i in module.bodies.indices {
        try validateFunctionBody(context: context, definedFunctionIndex: i)
    }
}

/// Decodes and validates the body of one defined function; returns its number of locals (parameters included)
/// and the greatest height its operand stack reaches.
@discardableResult
public func validateFunctionBody(context: ValidationContext,
                                 definedFunctionIndex: Int) throws(ValidationError) -> (localCount: Int, maxOperandHeight: Int) {
    var validator = try FunctionValidator(context: context, definedFunctionIndex: definedFunctionIndex)
    let body = context.storage.module.bodies[definedFunctionIndex]
    var reader = InstructionReader(body: body)
    let maxOperandHeight = try validator.validateBody(body.code, reader: &reader)
    if !reader.isAtEnd {
        throw ValidationError("section size mismatch: bytes after the function's final end", offset: reader.offset)
    }
    try validator.finish(at: reader.offset)
    return (validator.locals.count, maxOperandHeight)
}
