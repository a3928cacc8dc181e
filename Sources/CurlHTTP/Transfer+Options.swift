import CCurlShim

extension Transfer {
    /// Applies the options every request gets (the delivery rules of the spec: timeouts,
    /// TLS verification, http and https only, no redirects), then this request's own.
    func configure(for request: HTTPRequest, settings: CurlHTTPClient.Settings) throws(HTTPError) {
        try Self.validate(request)
        let context = Unmanaged.passUnretained(self).toOpaque()

        try setOption(CURLOPT_URL, request.url)
        try setOption(CURLOPT_NOSIGNAL, 1)  // signals would hit an arbitrary thread of the daemon
        try setOption(CURLOPT_PROTOCOLS_STR, "http,https")
        try setOption(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try setOption(CURLOPT_FOLLOWLOCATION, 0)  // a 3xx is the adapter's business
        try setOption(CURLOPT_SSL_VERIFYPEER, 1)
        try setOption(CURLOPT_SSL_VERIFYHOST, 2)
        if let caBundlePath = settings.caBundlePath {
            try setOption(CURLOPT_CAINFO, caBundlePath)
        }
        try setOption(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
        try setOption(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout))
        try setOption(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        try setOption(CURLOPT_PRIVATE, pointer: context)

        try setOption(CURLOPT_WRITEFUNCTION, function: transferReceiveBody)
        try setOption(CURLOPT_WRITEDATA, pointer: context)
        try setOption(CURLOPT_HEADERFUNCTION, function: transferReceiveHeader)
        try setOption(CURLOPT_HEADERDATA, pointer: context)
        // Refuses an announced Content-Length over the limit before reading the body; the
        // write callback enforces the same limit when the length is not announced.
        try setOption(CURLOPT_MAXFILESIZE_LARGE, size: maxBodyBytes)

        let sendsBody = try setMethodAndBody(of: request)
        try setHeaders(request.headers, sendsBody: sendsBody)
    }

    /// Returns whether the request carries a body (and so a Content-Length).
    private func setMethodAndBody(of request: HTTPRequest) throws(HTTPError) -> Bool {
        let method = request.method
        if method == "HEAD" {
            try setOption(CURLOPT_NOBODY, 1)
            return false
        }
        if request.body.isEmpty && !["POST", "PUT", "PATCH"].contains(method) {
            try setOption(CURLOPT_HTTPGET, 1)
            if method != "GET" { try setOption(CURLOPT_CUSTOMREQUEST, method) }
            return false
        }
        // The size first, so COPYPOSTFIELDS copies exactly that many bytes (NULs included).
        try setOption(CURLOPT_POSTFIELDSIZE_LARGE, size: request.body.count)
        if request.body.isEmpty {
            // A static empty string: POSTFIELDS is not copied, and must outlive the transfer.
            try setOption(CURLOPT_POSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: Self.emptyBody.utf8Start))
        } else {
            var status = CURLE_OK
            request.body.withUnsafeBytes { bytes in
                status = curlshim_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            }
            try check(status, CURLOPT_COPYPOSTFIELDS)
        }
        if method != "POST" { try setOption(CURLOPT_CUSTOMREQUEST, method) }
        return true
    }

    private static let emptyBody: StaticString = ""

    private func setHeaders(_ headers: [(name: String, value: String)], sendsBody: Bool) throws(HTTPError) {
        func has(_ name: String) -> Bool {
            headers.contains { $0.name.isSameHeaderName(as: name) }
        }
        // Each line made in one buffer, which libcurl copies: no string per header.
        var line: [UInt8] = []
        line.reserveCapacity(256)
        func add(_ name: String, _ separator: StaticString, _ value: String) throws(HTTPError) {
            line.removeAll(keepingCapacity: true)
            line.append(contentsOf: name.utf8)
            separator.withUTF8Buffer { line.append(contentsOf: $0) }
            line.append(contentsOf: value.utf8)
            line.append(0)
            let extended = line.withUnsafeBytes { curl_slist_append(headerList, $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
            guard let extended else {
                throw HTTPError(kind: .transport, message: "curl_slist_append failed (out of memory?)")
            }
            headerList = extended
        }
        for header in headers {
            // "Name:" would remove a header; "Name;" is libcurl's way to send an empty value.
            try add(header.name, header.value.isEmpty ? ";" : ": ", header.value)
        }
        // The request goes out exactly as described: no 100-continue round trip, and no
        // form Content-Type that libcurl would otherwise add to any body.
        if !has("expect") { try add("Expect", ":", "") }
        if sendsBody && !has("content-type") { try add("Content-Type", ":", "") }
        try setOption(CURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(headerList))
    }

    /// Refuses what libcurl would silently truncate (NUL) or what would inject extra
    /// header lines or a second request (CR, LF). Read as bytes: every request goes through.
    private static func validate(_ request: HTTPRequest) throws(HTTPError) {
        guard isToken(request.method) else {
            throw HTTPError(kind: .invalidRequest, message: "invalid HTTP method \"\(request.method)\"")
        }
        guard !hasLineBreakOrNul(request.url) else {
            throw HTTPError(kind: .invalidRequest, message: "URL contains a line break or NUL byte")
        }
        for header in request.headers {
            guard isToken(header.name) else {
                throw HTTPError(kind: .invalidRequest, message: "invalid header name \"\(header.name)\"")
            }
            guard !hasLineBreakOrNul(header.value) else {
                throw HTTPError(kind: .invalidRequest, message: "header \(header.name) contains a line break or NUL byte")
            }
        }
    }

    /// Whether `text` is an RFC 9110 `token`: one or more `tchar`.
    private static func isToken(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            !bytes.isEmpty && bytes.allSatisfy { byte in byte < 128 && tokenBytes & (1 << UInt128(byte)) != 0 }
        }
    }

    /// RFC 9110 `tchar`: the bit of each of its ASCII bytes.
    private static let tokenBytes: UInt128 = {
        let allowed = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        return allowed.utf8.reduce(UInt128(0)) { $0 | 1 << UInt128($1) }
    }()

    private static func hasLineBreakOrNul(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            bytes.contains { $0 == 0 || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
        }
    }

    /// libcurl's millisecond options, where 0 means "no timeout": round up, at least 1 ms.
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let total = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return Int(min(max(total.rounded(.up), 1), Double(Int32.max)))
    }

    // MARK: Typed setopt

    private func setOption(_ option: CURLoption, _ value: Int) throws(HTTPError) {
        try check(curlshim_easy_setopt_long(easy, option, value), option)
    }

    /// libcurl copies string options, so the C string only has to live for the call.
    private func setOption(_ option: CURLoption, _ value: String) throws(HTTPError) {
        let status = value.withCString { curlshim_easy_setopt_string(easy, option, $0) }
        try check(status, option)
    }

    private func setOption(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(HTTPError) {
        try check(curlshim_easy_setopt_pointer(easy, option, pointer), option)
    }

    private func setOption(_ option: CURLoption, size: Int) throws(HTTPError) {
        try check(curlshim_easy_setopt_off_t(easy, option, curl_off_t(size)), option)
    }

    private func setOption(_ option: CURLoption, function: curl_write_callback) throws(HTTPError) {
        try check(curlshim_easy_setopt_write_function(easy, option, function), option)
    }

    private func check(_ status: CURLcode, _ option: CURLoption) throws(HTTPError) {
        guard status == CURLE_OK else {
            let reason = String(cString: curl_easy_strerror(status))
            throw HTTPError(kind: HTTPError.Kind(curlCode: status), message: "libcurl refused option \(option.rawValue): \(reason)")
        }
    }
}
