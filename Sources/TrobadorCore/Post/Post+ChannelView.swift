extension Post {
    /// The post as one channel should publish it: in the channel's language when the post has
    /// that translation, then with the channel's `overrides` applied. A `text` override is
    /// the whole message: nothing (title, event, link, tags) is added around it.
    public func view(forChannel channel: String, language: String?) -> Post {
        var view = self
        if let language, language != lang, let translation = translations[language] {
            view.title = translation.title ?? title
            view.body = translation.body
            view.summary = translation.summary
            view.lang = language
        }
        guard let fields = overrides[channel] else { return view }
        if let title = fields["title"] { view.title = title }
        if let summary = fields["summary"] { view.summary = summary }
        if let link = fields["link"] { view.link = link }
        if let text = fields["text"] {
            view.body = text
            view.title = nil
            view.link = nil
            view.event = nil
            view.tags = []
            view.summary = nil
        }
        return view
    }
}
