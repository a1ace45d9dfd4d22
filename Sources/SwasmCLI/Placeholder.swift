import ArgumentParser
public struct SwasmCommand: ParsableCommand { public init() {} public func run() throws {} }
