import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Listens on a fixed 127.0.0.1 port and relays each connection to the mock cluster's first
/// broker, so clients can bootstrap from a port known in advance. (The mock brokers listen on
/// ports the OS picks; after bootstrapping, clients talk to the brokers the metadata names.)
public final class BootstrapRelay: @unchecked Sendable {
    // Unchecked Sendable: the listening socket is only closed once, in stop().
    private let listener: Int32
    private let target: (host: String, port: UInt16)

    public init(port: UInt16, target: String) throws {
        let parts = target.split(separator: ",")[0].split(separator: ":")
        guard parts.count == 2, let targetPort = UInt16(parts[1]) else { throw RelayError("cannot read the broker address \(target)") }
        self.target = (String(parts[0]), targetPort)
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw RelayError("cannot create a socket") }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.address(host: "127.0.0.1", port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else {
            close(listener)
            throw RelayError("cannot listen on 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
    }

    public func start() {
        let listener = self.listener
        let target = self.target
        Thread {
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var address = BootstrapRelay.address(host: target.host, port: target.port)
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                guard connected == 0 else {
                    close(client)
                    close(upstream)
                    continue
                }
                BootstrapRelay.pipe(from: client, to: upstream)
                BootstrapRelay.pipe(from: upstream, to: client)
            }
        }.start()
    }

    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// Copies bytes one way until either side closes, then closes both directions.
    private static func pipe(from source: Int32, to destination: Int32) {
        Thread {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                var written = 0
                while written < count {
                    let result = buffer.withUnsafeBytes { write(destination, $0.baseAddress! + written, count - written) }
                    if result <= 0 { break }
                    written += result
                }
                if written < count { break }
            }
            shutdown(source, Int32(SHUT_RDWR))
            shutdown(destination, Int32(SHUT_RDWR))
        }.start()
    }

    private static func address(host: String, port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        return address
    }

    struct RelayError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
