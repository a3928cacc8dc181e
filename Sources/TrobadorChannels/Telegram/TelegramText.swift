/// The text Telegram counts against its limits: the HTML's text once the tags are parsed
/// away and the entities read. The renderer writes only tags and `&amp; &lt; &gt; &quot;`,
/// so reading them back is exact.
enum TelegramText {
    static func visible(_ html: String) -> String {
        var text = ""
        var inTag = false
        var entity: String?
        for character in html {
            if inTag {
                if character == ">" { inTag = false }
            } else if var pending = entity {
                pending.append(character)
                if character == ";" {
                    text += Self.entities[pending] ?? pending
                    entity = nil
                } else {
                    entity = pending
                }
            } else if character == "<" {
                inTag = true
            } else if character == "&" {
                entity = "&"
            } else {
                text.append(character)
            }
        }
        return text + (entity ?? "")
    }

    /// UTF-16 code units of the visible text, as Telegram counts.
    static func length(_ html: String) -> Int { visible(html).utf16.count }

    private static let entities = ["&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\""]
}
