import Crypto
import Foundation

/// Reading one inbox entry from disk: a single `NAME.md` / `NAME.json` file, or a bundle
/// folder `NAME/` holding `post.md` or `post.json` and its media files.
extension PostParser {
    /// Reads and checks the inbox entry at `path`. Nothing that is not a regular file or a
    /// folder is opened; no file is read past its size limit.
    public func load(entry path: String) throws(PostRejection) -> LoadedPost {
        try load(entry: path, known: nil)
    }

    /// `load(entry:)`, with what an `lstat` of the entry the caller has just made said of it
    /// (intake's, which decided that the entry had settled): not asked again.
    func load(entry path: String, known: PostFileReader.Kind?) throws(PostRejection) -> LoadedPost {
        let trimmed = path.utf8.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let name = Self.lastComponent(of: trimmed)
        let kind = known ?? PostFileReader.kind(at: trimmed)
        switch kind {
        case nil:
            throw PostRejection(PostProblem(message: "\"\(name)\" is no longer in the inbox",
                                            hint: "Drop the post into the inbox again."))
        case .directory:
            return try loadBundle(at: trimmed, name: name)
        case .regular:
            let (format, id) = try Self.singleFileFormat(name)
            return try loadPost(file: trimmed, shownAs: name, format: format, defaultID: id, bundle: nil, known: kind)
        case let kind?:
            throw PostRejection(Self.notRegularProblem(name, kind))
        }
    }

    /// What follows the last `/` (the path itself without one), found by bytes: `/` is ASCII, so
    /// it never falls inside a character. Paths ending in `/` keep their last named part.
    static func lastComponent(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        let after = String(path[path.utf8.index(after: slash)...])
        return after.isEmpty ? (path.split(separator: "/").last.map(String.init) ?? path) : after
    }

    private static func singleFileFormat(_ name: String) throws(PostRejection) -> (PostFormat, String) {
        let dot = name.lastIndex(of: ".")
        let stem = dot.map { String(name[..<$0]) } ?? name
        let written = dot.map { String(name[name.index(after: $0)...]) } ?? ""
        guard dot != nil, !stem.isEmpty, let format = PostFormat.allCases.first(where: { $0.fileExtension == written.lowercased() }) else {
            throw PostRejection(PostProblem(
                message: "\"\(name)\" is not a post file: only .md (Markdown) and .json files are read" + (written.isEmpty ? "" : ", not .\(written)"),
                hint: "Save the post as \(stem).md (Markdown text with its fields between --- lines) or \(stem).json."
            ))
        }
        return (format, stem)
    }

    private func loadBundle(at directory: String, name: String) throws(PostRejection) -> LoadedPost {
        // A folder the daemon may not enter looks empty to lstat: say so, not "no post.md".
        if access(directory, R_OK | X_OK) != 0 {
            throw PostRejection(PostProblem(
                message: "the folder \"\(name)\" could not be read (\(String(cString: strerror(errno))))",
                hint: "Check that the trobador service may read it: the folder needs read and execute permission for its group (chmod g+rx)."))
        }
        let candidates = PostFormat.allCases.map { (format: $0, file: "post.\($0.fileExtension)") }
        let present = candidates.filter { PostFileReader.kind(at: "\(directory)/\($0.file)") != nil }
        guard let chosen = present.first else {
            let others = (try? FileManager.default.contentsOfDirectory(atPath: directory))?
                .filter { $0.hasSuffix(".md") || $0.hasSuffix(".json") }.sorted() ?? []
            let found = others.first.map { " It holds \($0): rename it \($0.hasSuffix(".json") ? "post.json" : "post.md")." } ?? ""
            throw PostRejection(PostProblem(
                message: "the folder \"\(name)\" holds no post.md or post.json",
                hint: "A post with images is a folder holding the text as post.md (or post.json) and the images.\(found)"
            ))
        }
        guard present.count == 1 else {
            throw PostRejection(PostProblem(
                message: "the folder \"\(name)\" holds both post.md and post.json, so it is not clear which one is the post",
                hint: "Keep only one of them."
            ))
        }
        return try loadPost(file: "\(directory)/\(chosen.file)", shownAs: "\(name)/\(chosen.file)",
                            format: chosen.format, defaultID: name, bundle: directory)
    }

    private func loadPost(file: String, shownAs name: String, format: PostFormat, defaultID: String,
                          bundle: String?, known: PostFileReader.Kind? = nil) throws(PostRejection) -> LoadedPost {
        let source: [UInt8]
        switch PostFileReader.read(file, limit: rules.maxFileSize, known: known) {
        case .success(let bytes):
            source = bytes
        case .failure(let failure):
            throw PostRejection(Self.readProblem(failure, name: name, limit: rules.maxFileSize, field: nil, position: nil, isMedia: false))
        }
        let parsed = try parseWithPositions(source, format: format, defaultID: defaultID)
        var media: [MediaFile] = []
        // A retraction needs only its id: its media are neither required nor read.
        if parsed.post.action != .retract, !parsed.post.media.isEmpty {
            guard let bundle else {
                let position = parsed.mediaListPosition
                throw PostRejection(PostProblem(
                    field: "media", line: position?.line, column: position?.column,
                    message: "a post with media must be a folder, but \"\(name)\" is a single file",
                    hint: "Make a folder named \(defaultID), put this file in it as post.\(format.fileExtension) with the images, and drop the folder into the inbox."
                ))
            }
            media = try loadMedia(parsed, from: bundle)
        }
        return LoadedPost(post: parsed.post, media: media, source: PostText.canonical(source), format: format)
    }

    private func loadMedia(_ parsed: ParsedPost, from directory: String) throws(PostRejection) -> [MediaFile] {
        var files: [MediaFile] = []
        var problems: [PostProblem] = []
        for (index, reference) in parsed.post.media.enumerated() {
            let position = parsed.mediaPositions[index]
            switch PostFileReader.read("\(directory)/\(reference.file)", limit: rules.maxMediaSize) {
            case .success(let data):
                guard let type = MediaSniffer.contentType(of: data) else {
                    problems.append(PostProblem(
                        field: "media[\(index)]", line: position.line, column: position.column,
                        message: "the file \"\(reference.file)\" is not a \(MediaSniffer.accepted) image",
                        hint: "Export the image as PNG or JPEG from your image editor; renaming a file does not change its type."
                    ))
                    continue
                }
                let sha = LoadedPost.hex(SHA256.hash(data: data))
                files.append(MediaFile(name: reference.file, alt: reference.alt, contentType: type, data: data, sha256: sha))
            case .failure(let failure):
                problems.append(Self.readProblem(failure, name: reference.file, limit: rules.maxMediaSize,
                                                 field: "media[\(index)]", position: position, isMedia: true))
            }
        }
        guard problems.isEmpty else { throw PostRejection(problems) }
        return files
    }

    private static func notRegularProblem(_ name: String, _ kind: PostFileReader.Kind) -> PostProblem {
        PostProblem(
            message: "\"\(name)\" is \(kind.description), not a file or a folder, so it was not read",
            hint: kind == .symlink
                ? "Put the post itself in the inbox, not a link to it; trobador submit does this safely."
                : "Only post files (.md, .json) and post folders belong in the inbox."
        )
    }

    private static func readProblem(_ failure: PostFileReader.Failure, name: String, limit: Int, field: String?,
                                    position: PostNode.Position?, isMedia: Bool) -> PostProblem {
        let what = isMedia ? "the media file \"\(name)\"" : "\"\(name)\""
        let (message, hint): (String, String) = switch failure {
        case .missing:
            ("\(what) is not in the post's folder",
             "Put \(name) in the folder beside the post, or correct its name here (capital letters count).")
        case .notRegular(.symlink):
            ("\(what) is a symbolic link, which could point outside the post's folder, so it was not read",
             "Copy the file itself into the folder instead of a link.")
        case .notRegular(let kind):
            ("\(what) is \(kind.description), not a file, so it was not read", "Replace it with the file itself.")
        case .tooLarge(let size):
            ("\(what) is too large: \(PostFileReader.sizeText(size)), and the largest accepted is \(PostFileReader.sizeText(limit))",
             isMedia ? "Export a smaller image, for example 2000 pixels wide in JPEG." : "A post is text: check that this is the right file, or shorten it.")
        case .unreadable(let reason):
            ("\(what) could not be read (\(reason))", "Check that the trobador service may read it (its group needs read permission).")
        }
        return PostProblem(field: field, line: position?.line, column: position?.column, message: message, hint: hint)
    }
}
