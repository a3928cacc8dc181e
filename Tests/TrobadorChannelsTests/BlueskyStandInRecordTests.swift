import CurlHTTP
import Foundation
import Testing
import TrobadorTestSupport

/// The stand-in PDS's reading of an `app.bsky.feed.post` record, as the lexicon validator
/// phrases it (`Invalid app.bsky.feed.post record: Record/text must not be longer than
/// 300 graphemes`), and the blob constraints of `app.bsky.embed.images`.
extension BlueskyPDSStandIn {
    static func problem(in record: [String: Any], state: State) -> LoopbackReceiver.Answer? {
        func invalid(_ detail: String) -> LoopbackReceiver.Answer {
            error(400, "InvalidRequest", "Invalid app.bsky.feed.post record: " + detail)
        }
        guard record["$type"] as? String == "app.bsky.feed.post" else {
            return error(400, "InvalidRequest", "Invalid $type: expected app.bsky.feed.post, got \(record["$type"] ?? "nothing")")
        }
        guard let text = record["text"] as? String else { return invalid(#"Record must have the property "text""#) }
        if text.count > 300 { return invalid("Record/text must not be longer than 300 graphemes") }
        if text.utf8.count > 3000 { return invalid("Record/text must not be longer than 3000 characters") }
        guard let createdAt = record["createdAt"] as? String else { return invalid(#"Record must have the property "createdAt""#) }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard formatter.date(from: createdAt) != nil else {
            return invalid("Record/createdAt must be an valid atproto datetime (both RFC-3339 and ISO-8601)")
        }
        if let langs = record["langs"] as? [String], langs.count > 3 { return invalid("Record/langs must not have more than 3 elements") }
        let bytes = Array(text.utf8)
        for (index, facet) in (record["facets"] as? [[String: Any]] ?? []).enumerated() {
            let where_ = "Record/facets/\(index)"
            guard let range = facet["index"] as? [String: Any], let start = range["byteStart"] as? Int, let end = range["byteEnd"] as? Int,
                  0 <= start, start < end, end <= bytes.count,
                  String(validating: bytes[..<start], as: UTF8.self) != nil, String(validating: bytes[start..<end], as: UTF8.self) != nil else {
                return invalid("\(where_)/index does not cover whole characters of the text")
            }
            guard let features = facet["features"] as? [[String: Any]], !features.isEmpty else {
                return invalid(#"\#(where_) must have the property "features""#)
            }
            for feature in features {
                switch feature["$type"] as? String {
                case "app.bsky.richtext.facet#link":
                    guard let uri = feature["uri"] as? String, uri.wholeMatch(of: /[a-z][a-z0-9+.-]*:\S+/) != nil else {
                        return invalid("\(where_)/features/0/uri must be a uri")
                    }
                case "app.bsky.richtext.facet#tag":
                    guard let tag = feature["tag"] as? String, !tag.isEmpty, tag.count <= 64, tag.utf8.count <= 640 else {
                        return invalid("\(where_)/features/0/tag must be 1 to 64 graphemes")
                    }
                default:
                    return invalid("\(where_)/features/0 has an unknown $type")
                }
            }
        }
        if let embed = record["embed"] as? [String: Any] {
            guard embed["$type"] as? String == "app.bsky.embed.images", let images = embed["images"] as? [[String: Any]] else {
                return invalid("Record/embed must be an app.bsky.embed.images")
            }
            if images.count > 4 { return invalid("Record/embed/images must not have more than 4 elements") }
            for (index, image) in images.enumerated() {
                guard image["alt"] is String else { return invalid(#"Record/embed/images/\#(index) must have the property "alt""#) }
                guard let blob = image["image"] as? [String: Any], blob["$type"] as? String == "blob",
                      let cid = (blob["ref"] as? [String: Any])?["$link"] as? String, let size = blob["size"] as? Int,
                      let mimeType = blob["mimeType"] as? String else {
                    return invalid("Record/embed/images/\(index)/image should be a blob ref")
                }
                guard state.blobs[cid] != nil else { return error(400, "InvalidRequest", "Could not find blob: \(cid)") }
                guard size <= 1_000_000 else {
                    return error(400, "BlobTooLarge", "This file is too large. It is \(size) bytes but the maximum size is 976.56KB")
                }
                guard mimeType.hasPrefix("image/") else {
                    return error(400, "InvalidMimeType", "Wrong type of file. It is \(mimeType) but it must match image/*")
                }
            }
        }
        if let reply = record["reply"] as? [String: Any] {
            for side in ["root", "parent"] {
                guard let ref = reply[side] as? [String: Any], let uri = ref["uri"] as? String, let cid = ref["cid"] as? String,
                      state.records.values.contains(where: { $0.uri == uri && $0.cid == cid }) else {
                    return invalid("Record/reply/\(side) must point at a post of this repository, with its current cid")
                }
            }
        }
        return nil
    }

    static func stored(_ record: [String: Any], rkey: String, did: String) -> Record {
        let valueJSON = JSONSerialization.string(record)
        let facets = (record["facets"] as? [[String: Any]] ?? []).map { facet in
            let range = facet["index"] as? [String: Any] ?? [:]
            let feature = (facet["features"] as? [[String: Any]])?.first ?? [:]
            let isLink = feature["$type"] as? String == "app.bsky.richtext.facet#link"
            return SeenFacet(
                byteStart: range["byteStart"] as? Int ?? -1, byteEnd: range["byteEnd"] as? Int ?? -1, kind: isLink ? "link" : "tag",
                value: (isLink ? feature["uri"] : feature["tag"]) as? String ?? "")
        }
        let images = ((record["embed"] as? [String: Any])?["images"] as? [[String: Any]] ?? []).map { image in
            let blob = image["image"] as? [String: Any] ?? [:]
            return SeenImage(
                cid: (blob["ref"] as? [String: Any])?["$link"] as? String ?? "", alt: image["alt"] as? String ?? "",
                mimeType: blob["mimeType"] as? String ?? "", size: blob["size"] as? Int ?? -1)
        }
        let reply = record["reply"] as? [String: Any]
        return Record(
            rkey: rkey, uri: "at://\(did)/app.bsky.feed.post/\(rkey)", cid: "bafyrei" + hash(valueJSON.utf8).prefix(52),
            text: record["text"] as? String ?? "", facets: facets,
            replyRoot: (reply?["root"] as? [String: Any])?["uri"] as? String, replyParent: (reply?["parent"] as? [String: Any])?["uri"] as? String,
            images: images, langs: record["langs"] as? [String] ?? [], valueJSON: valueJSON)
    }
}

@Suite("the Bluesky stand-in validates posts as the lexicon does")
struct BlueskyStandInRecordTests {
    func check(_ record: [String: Any]) -> String? {
        BlueskyPDSStandIn.problem(in: record, state: BlueskyPDSStandIn.State())?.body
    }

    @Test func a_text_of_301_graphemes_is_refused_with_the_validators_words() {
        let text = String(repeating: "🇫🇷", count: 301)
        #expect(check(["$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-06-19T07:00:00.000Z"])
            == #"{"error":"InvalidRequest","message":"Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"}"#)
        #expect(check(["$type": "app.bsky.feed.post", "text": String(text.dropLast()), "createdAt": "2026-06-19T07:00:00.000Z"]) == nil)
    }

    @Test func facets_off_the_texts_characters_are_refused() {
        // "é" is two bytes: a facet starting inside it points at half a character.
        let record: [String: Any] = [
            "$type": "app.bsky.feed.post", "text": "été #Culture", "createdAt": "2026-06-19T07:00:00.000Z",
            "facets": [["index": ["byteStart": 1, "byteEnd": 5], "features": [["$type": "app.bsky.richtext.facet#tag", "tag": "Culture"]]]],
        ]
        #expect(check(record)?.contains("Record/facets/0/index does not cover whole characters of the text") == true)
    }
}
