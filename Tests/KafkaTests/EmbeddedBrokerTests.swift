import AttacheKafka
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The embedded broker answers like a real broker on the wire: Nagle off on its connections.
@Suite("EmbeddedBroker")
struct EmbeddedBrokerTests {
    #if os(Linux)
        /// TCP_NODELAY of the listening socket of this process bound to `port`, nil when none is.
        func noDelay(ofListenerOn port: Int) -> Bool? {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return nil }
            for fd in names.compactMap({ Int32($0) }) {
                var listening: Int32 = 0
                var size = socklen_t(MemoryLayout<Int32>.size)
                guard getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) == 0, listening != 0 else {
                    continue
                }
                var address = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let named = withUnsafeMutablePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
                }
                guard named == 0, Int(UInt16(bigEndian: address.sin_port)) == port else { continue }
                var value: Int32 = 0
                var valueSize = socklen_t(MemoryLayout<Int32>.size)
                guard getsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &value, &valueSize) == 0 else { return nil }
                return value != 0
            }
            return nil
        }

        @Test("every broker's listener has TCP_NODELAY, so answers never wait for a delayed ACK")
        func listenersHaveNoDelay() throws {
            let broker = try EmbeddedBroker(brokers: 3)
            let ports = broker.bootstrapServers.split(separator: ",").compactMap {
                $0.split(separator: ":").last.flatMap { Int($0) }
            }
            #expect(ports.count == 3)
            for port in ports {
                #expect(noDelay(ofListenerOn: port) == true, "the listener on port \(port)")
            }
        }
    #endif
}
