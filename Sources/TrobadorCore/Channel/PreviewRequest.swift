import CurlHTTP

/// One request an adapter would send for a message, shown by `trobador preview` without
/// any network: the request itself, what it is for, and the text's length as the network
/// counts it.
public struct PreviewRequest: Sendable {
    public var request: HTTPRequest
    /// What this request does (`upload image 1 of 1`, `part 2 of 3, in reply to part 1`...).
    public var purpose: String
    /// The length of the text it carries, counted the network's way, and the network's limit.
    public var length: TextLength?

    public init(request: HTTPRequest, purpose: String, length: TextLength? = nil) {
        self.request = request
        self.purpose = purpose
        self.length = length
    }
}

/// A text's length as a network counts it.
public struct TextLength: Sendable, Equatable {
    public var count: Int
    public var limit: Int?
    /// How it is counted: `graphemes`, `UTF-16 units`, `characters, URLs as 23`...
    public var unit: String

    public init(count: Int, limit: Int?, unit: String) {
        self.count = count
        self.limit = limit
        self.unit = unit
    }
}
