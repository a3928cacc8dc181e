import CCurlShim

// libcurl calls these on the loop thread, inside curl_multi_perform, with the transfer's
// opaque pointer (CURLOPT_WRITEDATA / HEADERDATA). The loop's table of active transfers holds
// the strong reference, so an unretained view is enough. Returning less than the byte count
// makes libcurl abort the transfer with CURLE_WRITE_ERROR.

/// CURLOPT_WRITEFUNCTION: one chunk of the response body.
func transferReceiveBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    return transfer.appendBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

/// CURLOPT_HEADERFUNCTION: one complete header line, status line and final blank line included.
func transferReceiveHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    return transfer.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

extension Transfer {
    /// Keeps a body chunk unless it would pass the limit; then refuses it so libcurl stops
    /// reading and memory stays bounded.
    func appendBody(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard responseBody.count + chunk.count <= maxBodyBytes else {
            exceededLimit = true
            return false
        }
        responseBody.append(contentsOf: chunk)
        return true
    }

    /// Parses one header line. A status line starts a new response (after `100 Continue`,
    /// or a proxy's `CONNECT` answer), so only the last response's headers are kept.
    func appendHeaderLine(_ raw: UnsafeRawBufferPointer) -> Bool {
        headerBytes += raw.count
        guard headerBytes <= Self.maxHeaderBytes else {
            exceededLimit = true
            return false
        }
        var line = raw[...]
        while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") {
            line = line.dropLast()
        }
        guard let first = line.first else { return true }
        if line.starts(with: "HTTP/".utf8) {
            responseHeaders.removeAll(keepingCapacity: true)
        } else if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            // Obsolete line folding: the line continues the previous header's value.
            if !responseHeaders.isEmpty {
                responseHeaders[responseHeaders.count - 1].value += " " + Self.text(Self.trimmed(line))
            }
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            let name = Self.text(line[..<colon])
            let value = Self.text(Self.trimmed(line[(colon + 1)...]))
            responseHeaders.append((name: name, value: value))
        }
        return true
    }

    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var result = bytes
        while let first = result.first, isBlank(first) { result = result.dropFirst() }
        while let last = result.last, isBlank(last) { result = result.dropLast() }
        return result
    }

    private static func text(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
