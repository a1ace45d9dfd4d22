// The only place in Swasm that names the C library (Scripts/check-platform.sh fails CI if another target does).
//
// Every other target imports `WasmPlatform` instead, and gets from here both the C library of the host (the
// POSIX calls, types and constants it declares, exported as they are) and `Platform` (Platform.swift), the
// wrappers for what differs between hosts: names that do not exist everywhere, constants whose C macros
// Swift cannot import, and calls a host lacks. ARCHITECTURE.md, "Platform layer", says why this shape.
#if canImport(Glibc)
// glibc on Linux; also the name of the C module on FreeBSD and OpenBSD.
@_exported import Glibc
#elseif canImport(Musl)
@_exported import Musl
#elseif canImport(Android)
@_exported import Android
#elseif canImport(Darwin)
@_exported import Darwin
#elseif canImport(ucrt)
@_exported import ucrt
#endif
