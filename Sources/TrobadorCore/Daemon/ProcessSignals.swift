import Dispatch
import Foundation

/// SIGTERM, SIGINT and SIGHUP as an async stream, handled in the daemon's own flow rather
/// than in a signal handler.
public enum ProcessSignals {
    public enum Kind: Sendable, Equatable {
        case terminate
        case reload
    }

    public static func stream() -> AsyncStream<Kind> {
        let (stream, continuation) = AsyncStream.makeStream(of: Kind.self)
        let sources: [(Int32, Kind)] = [(SIGTERM, .terminate), (SIGINT, .terminate), (SIGHUP, .reload)]
        let dispatchSources = sources.map { number, kind in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(kind) }
            source.resume()
            return source
        }
        let holder = SourceHolder(dispatchSources)
        continuation.onTermination = { _ in holder.cancel() }
        return stream
    }

    private final class SourceHolder: @unchecked Sendable {
        // Only touched at creation and at termination.
        let sources: [any DispatchSourceSignal]
        init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
        func cancel() { sources.forEach { $0.cancel() } }
    }
}
