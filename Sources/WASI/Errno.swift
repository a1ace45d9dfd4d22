import WasmPlatform

/// A WASI preview1 `errno` value (the result of every preview1 function except `proc_exit`).
package struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    package let rawValue: UInt16
    package init(_ rawValue: UInt16) { self.rawValue = rawValue }

    package static let success = Errno(0)
    package static let toobig = Errno(1)
    package static let acces = Errno(2)
    package static let addrinuse = Errno(3)
    package static let addrnotavail = Errno(4)
    package static let afnosupport = Errno(5)
    package static let again = Errno(6)
    package static let already = Errno(7)
    package static let badf = Errno(8)
    package static let badmsg = Errno(9)
    package static let busy = Errno(10)
    package static let canceled = Errno(11)
    package static let child = Errno(12)
    package static let connaborted = Errno(13)
    package static let connrefused = Errno(14)
    package static let connreset = Errno(15)
    package static let deadlk = Errno(16)
    package static let destaddrreq = Errno(17)
    package static let dom = Errno(18)
    package static let dquot = Errno(19)
    package static let exist = Errno(20)
    package static let fault = Errno(21)
    package static let fbig = Errno(22)
    package static let hostunreach = Errno(23)
    package static let idrm = Errno(24)
    package static let ilseq = Errno(25)
    package static let inprogress = Errno(26)
    package static let intr = Errno(27)
    package static let inval = Errno(28)
    package static let io = Errno(29)
    package static let isconn = Errno(30)
    package static let isdir = Errno(31)
    package static let loop = Errno(32)
    package static let mfile = Errno(33)
    package static let mlink = Errno(34)
    package static let msgsize = Errno(35)
    package static let multihop = Errno(36)
    package static let nametoolong = Errno(37)
    package static let netdown = Errno(38)
    package static let netreset = Errno(39)
    package static let netunreach = Errno(40)
    package static let nfile = Errno(41)
    package static let nobufs = Errno(42)
    package static let nodev = Errno(43)
    package static let noent = Errno(44)
    package static let noexec = Errno(45)
    package static let nolck = Errno(46)
    package static let nolink = Errno(47)
    package static let nomem = Errno(48)
    package static let nomsg = Errno(49)
    package static let noprotoopt = Errno(50)
    package static let nospc = Errno(51)
    package static let nosys = Errno(52)
    package static let notconn = Errno(53)
    package static let notdir = Errno(54)
    package static let notempty = Errno(55)
    package static let notrecoverable = Errno(56)
    package static let notsock = Errno(57)
    package static let notsup = Errno(58)
    package static let notty = Errno(59)
    package static let nxio = Errno(60)
    package static let overflow = Errno(61)
    package static let ownerdead = Errno(62)
    package static let perm = Errno(63)
    package static let pipe = Errno(64)
    package static let proto = Errno(65)
    package static let protonosupport = Errno(66)
    package static let prototype = Errno(67)
    package static let range = Errno(68)
    package static let rofs = Errno(69)
    package static let spipe = Errno(70)
    package static let srch = Errno(71)
    package static let stale = Errno(72)
    package static let timedout = Errno(73)
    package static let txtbsy = Errno(74)
    package static let xdev = Errno(75)
    package static let notcapable = Errno(76)

    package var description: String { "errno \(rawValue)" }

    /// Translates a host errno to the preview1 value. Host values differ between systems (ENOTSUP is 95 on
    /// Linux, 45 on Darwin), so every case is matched by its name from the host's C headers, never by number;
    /// names that share a value on one host (EAGAIN/EWOULDBLOCK, ENOTSUP/EOPNOTSUPP on Linux) share a case.
    /// The names are the POSIX.1-2008 <errno.h> set, which Linux, Darwin and the BSDs all define.
    package static func fromHost(_ e: Int32) -> Errno {
        switch e {
        case 0: return .success
        case E2BIG: return .toobig
        case EACCES: return .acces
        case EADDRINUSE: return .addrinuse
        case EADDRNOTAVAIL: return .addrnotavail
        case EAFNOSUPPORT: return .afnosupport
        case EAGAIN, EWOULDBLOCK: return .again
        case EALREADY: return .already
        case EBADF: return .badf
        case EBADMSG: return .badmsg
        case EBUSY: return .busy
        case ECANCELED: return .canceled
        case ECHILD: return .child
        case ECONNABORTED: return .connaborted
        case ECONNREFUSED: return .connrefused
        case ECONNRESET: return .connreset
        case EDEADLK: return .deadlk
        case EDESTADDRREQ: return .destaddrreq
        case EDOM: return .dom
        case EDQUOT: return .dquot
        case EEXIST: return .exist
        case EFAULT: return .fault
        case EFBIG: return .fbig
        case EHOSTUNREACH: return .hostunreach
        case EIDRM: return .idrm
        case EILSEQ: return .ilseq
        case EINPROGRESS: return .inprogress
        case EINTR: return .intr
        case EINVAL: return .inval
        case EIO: return .io
        case EISCONN: return .isconn
        case EISDIR: return .isdir
        case ELOOP: return .loop
        case EMFILE: return .mfile
        case EMLINK: return .mlink
        case EMSGSIZE: return .msgsize
        case EMULTIHOP: return .multihop
        case ENAMETOOLONG: return .nametoolong
        case ENETDOWN: return .netdown
        case ENETRESET: return .netreset
        case ENETUNREACH: return .netunreach
        case ENFILE: return .nfile
        case ENOBUFS: return .nobufs
        case ENODEV: return .nodev
        case ENOENT: return .noent
        case ENOEXEC: return .noexec
        case ENOLCK: return .nolck
        case ENOLINK: return .nolink
        case ENOMEM: return .nomem
        case ENOMSG: return .nomsg
        case ENOPROTOOPT: return .noprotoopt
        case ENOSPC: return .nospc
        case ENOSYS: return .nosys
        case ENOTCONN: return .notconn
        case ENOTDIR: return .notdir
        case ENOTEMPTY: return .notempty
        case ENOTRECOVERABLE: return .notrecoverable
        case ENOTSUP, EOPNOTSUPP: return .notsup
        case ENOTSOCK: return .notsock
        case ENOTTY: return .notty
        case ENXIO: return .nxio
        case EOVERFLOW: return .overflow
        case EOWNERDEAD: return .ownerdead
        case EPERM: return .perm
        case EPIPE: return .pipe
        case EPROTO: return .proto
        case EPROTONOSUPPORT: return .protonosupport
        case EPROTOTYPE: return .prototype
        case ERANGE: return .range
        case EROFS: return .rofs
        case ESPIPE: return .spipe
        case ESRCH: return .srch
        case ESTALE: return .stale
        case ETIMEDOUT: return .timedout
        case ETXTBSY: return .txtbsy
        case EXDEV: return .xdev
        default: return .io
        }
    }

    /// The current host `errno`, translated.
    static var last: Errno { fromHost(errno) }
}

/// Thrown by `proc_exit`: the guest asked to end the run with this exit code.
package struct WASIExit: Error, Hashable, Sendable, CustomStringConvertible {
    package let code: Int32
    package init(_ code: Int32) { self.code = code }
    package var description: String { "exit with code \(code)" }
}

/// Preview1 constants.
package enum WASIConst {
    // filetype
    static let fileTypeUnknown: UInt8 = 0
    static let fileTypeBlockDevice: UInt8 = 1
    static let fileTypeCharacterDevice: UInt8 = 2
    static let fileTypeDirectory: UInt8 = 3
    static let fileTypeRegular: UInt8 = 4
    static let fileTypeSocketDgram: UInt8 = 5
    static let fileTypeSocketStream: UInt8 = 6
    static let fileTypeSymlink: UInt8 = 7
    // oflags
    static let oCreat: UInt32 = 1
    static let oDirectory: UInt32 = 2
    static let oExcl: UInt32 = 4
    static let oTrunc: UInt32 = 8
    // fdflags
    static let fdAppend: UInt32 = 1
    static let fdDsync: UInt32 = 2
    static let fdNonblock: UInt32 = 4
    static let fdRsync: UInt32 = 8
    static let fdSync: UInt32 = 16
    // lookupflags
    static let lookupSymlinkFollow: UInt32 = 1
}

/// Preview1 rights bits.
package struct Rights: OptionSet, Sendable {
    package let rawValue: UInt64
    package init(rawValue: UInt64) { self.rawValue = rawValue }
    static let fdDatasync = Rights(rawValue: 1 << 0)
    static let fdRead = Rights(rawValue: 1 << 1)
    static let fdSeek = Rights(rawValue: 1 << 2)
    static let fdFdstatSetFlags = Rights(rawValue: 1 << 3)
    static let fdSync = Rights(rawValue: 1 << 4)
    static let fdTell = Rights(rawValue: 1 << 5)
    static let fdWrite = Rights(rawValue: 1 << 6)
    static let fdAdvise = Rights(rawValue: 1 << 7)
    static let fdAllocate = Rights(rawValue: 1 << 8)
    static let pathCreateDirectory = Rights(rawValue: 1 << 9)
    static let pathCreateFile = Rights(rawValue: 1 << 10)
    static let pathLinkSource = Rights(rawValue: 1 << 11)
    static let pathLinkTarget = Rights(rawValue: 1 << 12)
    static let pathOpen = Rights(rawValue: 1 << 13)
    static let fdReaddir = Rights(rawValue: 1 << 14)
    static let pathReadlink = Rights(rawValue: 1 << 15)
    static let pathRenameSource = Rights(rawValue: 1 << 16)
    static let pathRenameTarget = Rights(rawValue: 1 << 17)
    static let pathFilestatGet = Rights(rawValue: 1 << 18)
    static let pathFilestatSetSize = Rights(rawValue: 1 << 19)
    static let pathFilestatSetTimes = Rights(rawValue: 1 << 20)
    static let fdFilestatGet = Rights(rawValue: 1 << 21)
    static let fdFilestatSetSize = Rights(rawValue: 1 << 22)
    static let fdFilestatSetTimes = Rights(rawValue: 1 << 23)
    static let pathSymlink = Rights(rawValue: 1 << 24)
    static let pathRemoveDirectory = Rights(rawValue: 1 << 25)
    static let pathUnlinkFile = Rights(rawValue: 1 << 26)
    static let pollFdReadwrite = Rights(rawValue: 1 << 27)
    static let sockShutdown = Rights(rawValue: 1 << 28)
    static let sockAccept = Rights(rawValue: 1 << 29)

    /// Rights that modify the file system or a file's contents.
    static let mutating: Rights = [.fdDatasync, .fdWrite, .fdAllocate, .pathCreateDirectory, .pathCreateFile,
                                   .pathLinkTarget, .pathRenameSource, .pathRenameTarget, .pathFilestatSetSize,
                                   .pathFilestatSetTimes, .fdFilestatSetSize, .fdFilestatSetTimes, .pathSymlink,
                                   .pathRemoveDirectory, .pathUnlinkFile, .fdSync]
    /// Rights meaningful on a regular file.
    static let file: Rights = [.fdDatasync, .fdRead, .fdSeek, .fdFdstatSetFlags, .fdSync, .fdTell, .fdWrite,
                               .fdAdvise, .fdAllocate, .fdFilestatGet, .fdFilestatSetSize, .fdFilestatSetTimes,
                               .pollFdReadwrite]
    /// Rights meaningful on a directory.
    static let directory: Rights = [.fdFdstatSetFlags, .fdSync, .fdAdvise, .pathCreateDirectory, .pathCreateFile,
                                    .pathLinkSource, .pathLinkTarget, .pathOpen, .fdReaddir, .pathReadlink,
                                    .pathRenameSource, .pathRenameTarget, .pathFilestatGet, .pathFilestatSetSize,
                                    .pathFilestatSetTimes, .fdFilestatGet, .fdFilestatSetTimes, .pathSymlink,
                                    .pathRemoveDirectory, .pathUnlinkFile, .fdDatasync]
}
