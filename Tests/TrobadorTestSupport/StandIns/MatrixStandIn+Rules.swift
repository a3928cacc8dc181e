import Foundation

extension MatrixStandIn {
    /// The tags the specification suggests clients keep in `formatted_body`; anything else
    /// they strip, so the stand-in refuses it.
    public static let htmlTags: Set<String> = [
        "font", "del", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "p", "a", "ul", "ol", "sup", "sub", "li", "b", "i", "u",
        "strong", "em", "s", "code", "hr", "br", "div", "table", "thead", "tbody", "tr", "th", "td", "caption", "pre", "span",
        "img", "details", "summary",
    ]

    /// What makes an `m.room.message` unusable: missing fields, HTML clients would strip, an
    /// image not uploaded, a relation to an event that does not exist or cannot take it.
    public static func problem(in content: [String: Any], state: State) -> String? {
        guard let msgtype = content["msgtype"] as? String else { return "'msgtype' must be a string" }
        guard content["body"] is String else { return "'body' must be a string" }
        if let format = content["format"] {
            guard format as? String == "org.matrix.custom.html" else { return "'format' must be org.matrix.custom.html" }
            guard let html = content["formatted_body"] as? String else { return "'formatted_body' is required with 'format'" }
            if let tag = unknownTag(in: html) { return "'formatted_body' holds <\(tag)>, which clients strip" }
        }
        if msgtype == "m.image" {
            guard let url = content["url"] as? String, let upload = state.uploads.first(where: { $0.uri == url }) else {
                return "'url' must be an mxc:// URI this server gave"
            }
            let info = content["info"] as? [String: Any]
            guard info?["mimetype"] as? String == upload.contentType, (info?["size"] as? NSNumber)?.intValue == upload.size else {
                return "'info' must give the upload's mimetype and size"
            }
        }
        guard let relation = content["m.relates_to"] as? [String: Any] else { return nil }
        func live(_ id: Any?) -> Event? {
            guard let id = id as? String else { return nil }
            return state.events.first { $0.id == id && !$0.redacted }
        }
        switch relation["rel_type"] as? String {
        case "m.thread":
            guard let root = live(relation["event_id"]) else { return "thread root not found" }
            guard root.relation == nil else { return "Cannot start threads from an event with a relation" }
            guard relation["is_falling_back"] is Bool,
                  live((relation["m.in_reply_to"] as? [String: Any])?["event_id"]) != nil else {
                return "a thread event needs is_falling_back and an m.in_reply_to that exists"
            }
        case "m.replace":
            guard let original = live(relation["event_id"]) else { return "event to replace not found" }
            guard original.relType != "m.replace" else { return "an edit cannot be edited" }
            guard let new = content["m.new_content"] as? [String: Any], new["msgtype"] is String, new["body"] is String else {
                return "an edit needs m.new_content with msgtype and body"
            }
        default:
            if let reply = relation["m.in_reply_to"] as? [String: Any], live(reply["event_id"]) == nil { return "event replied to not found" }
        }
        return nil
    }

    private static func unknownTag(in html: String) -> String? {
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            let after = rest[rest.index(after: open)...]
            let name = after.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
            if !htmlTags.contains(name) { return name }
            rest = after
        }
        return nil
    }
}
