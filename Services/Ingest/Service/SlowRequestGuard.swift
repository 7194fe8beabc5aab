import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request takes longer than `limit` from its head to its last
/// body byte: a client trickling a body (slowloris) cannot hold a connection, nor the
/// handler waiting for that body. A head that arrives too slowly, and a connection left
/// without requests, are closed by the server's idle timeout (see `IngestHTTP.server`).
///
/// Sits in the channel pipeline after HTTP decoding; one instance per connection.
final class SlowRequestGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let limit: TimeAmount
    private var deadline: Scheduled<Void>?

    init(limit: TimeAmount) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            let channel = context.channel
            deadline = context.eventLoop.scheduleTask(in: limit) {
                channel.close(promise: nil)
            }
        case .end:
            deadline?.cancel()
            deadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}

/// The HTTP/1.1 server configuration of the ingest service: the idle timeout, the request
/// time limit, and the header size limits (64 KiB in all; NIO answers a larger head with
/// 400 and closes the connection).
public enum IngestHTTP {
    /// The server for `settings`.
    public static func server(_ settings: IngestSettings) -> HTTPServerBuilder {
        let readTimeout = TimeAmount(settings.readTimeout)
        let configuration = HTTP1Channel.Configuration(
            additionalChannelHandlers: [SlowRequestGuard(limit: readTimeout)],
            idleTimeout: TimeAmount(settings.idleTimeout),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: 64 * 1024, maxHeaderListSize: 64 * 1024, maxHeaderFieldCount: 200)
        )
        return .http1(configuration: configuration)
    }
}
