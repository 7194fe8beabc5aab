import Foundation
import Testing

@testable import AttacheKafka

#if canImport(Glibc)
    import Glibc
#endif

/// The embedded broker answers like a real broker on the wire: Nagle off on its connections.
@Suite("EmbeddedBroker")
struct EmbeddedBrokerTests {
    #if os(Linux)
        @Test("every broker's listener has TCP_NODELAY, so answers never wait for a delayed ACK")
        func listenersHaveNoDelay() throws {
            let broker = try EmbeddedBroker(brokers: 3)
            let ports = broker.bootstrapServers.split(separator: ",").compactMap {
                $0.split(separator: ":").last.flatMap { Int($0) }
            }
            #expect(ports.count == 3)
            for port in ports {
                let sockets = EmbeddedBroker.listeningSockets(on: [port])
                #expect(sockets.count == 1, "one listener on port \(port)")
                for fd in sockets {
                    var value: Int32 = 0
                    var size = socklen_t(MemoryLayout<Int32>.size)
                    #expect(getsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &value, &size) == 0)
                    #expect(value != 0, "TCP_NODELAY on the listener on port \(port)")
                }
            }
        }
    #endif
}
