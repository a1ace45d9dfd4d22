import Testing
import WasmCore
import WasmPlatform
@testable import WasmRuntime

/// Linear memories live in reserved address space: growth never wraps, never commits physical memory up
/// front, and a memory that outgrows its reservation moves with its contents.
@Suite struct LinearMemoryTests {
    static let memory64 = """
        (module (memory (export "m") i64 1)
          (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
          (func (export "store") (param i64 i64) (i64.store (local.get 0) (local.get 1)))
          (func (export "load") (param i64) (result i64) (i64.load (local.get 0))))
        """
    static let memory32 = """
        (module (memory (export "m") 1)
          (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
          (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
          (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))
        """

    func memory(_ instance: ModuleInstance) throws -> MemoryInstance {
        guard case .memory(let m)? = instance.export("m") else { throw ExportMissing() }
        return m
    }
    struct ExportMissing: Error {}

    @Test func aGrowWhosePageCountWouldWrapTheByteCountFails() throws {
        // (1 + 0xffffffffffff) pages is 2^64 bytes: a byte count computed by shifting wraps to 0.
        let (s, i) = try instantiate(Self.memory64)
        #expect(try call(s, i, "grow", [0xFFFF_FFFF_FFFF]) == [UInt64.max])
        #expect(try call(s, i, "store", [0, 0x4141_4141_4141_4141]) == [])
        #expect(try call(s, i, "load", [0]) == [0x4141_4141_4141_4141])
        #expect(try call(s, i, "load", [8]) == [0])
        #expect(try memory(i).pageCount == 1)
    }

    @Test func aGrowToTwoToTheSixtyThreeBytesFails() throws {
        let (s, i) = try instantiate(Self.memory64)
        #expect(try call(s, i, "grow", [0x8000_0000_0000]) == [UInt64.max])
        #expect(try call(s, i, "grow", [UInt64.max]) == [UInt64.max])
        #expect(try call(s, i, "grow", [1]) == [1])
    }

    @Test func growingCommitsNoPhysicalMemory() throws {
        // 4 GiB of memory32 and 16 GiB of memory64 (the default limit), of which one page is touched.
        let (s32, i32) = try instantiate(Self.memory32)
        #expect(try call(s32, i32, "grow", [65535]) == [1])
        #expect(try call(s32, i32, "store", [0xFFFF_FFF0, 7]) == [])
        #expect(try call(s32, i32, "load", [0xFFFF_FFF0]) == [7])
        let m32 = try memory(i32)
        #expect(m32.byteCount == 1 << 32)
        #expect(m32.guardBytes == MemoryInstance.fullRangeGuardBytes)
        if let resident = VirtualMemory.residentPageCount(m32.base, m32.byteCount) {
            #expect(resident * VirtualMemory.pageSize <= 1 << 20, "\(resident) pages resident")
        }

        let (s64, i64) = try instantiate(Self.memory64)
        #expect(try call(s64, i64, "grow", [262_143]) == [1])
        #expect(try call(s64, i64, "grow", [1]) == [UInt64.max], "16 GiB is the default limit")
        #expect(try call(s64, i64, "store", [(16 << 30) - 8, 9]) == [])
        #expect(try call(s64, i64, "load", [(16 << 30) - 8]) == [9])
        let m64 = try memory(i64)
        if let resident = VirtualMemory.residentPageCount(m64.base, m64.byteCount) {
            #expect(resident * VirtualMemory.pageSize <= 1 << 20, "\(resident) pages resident")
        }
    }

    @Test func aMemoryWithAMaximumReservesOnlyThat() throws {
        let (_, i) = try instantiate("(module (memory (export \"m\") 1 3))")
        let m = try memory(i)
        #expect(m.reservedBytes == 3 << 16)
        #expect(m.guardBytes == 0)
        #expect(m.grow(by: 2) == 1)
        #expect(m.grow(by: 1) == nil)
    }

    @Test func aMemoryThatOutgrowsItsReservationMovesWithItsContents() throws {
        var limits = StoreLimits()
        limits.maxMemoryBytes = 2 * MemoryInstance.largestInitialReservation
        let (s, i) = try instantiate(Self.memory64, limits: limits)
        let m = try memory(i)
        #expect(UInt64(m.reservedBytes) == MemoryInstance.largestInitialReservation)
        #expect(try call(s, i, "store", [8, 0x1234]) == [])
        let pages = MemoryInstance.largestInitialReservation >> 16
        #expect(try call(s, i, "grow", [pages]) == [1])
        #expect(UInt64(m.reservedBytes) == 2 * MemoryInstance.largestInitialReservation)
        #expect(try call(s, i, "load", [8]) == [0x1234])
        let top = MemoryInstance.largestInitialReservation + (1 << 16) - 8
        #expect(try call(s, i, "load", [top]) == [0])
        #expect(try call(s, i, "store", [top, 5]) == [])
        #expect(try call(s, i, "load", [top]) == [5])
    }

    @Test func anInitialSizeOverTheLimitIsALinkErrorThatSaysSo() throws {
        var limits = StoreLimits()
        limits.maxMemoryBytes = 1 << 20
        #expect {
            _ = try instantiate("(module (memory 17))", limits: limits)
        } throws: { error in
            "\(error)".contains("memory of 17 pages exceeds the limit of 16 pages (1048576 bytes)")
        }
    }
}
