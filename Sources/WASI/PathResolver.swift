import WasmPlatform

/// A guest path resolved to a host directory and a final name inside it.
///
/// `directory` is an open host directory descriptor that lies inside the sandbox root; `name` is a single path
/// component (never containing "/") or "." for the directory itself. Call ``close()`` when done.
package struct ResolvedPath {
    package let directory: Int32
    package let name: String
    let owned: Bool

    package func close() {
        if owned { Platform.close(directory) }
    }
}

/// Resolves guest paths relative to a sandbox root descriptor, component by component.
///
/// The sandbox is the directory tree below `root`. Absolute paths are refused (ENOTCAPABLE); `..` is applied to
/// the directories actually walked, and climbing above the root is ENOTCAPABLE. Each intermediate directory is
/// opened with `openat(O_NOFOLLOW | O_DIRECTORY)`, so the host never follows a symlink on its own: symlinks are
/// read with `readlinkat` and their (relative) targets spliced into the remaining components, so they resolve
/// inside the sandbox too; an absolute symlink target is ENOTCAPABLE.
package enum PathResolver {
    /// Maximum symlink expansions in one resolution (ELOOP beyond).
    static let maxSymlinks = 40

    /// Resolves `path` below the directory `root`.
    /// - Parameters:
    ///   - followFinal: expand a symlink in the last component too.
    ///   - trailingSlashMeansDirectory: `a/` resolves as `a/.` (the last component must be a directory);
    ///     otherwise trailing slashes are ignored (for mkdir/rmdir/rename).
    package static func resolve(root: Int32, path: String, followFinal: Bool,
                                trailingSlashMeansDirectory: Bool = true) throws(Errno) -> ResolvedPath {
        guard !path.isEmpty else { throw .noent }
        guard !path.utf8.contains(0) else { throw .inval }
        guard !path.hasPrefix("/") else { throw .notcapable }

        // Remaining components, in reverse order (the next one is last).
        var pending = components(path, trailingSlashMeansDirectory: trailingSlashMeansDirectory).reversed() as [String]
        if pending.isEmpty { pending = ["."] }
        var stack: [Int32] = [root]
        var expansions = 0
        func closeAll() {
            for fd in stack.dropFirst() { Platform.close(fd) }
        }

        while let component = pending.popLast() {
            let isLast = pending.isEmpty
            if component == "." {
                if isLast { break }
                continue
            }
            if component == ".." {
                guard stack.count > 1 else { closeAll(); throw .notcapable }
                Platform.close(stack.removeLast())
                if isLast { return finish(stack, ".") }
                continue
            }
            guard let top = stack.last else { throw .notcapable }
            if isLast {
                if followFinal, let target = try symlinkTarget(top, component) {
                    expansions += 1
                    guard expansions <= maxSymlinks else { closeAll(); throw .loop }
                    guard !target.hasPrefix("/") else { closeAll(); throw .notcapable }
                    let parts = components(target, trailingSlashMeansDirectory: true)
                    pending.append(contentsOf: parts.isEmpty ? ["."] : parts.reversed())
                    continue
                }
                return finish(stack, component)
            }
            let fd = openat(top, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if fd >= 0 {
                stack.append(fd)
                continue
            }
            let e = errno
            if e == ELOOP || e == ENOTDIR || e == EMLINK, let target = try symlinkTarget(top, component) {
                expansions += 1
                guard expansions <= maxSymlinks else { closeAll(); throw .loop }
                guard !target.hasPrefix("/") else { closeAll(); throw .notcapable }
                let parts = components(target, trailingSlashMeansDirectory: true)
                // The link stands for a directory here: `link/x` continues with the target's components.
                pending.append(contentsOf: parts.isEmpty ? ["."] : parts.reversed())
                continue
            }
            closeAll()
            throw Errno.fromHost(e)
        }
        return finish(stack, ".")
    }

    private static func finish(_ stack: [Int32], _ name: String) -> ResolvedPath {
        for fd in stack.dropFirst().dropLast() { Platform.close(fd) }
        let top = stack.last ?? stack[0]
        return ResolvedPath(directory: top, name: name, owned: stack.count > 1)
    }

    /// The path's components without empty ones; a trailing slash adds "." when requested.
    static func components(_ path: String, trailingSlashMeansDirectory: Bool) -> [String] {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if trailingSlashMeansDirectory && path.hasSuffix("/") && !parts.isEmpty { parts.append(".") }
        return parts
    }

    /// True if `name` in `dir` is a symlink.
    static func isSymlink(_ dir: Int32, _ name: String) -> Bool {
        var st = stat()
        return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
    }

    /// The target of `name` in `dir` if it is a symlink, nil if it is not (or does not exist).
    static func symlinkTarget(_ dir: Int32, _ name: String) throws(Errno) -> String? {
        var st = stat()
        guard fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        guard (st.st_mode & S_IFMT) == S_IFLNK else { return nil }
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBufferPointer { b -> Int in
            guard let p = b.baseAddress else { return -1 }
            return readlinkat(dir, name, p, b.count)
        }
        guard n >= 0 else { throw Errno.last }
        guard n < buffer.count else { throw .nametoolong }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
