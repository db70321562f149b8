import Foundation

/// A shell command in its own process group (so a stop reaches everything it started), with
/// stdin from /dev/null and stdout + stderr appended to a log file, never the runner's pipes.
///
/// It runs under `dagrun-shim` (built next to dagrun) when that is found: a subreaper that kills
/// whatever the command left behind, including descendants that detached with `setsid`, when the
/// command ends or when the runner itself dies (`kill -9`), so no service outlives its runner.
public final class ChildProcess: Sendable {
    /// `dagrun-shim` beside this executable, if it was built.
    public static let supervisor: String? = {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        let path = (executable as NSString).deletingLastPathComponent + "/dagrun-shim"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()

    public let pid: pid_t
    public let command: String
    private let exit: ExitWaiter

    /// Starts `/bin/sh -c command` with `environment` (the whole environment), in `directory`.
    public init(command: String, environment: [String: String], directory: String?, logFile: String) throws {
        try FileManager.default.createDirectory(atPath: (logFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&fileActions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group; signals back to their defaults and none blocked (the runner itself
        // ignores SIGINT/SIGTERM, and ignored signals would otherwise be inherited).
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        var noneBlocked = sigset_t()
        sigemptyset(&noneBlocked)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &noneBlocked)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        // `cd` inside the shell: posix_spawn has no portable chdir action.
        let script = directory.map { "cd \(Self.quoted($0)) && exec /bin/sh -c \(Self.quoted(command))" } ?? command
        let shell = ["/bin/sh", "-c", script]
        let arguments = Self.supervisor.map { [$0, String(getpid())] + shell } ?? shell
        let environmentList = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = Self.withCStrings(arguments) { argv in
            Self.withCStrings(environmentList) { envp in
                posix_spawn(&pid, arguments[0], &fileActions, &attributes, argv, envp)
            }
        }
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EINVAL) }
        self.pid = pid
        self.command = command
        exit = ExitWaiter(pid: pid)
    }

    /// The exit status (128 + signal number when killed by a signal), once the process ended.
    public func waitForExit() async -> Int32 {
        await exit.value()
    }

    public var hasExited: Bool { exit.finished != nil }

    public var exitStatus: Int32? { exit.finished }

    /// Sends `signal` to the whole process group.
    public func signalGroup(_ signal: Int32) {
        _ = killpg(pid, signal)
    }

    /// `signal` to the group, then SIGKILL if the leader is still there after `grace`; the group
    /// gets a final SIGKILL too, so nothing it started outlives it.
    public func stop(signal: Int32 = SIGTERM, grace: Duration) async -> Int32 {
        if exit.finished == nil {
            signalGroup(signal)
            let deadline = ContinuousClock.now + grace
            while exit.finished == nil && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        signalGroup(SIGKILL)
        return await waitForExit()
    }

    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> T) -> T {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
