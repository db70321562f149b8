#if canImport(Glibc)
import Glibc
#endif

/// The registry's lock (`flock` on `<registry>/.lock`): one promotion, rollback or prune at a
/// time. Taken without waiting: a second one is refused with a clear error instead of queueing
/// behind a process that may be stuck. The kernel drops it when the holder dies.
final class RegistryLock {
    private let descriptor: Int32

    init(directory: String) throws(RegistryError) {
        let path = directory + "/.lock"
        let descriptor = open(path, O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0 else {
            throw RegistryError(.io, "cannot open the registry's lock \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw RegistryError(.busy, "another promotion, rollback or prune holds the registry's lock (\(path)); nothing was changed")
        }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
