import Testing
@testable import SwasmCLI

/// `swasm run --invoke` with v128 arguments and results (V128Literal's syntax).
@Suite struct V128CLITests {
    static let vectors = """
        (module
          (func (export "id") (param v128) (result v128) (local.get 0))
          (func (export "swap") (param v128 v128) (result v128 v128) (local.get 1) (local.get 0))
          (func (export "mix") (param i32 v128 i64 v128 f32) (result f32 v128 i32 v128 i64)
            (local.get 4) (local.get 3) (local.get 0) (local.get 1) (local.get 2)))
        """

    static func parse(_ text: String) throws -> (UInt64, UInt64) {
        let v = try V128Literal(parsing: text)
        return (v.low, v.high)
    }

    static func error(_ text: String) -> String? {
        do {
            _ = try V128Literal(parsing: text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func parsesEveryShapeLaneZeroFirst() throws {
        #expect(try Self.parse("i32x4:1,2,3,4") == (0x0000_0002_0000_0001, 0x0000_0004_0000_0003))
        #expect(try Self.parse("i32x4 1 2 3 4") == (0x0000_0002_0000_0001, 0x0000_0004_0000_0003))
        #expect(try Self.parse(" i32x4: 1, 2 ,3,\t4 ") == (0x0000_0002_0000_0001, 0x0000_0004_0000_0003))
        #expect(try Self.parse("i32x4:-1,0xffffffff,4294967295,-2147483648") == (0xFFFF_FFFF_FFFF_FFFF, 0x8000_0000_FFFF_FFFF))
        #expect(try Self.parse("i8x16:0,1,2,3,4,5,6,7,8,9,10,11,12,13,-1,0xff") == (0x0706_0504_0302_0100, 0xFFFF_0D0C_0B0A_0908))
        #expect(try Self.parse("i16x8:1,-1,0x8000,65535,-32768,+7,0,2") == (0xFFFF_8000_FFFF_0001, 0x0002_0000_0007_8000))
        #expect(try Self.parse("i64x2:-1,0x8000000000000000") == (0xFFFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000))
        #expect(try Self.parse("i64x2:18446744073709551615,-9223372036854775808") == (0xFFFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000))
        #expect(try Self.parse("f32x4:1.5,-0,inf,-inf") == (0x8000_0000_3FC0_0000, 0xFF80_0000_7F80_0000))
        #expect(try Self.parse("f32x4:nan,-nan,nan:0x1,-nan:0x7fffff") == (0xFFC0_0000_7FC0_0000, 0xFFFF_FFFF_7F80_0001))
        #expect(try Self.parse("f32x4:0x1p-1,1e-3,NaN,Infinity") == (0x3A83_126F_3F00_0000, 0x7F80_0000_7FC0_0000))
        #expect(try Self.parse("f64x2:0.1,-nan:0x8000000000001") == (0x3FB9_9999_9999_999A, 0xFFF8_0000_0000_0001))
        #expect(try Self.parse("f64x2:-inf,nan") == (0xFFF0_0000_0000_0000, 0x7FF8_0000_0000_0000))
        #expect(try Self.parse("0x00000004000000030000000200000001") == (0x0000_0002_0000_0001, 0x0000_0004_0000_0003))
        #expect(try Self.parse("0X00000004_00000003_00000002_00000001") == (0x0000_0002_0000_0001, 0x0000_0004_0000_0003))
        #expect(try Self.parse("0xFFEEDDCCBBAA99887766554433221100") == (0x7766_5544_3322_1100, 0xFFEE_DDCC_BBAA_9988))
    }

    @Test func badArgumentsSayWhatIsWrong() {
        let shapes = "i8x16, i16x8, i32x4, i64x2, f32x4, f64x2"
        #expect(Self.error("") == "expected SHAPE:LANES (SHAPE one of \(shapes)) or 0x and 32 hex digits")
        #expect(Self.error("12") == "expected SHAPE:LANES (SHAPE one of \(shapes)) or 0x and 32 hex digits")
        #expect(Self.error("i32x3:1,2,3") == "unknown shape \"i32x3\" (expected \(shapes))")
        #expect(Self.error("i32x4:1,2,3") == "i32x4 needs 4 lanes, got 3")
        #expect(Self.error("i32x4:1,2,3,4,5") == "i32x4 needs 4 lanes, got 5")
        #expect(Self.error("i32x4:") == "i32x4 needs 4 lanes, got 0")
        #expect(Self.error("i32x4:1,,3,4") == "lane 1 is empty")
        #expect(Self.error("i8x16:256,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0") == "lane 0 \"256\" is not an i8 (-128 to 255, decimal or 0x hex)")
        #expect(Self.error("i16x8:0,-32769,0,0,0,0,0,0") == "lane 1 \"-32769\" is not an i16 (-32768 to 65535, decimal or 0x hex)")
        #expect(Self.error("i32x4:1,2,3,x") == "lane 3 \"x\" is not an i32 (-2147483648 to 4294967295, decimal or 0x hex)")
        #expect(Self.error("i32x4:1,2,3,--4") == "lane 3 \"--4\" is not an i32 (-2147483648 to 4294967295, decimal or 0x hex)")
        #expect(Self.error("i64x2:0,-0x8000000000000001")
                == "lane 1 \"-0x8000000000000001\" is not an i64 (-9223372036854775808 to 18446744073709551615, decimal or 0x hex)")
        #expect(Self.error("f32x4:1e50,0,0,0") == "lane 0 \"1e50\" is not an f32 (a finite number, inf, -inf, nan, -nan or nan:0xPAYLOAD)")
        #expect(Self.error("f32x4:nan:0x800000,0,0,0")
                == "lane 0 \"nan:0x800000\" is not an f32 (a finite number, inf, -inf, nan, -nan or nan:0xPAYLOAD)")
        #expect(Self.error("f64x2:nan:0x0,0") == "lane 0 \"nan:0x0\" is not an f64 (a finite number, inf, -inf, nan, -nan or nan:0xPAYLOAD)")
        #expect(Self.error("0x123") == "0x must be followed by 32 hex digits, got 3")
        #expect(Self.error("0x") == "0x must be followed by 32 hex digits, got 0")
        #expect(Self.error("0x000000000000000000000000000000001") == "0x must be followed by 32 hex digits, got 33")
        #expect(Self.error("0xg0000000000000000000000000000000") == "\"g\" is not a hex digit")
    }

    @Test func printsEveryFormatSoItParsesBack() throws {
        let ramp = V128Literal(low: 0x7766_5544_3322_1100, high: 0xFFEE_DDCC_BBAA_9988)
        #expect(ramp.formatted(.lanes(.i8x16)) == "i8x16:0,17,34,51,68,85,102,119,-120,-103,-86,-69,-52,-35,-18,-1")
        #expect(ramp.formatted(.lanes(.i16x8)) == "i16x8:4352,13090,21828,30566,-26232,-17494,-8756,-18")
        #expect(ramp.formatted(.lanes(.i32x4)) == "i32x4:857870592,2003195204,-1146447480,-1122868")
        #expect(ramp.formatted(.lanes(.i64x2)) == "i64x2:8603657889541918976,-4822678189205112")
        #expect(ramp.formatted(.hex) == "0xffeeddccbbaa99887766554433221100")
        let floats = V128Literal(low: 0x8000_0000_3FC0_0000, high: 0xFFC0_0000_7F80_0001)
        #expect(floats.formatted(.lanes(.f32x4)) == "f32x4:1.5,-0.0,nan:0x1,-nan")
        let doubles = V128Literal(low: 0x3FB9_9999_9999_999A, high: 0x7FF4_0000_0000_0000)
        #expect(doubles.formatted(.lanes(.f64x2)) == "f64x2:0.1,nan:0x4000000000000")
        #expect(V128Literal(low: 0x7F80_0000_FF80_0000, high: 0).formatted(.lanes(.f32x4)) == "f32x4:-inf,inf,0.0,0.0")
        for v in [ramp, floats, doubles] {
            for format in V128Literal.Shape.allCases.map(V128Literal.Format.lanes) + [.hex] {
                let text = v.formatted(format)
                let back = try V128Literal(parsing: text)
                #expect(back.low == v.low && back.high == v.high, "\(text)")
            }
        }
    }

    @Test func invokePassesAndPrintsVectors() {
        let s = Scratch()
        let file = s.write("vectors.wat", Self.vectors)
        let id = swasm(["run", "--invoke", "id", file, "i32x4:1,2,3,4"])
        #expect(id.code == 0 && id.stdout == "i32x4:1,2,3,4\n" && id.stderr == "")
        #expect(swasm(["run", "--invoke", "id", file, "0x0000000400000003_0000000200000001"]).stdout == "i32x4:1,2,3,4\n")
        #expect(swasm(["run", "--invoke", "id", "--v128-format", "f32x4", file, "f32x4:1.5,nan,-inf,nan:0x1"]).stdout
                == "f32x4:1.5,nan,-inf,nan:0x1\n")
        #expect(swasm(["run", "--v128-format", "hex", "--invoke", "id", file, "i8x16:1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16"]).stdout
                == "0x100f0e0d0c0b0a090807060504030201\n")
        #expect(swasm(["run", "--invoke", "swap", "--v128-format", "i64x2", file, "i64x2:1,2", "i64x2:-3,-4"]).stdout
                == "i64x2:-3,-4\ni64x2:1,2\n")
        let mix = swasm(["run", "--invoke", "mix", "--v128-format", "i16x8", file,
                         "7", "i16x8:1,2,3,4,5,6,7,-8", "-9", "f64x2:1,-2", "2.5"])
        #expect(mix.stdout == "2.5\ni16x8:0,0,0,16368,0,0,0,-16384\n7\ni16x8:1,2,3,4,5,6,7,-8\n-9\n")
    }

    @Test func invokeReportsBadVectors() {
        let s = Scratch()
        let file = s.write("vectors.wat", Self.vectors)
        let lanes = swasm(["run", "--invoke", "mix", file, "1", "i32x4:1,2", "3", "i32x4:1,2,3,4", "5"])
        #expect(lanes.code == 1)
        #expect(lanes.stdout == "")
        #expect(lanes.stderr == "error: cannot parse \"i32x4:1,2\" as v128 (argument 2): i32x4 needs 4 lanes, got 2\n")
        let scalar = swasm(["run", "--invoke", "id", file, "5"])
        #expect(scalar.stderr == "error: cannot parse \"5\" as v128 (argument 1): expected SHAPE:LANES "
                + "(SHAPE one of i8x16, i16x8, i32x4, i64x2, f32x4, f64x2) or 0x and 32 hex digits\n")
        let format = swasm(["run", "--v128-format", "f32", "--invoke", "id", file, "i32x4:1,2,3,4"])
        #expect(format.code == 1)
        #expect(format.stderr == "error: --v128-format expects i8x16, i16x8, i32x4, i64x2, f32x4, f64x2 or hex, got \"f32\"\n")
    }

    @Test func helpDescribesTheSyntax() {
        let help = RunCommand.helpMessage()
        #expect(help.contains("--v128-format <SHAPE>"))
        #expect(help.contains("i32x4:1,2,3,4"))
        #expect(help.contains("0x00000004_00000003_00000002_00000001"))
    }
}
