extension Post {
    /// The post as a new message that corrects one published earlier, for a channel that cannot
    /// edit: its title (or, without one, its text, and its summary) starts with a label in the
    /// post's language, so that readers see it corrects the earlier message.
    public func asCorrection() -> Post {
        var post = self
        post.action = .publish
        let label = Self.correctionLabel(lang)
        if let title {
            post.title = "\(label) \(title)"
        } else {
            post.body = "**\(label)** \(body)"
        }
        if let summary { post.summary = "\(label) \(summary)" }
        return post
    }

    /// French press usage ("Rectificatif :", with the space French puts before a colon); English otherwise.
    static func correctionLabel(_ lang: String?) -> String {
        switch lang?.split(separator: "-").first?.lowercased() {
        case "fr": "Rectificatif\u{00A0}:"
        default: "Correction:"
        }
    }
}
