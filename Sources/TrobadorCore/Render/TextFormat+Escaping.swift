extension TextFormat {
    /// `text` as this format shows it as written: one paragraph with every character the
    /// format would read as markup escaped (a card's heading, a plugin's `heading` value).
    public func escaped(_ text: String) -> String {
        let block = RichBlock(kind: .paragraph, inlines: InlineNormalizer.normalize([.text(text, [])]))
        return formatter.format(RichDocument(blocks: [block])).rendered.text
    }
}
