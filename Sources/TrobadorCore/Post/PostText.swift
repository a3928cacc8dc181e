import Foundation

/// The bytes of a post file as text: UTF-8, without NUL bytes, a leading byte order mark
/// dropped, in Unicode normalisation form C. An editor may save "é" as one character (NFC,
/// most) or as "e" and a combining accent (NFD, macOS); networks count and show them
/// differently, and the same post must not become two. Compatibility forms (NFKC, NFKD)
/// are not applied: they change the text itself ("m²" would become "m2").
enum PostText {
    /// The source as stored and hashed: in NFC when it is UTF-8 text, so the same post
    /// saved in another normalisation form is a duplicate, not a different post.
    static func canonical(_ bytes: [UInt8]) -> [UInt8] {
        guard let text = String(validating: bytes, as: UTF8.self) else { return bytes }
        // In NFC already, nearly always: the bytes as they are, without comparing them to themselves.
        guard let form = recomposed(text) else { return bytes }
        return form.utf8.elementsEqual(text.utf8) ? bytes : Array(form.utf8)
    }

    /// `text` in normalisation form C. Nearly every post is typed in NFC already, and the
    /// standard library's quick check says so in one pass over the bytes; Foundation's
    /// normalisation (through NSString and UTF-16, ten times slower) runs only when the
    /// check cannot tell.
    static func composed(_ text: String) -> String {
        recomposed(text) ?? text
    }

    /// `text` in NFC when the quick check cannot say it is in NFC already; nil when it is.
    private static func recomposed(_ text: String) -> String? {
        var span = text.utf8Span
        return span.checkForNFC(quickCheck: true) ? nil : text.precomposedStringWithCanonicalMapping
    }

    static func decode(_ bytes: [UInt8]) throws(PostRejection) -> String {
        var bytes = bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let nul = bytes.firstIndex(of: 0) {
            let (line, column) = position(of: nul, in: bytes)
            throw PostRejection(PostProblem(
                line: line, column: column,
                message: "the file contains a NUL byte, so it is not a text file",
                hint: "Save the post as plain text (UTF-8) from a text editor; a word processor document cannot be used."
            ))
        }
        // Valid text, the usual case, in one pass; the walk below only finds where it is not.
        if let text = String(validating: bytes, as: UTF8.self) { return composed(text) }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = bytes.startIndex
        var scalars = String.UnicodeScalarView()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                scalars.append(scalar)
                offset += UTF8.width(scalar)
            case .emptyInput:
                return composed(String(scalars))
            case .error:
                let (line, column) = position(of: offset, in: bytes)
                throw PostRejection(PostProblem(
                    line: line, column: column,
                    message: "the file is not valid UTF-8 text (byte 0x\(String(bytes[offset], radix: 16, uppercase: true)) cannot start a character here)",
                    hint: "Save the file with the UTF-8 encoding (in most editors: Save as, then Encoding: UTF-8); Latin-1 or Windows-1252 files show accents like é wrongly."
                ))
            }
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    private static func position(of offset: Int, in bytes: ArraySlice<UInt8>) -> (Int, Int) {
        let before = bytes[bytes.startIndex..<offset]
        let line = before.count(where: { $0 == UInt8(ascii: "\n") }) + 1
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.startIndex
        // Count characters, not bytes: continuation bytes (10xxxxxx) do not start one.
        let column = bytes[lineStart..<offset].count(where: { $0 & 0xC0 != 0x80 }) + 1
        return (line, column)
    }
}
