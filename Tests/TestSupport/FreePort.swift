import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on 127.0.0.1 that nothing listens on right now, below the kernel's ephemeral range.
///
/// A port the kernel chooses (bind to port 0) comes from the ephemeral range, which it also uses
/// for the local end of outgoing connections: a test that stops a server and starts it again on
/// the same port, or that picks its port in that range, can find the port held by some client's
/// connection (CI failed once with PostgreSQL on 55444 "Address already in use"). Ports below the
/// range are never handed out that way. Each port is handed out once per test process.
public func freePort() -> Int {
    for _ in 0..<1_000 {
        let port = Int.random(in: 20_000..<firstEphemeralPort())
        guard PortsHandedOut.claim(port), canBind(port) else { continue }
        return port
    }
    fatalError("no free TCP port on 127.0.0.1 between 20000 and \(firstEphemeralPort())")
}

private enum PortsHandedOut {
    static let ports = Mutex<Set<Int>>([])

    static func claim(_ port: Int) -> Bool {
        ports.withLock { $0.insert(port).inserted }
    }
}

private func firstEphemeralPort() -> Int {
    let range = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
    let first = range.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) }
    return max(min(first ?? 32_768, 65_535), 20_001)
}

private func canBind(_ port: Int) -> Bool {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { return false }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let length = socklen_t(MemoryLayout<sockaddr_in>.size)
    return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } } == 0
}
