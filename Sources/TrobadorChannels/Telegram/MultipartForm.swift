/// A `multipart/form-data` body (RFC 7578), the only way the Bot API takes an uploaded file.
struct MultipartForm: Sendable {
    let boundary: String
    private(set) var body: [UInt8] = []

    /// `boundary` must not occur in any value: derive it from something the values cannot hold.
    init(boundary: String) {
        self.boundary = boundary
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    mutating func field(_ name: String, _ value: String) {
        open("Content-Disposition: form-data; name=\"\(Self.quoted(name))\"\r\n")
        body += Array(value.utf8)
        body += Array("\r\n".utf8)
    }

    mutating func file(_ name: String, filename: String, contentType: String, data: [UInt8]) {
        open("Content-Disposition: form-data; name=\"\(Self.quoted(name))\"; filename=\"\(Self.quoted(filename))\"\r\n"
            + "Content-Type: \(contentType)\r\n")
        body += data
        body += Array("\r\n".utf8)
    }

    /// The body with its closing delimiter.
    var finished: [UInt8] { body + Array("--\(boundary)--\r\n".utf8) }

    private mutating func open(_ headers: String) {
        body += Array("--\(boundary)\r\n\(headers)\r\n".utf8)
    }

    /// A name or file name inside double quotes: quotes and line breaks would end it early.
    private static func quoted(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }
}
