import Foundation
import Testing

/// Every program in Examples/ is built with the package (the test target depends on them) and run here;
/// its output must match.
@Suite struct ExamplesTests {
    /// The directory holding the built products (next to the test bundle).
    static var productsDirectory: URL {
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL
            ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return bundle.deletingLastPathComponent()
    }

    func run(_ product: String, in directory: URL) throws -> (output: String, status: Int32) {
        let process = Process()
        process.executableURL = Self.productsDirectory.appendingPathComponent(product)
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus)
    }

    @Test func quickstart() throws {
        let r = try run("QuickstartExample", in: Paths.examples.appendingPathComponent("Quickstart"))
        #expect(r.status == 0)
        #expect(r.output == "[\"myFunction\", \"add\"]\n10\n20\n5\n")
    }

    @Test func hostFunctions() throws {
        let r = try run("HostFunctionsExample", in: Paths.examples)
        #expect(r.status == 0)
        #expect(r.output == """
            Hello from wasm!
            17 / 5 + 17 % 5 = 5
            double(1.25) = 2.5
            caught Overheated(120) thrown by the host function

            """)
    }

    @Test func strings() throws {
        let r = try run("StringsExample", in: Paths.examples)
        #expect(r.status == 0)
        #expect(r.output == """
            shout: HELLO FROM SWIFT!
            count_words: 4
            reverse_in_place: desserts

            """)
    }

    @Test func sharedMemory() throws {
        let r = try run("SharedMemoryExample", in: Paths.examples)
        #expect(r.status == 0)
        #expect(r.output == """
            reader sums what writer wrote: 55
            Swift reads the third value: 3
            after Swift stores 1000 at address 0: 1054
            grew from 1 to 2 pages

            """)
    }

    @Test func catchingTraps() throws {
        let r = try run("CatchingTrapsExample", in: Paths.examples)
        #expect(r.status == 0)
        #expect(r.output == """
            trap: integer divide by zero
            backtrace: divide (func 0) <- compute (func 1)
            still usable: compute(4) = 25
            metered: all fuel consumed
            timed: deadline exceeded

            """)
    }

    /// The README's quickstart is the Quickstart example, character for character, so building the package
    /// (which builds the example) keeps the README compiling, and the test above checks what it prints.
    @Test func readmeQuickstartIsTheExample() throws {
        let readme = try String(contentsOf: Paths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try String(contentsOf: Paths.examples.appendingPathComponent("Quickstart/main.swift"), encoding: .utf8)
        let indented = example.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
        #expect(readme.contains("```swift\n" + example + "```") || readme.contains(indented),
                "README.md must contain Examples/Quickstart/main.swift verbatim")
    }

    /// The README's promise, literally: a fresh package that depends on this one by path, with the quickstart
    /// as its main.swift, builds and prints the right numbers. Slow (a full build) and needs the
    /// swift-argument-parser dependency resolvable, so it runs only with SWASM_FRESH_PACKAGE_TEST=1;
    /// ``readmeQuickstartIsTheExample()`` keeps the same code compiling in every run.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SWASM_FRESH_PACKAGE_TEST"] == "1"))
    func readmeQuickstartBuildsInAFreshPackage() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swasm-fresh-\(UUID().uuidString)")
        let sources = dir.appendingPathComponent("Sources/App")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifest = """
            // swift-tools-version:6.0
            import PackageDescription
            let package = Package(
                name: "App",
                dependencies: [.package(path: "\(Paths.packageRoot.path)")],
                targets: [.executableTarget(name: "App", dependencies: [
                    .product(name: "Swasm", package: "\(Paths.packageRoot.lastPathComponent)"),
                ])]
            )
            """
        try manifest.write(to: dir.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        let quickstart = Paths.examples.appendingPathComponent("Quickstart")
        try FileManager.default.copyItem(at: quickstart.appendingPathComponent("main.swift"),
                                         to: sources.appendingPathComponent("main.swift"))
        try FileManager.default.copyItem(at: quickstart.appendingPathComponent("my-module.wasm"),
                                         to: dir.appendingPathComponent("my-module.wasm"))
        let build = Process()
        build.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        build.arguments = ["swift", "build"]
        build.currentDirectoryURL = dir
        let finished = DispatchSemaphore(value: 0)
        build.terminationHandler = { _ in finished.signal() }
        try build.run()
        if finished.wait(timeout: .now() + 1200) == .timedOut { build.terminate() }
        build.waitUntilExit()
        #expect(build.terminationStatus == 0)
        let app = Process()
        app.executableURL = dir.appendingPathComponent(".build/debug/App")
        app.currentDirectoryURL = dir
        let pipe = Pipe()
        app.standardOutput = pipe
        try app.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        app.waitUntilExit()
        #expect(output == "[\"myFunction\", \"add\"]\n10\n20\n5\n")
    }

    /// The committed my-module.wasm is what my-module.wat encodes to.
    @Test func quickstartWasmMatchesItsSource() throws {
        let dir = Paths.examples.appendingPathComponent("Quickstart")
        let text = try String(contentsOf: dir.appendingPathComponent("my-module.wat"), encoding: .utf8)
        let committed = try Data(contentsOf: dir.appendingPathComponent("my-module.wasm"))
        #expect(Array(committed) == (try WATBytes.encode(text)))
    }
}

import WasmText
enum WATBytes {
    static func encode(_ text: String) throws -> [UInt8] { try WAT.encode(text) }
}
