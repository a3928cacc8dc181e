/// The one way bytes leave the machine: adapters build an `HTTPRequest`, hand it to an
/// `HTTPClient`, and read the `HTTPResponse`. They never see libcurl.
public protocol HTTPClient: Sendable {
    /// Performs one request. Throws `HTTPError` when no HTTP response was received
    /// (connection refused, timeout, TLS failure, ...); any status code, 5xx included,
    /// is a response, not an error.
    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse
}

/// One HTTP request, fully described up front so it can be previewed, logged with
/// secrets redacted, and sent again unchanged on retry.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    /// Header fields in sending order; names are compared case-insensitively.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Time allowed to establish the connection (TCP and TLS).
    public var connectTimeout: Duration
    /// Time allowed for the whole exchange, connection included.
    public var timeout: Duration

    public init(
        method: String = "GET",
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        connectTimeout: Duration = .seconds(5),
        timeout: Duration = .seconds(15)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.isSameHeaderName(as: name) }?.value
    }

    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.url == rhs.url && lhs.body == rhs.body
            && lhs.headers.elementsEqual(rhs.headers, by: { $0.name == $1.name && $0.value == $1.value })
            && lhs.connectTimeout == rhs.connectTimeout && lhs.timeout == rhs.timeout
    }
}

extension String {
    /// Whether two header names are the same name: HTTP compares them without regard to
    /// case, and they are ASCII. Compared byte by byte, without making lowercase copies.
    public func isSameHeaderName(as other: String) -> Bool {
        utf8.elementsEqual(other.utf8) { a, b in
            a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= UInt8(ascii: "a") && (a | 0x20) <= UInt8(ascii: "z"))
        }
    }
}

/// A complete HTTP response.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header fields as received, in order; names as the server spelled them.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Wall time from the start of the transfer to the last byte.
    public var duration: Duration

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], duration: Duration = .zero) {
        self.status = status
        self.headers = headers
        self.body = body
        self.duration = duration
    }

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.isSameHeaderName(as: name) }?.value
    }

    /// The body as UTF-8 text (invalid sequences repaired), for error messages.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Why no HTTP response came back. `message` keeps libcurl's own words for the log.
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The name did not resolve, or nothing listened (refused, unreachable).
        case connectionFailed
        /// The connect or total timeout expired.
        case timedOut
        /// The TLS handshake or certificate verification failed.
        case tls
        /// The URL is malformed or uses a scheme other than http and https.
        case invalidRequest
        /// The peer closed or reset the connection mid-exchange, or answered something that is not HTTP.
        case transport
        /// The response body was larger than the client accepts.
        case responseTooLarge
        /// The request was cancelled before it completed.
        case cancelled
    }

    public var kind: Kind
    public var message: String
    /// How long the attempt ran before it failed.
    public var duration: Duration
    /// The status the server had answered before the exchange failed (a response too large
    /// to keep still has one), so that a request the server accepted is known to be taken.
    public var status: Int?

    public init(kind: Kind, message: String, duration: Duration = .zero, status: Int? = nil) {
        self.kind = kind
        self.message = message
        self.duration = duration
        self.status = status
    }

    public var description: String { message }
}
