import Foundation
import Testing
@testable import TrobadorChannels
@testable import TrobadorCore

/// The issue's rich French post, used by the Mastodon and Bluesky tests: accents, emoji, a
/// flag, a long URL with a query string, three hashtags, an image with alt text, and a
/// body of about 1,500 characters, too long for either network in one message.
enum OccitanieRichPost {
    static let url = "https://www.example.org/agenda/2026/fete-de-la-musique?utm_source=reseaux&utm_medium=social&utm_campaign=fete-musique-2026"
    static let alt = "Affiche de la Fête de la musique : une guitare blanche sur fond orange, « 21 juin » écrit en grand"

    static let body = """
        Le 21 juin, la Région fête la musique 🎶 ! **Plus de 300 concerts gratuits** sont annoncés dans les \
        treize départements, des Pyrénées à la Méditerranée : bals occitans, scènes ouvertes aux jeunes \
        talents, fanfares, chorales et DJ sets, de Perpignan à Rodez, de Tarbes à Nîmes.

        À Toulouse, la place du Capitole accueille dès 18 h un grand concert 🇫🇷 avec l'Orchestre national \
        du Capitole, suivi d'un bal trad jusqu'à minuit. À Montpellier, l'Esplanade Charles-de-Gaulle réunit \
        les écoles de musique et les conservatoires ; à Albi, les quais du Tarn se transforment en scène \
        flottante 🛶. Les trains liO sont renforcés toute la soirée, avec des départs jusqu'à 1 h du matin.

        Les événements sont proposés par les associations et les communes dans l'agenda participatif : \
        chacun peut y ajouter le sien, avec le lieu, l'heure et une photo. Les artistes amateurs qui \
        cherchent encore une scène peuvent s'inscrire auprès de leur mairie jusqu'au 10 juin.

        Pensez à l'accessibilité : la plupart des scènes sont équipées de boucles magnétiques, et des \
        interprètes en langue des signes seront présents à Toulouse, Montpellier et Perpignan. Buvez de \
        l'eau ☀️, protégez vos oreilles 🎧 et rentrez en toute sécurité.

        Programme complet, carte interactive et horaires des trains : \(url)

        #FeteDeLaMusique #Occitanie #Culture
        """

    static let imageBytes = Array(Data(base64Encoded: """
        iVBORw0KGgoAAAANSUhEUgAAAEAAAABgCAIAAAAip+O/AAAApklEQVR4nO3PUQkAIBTAwBfCsMY2giH8OITBAtzm7PV1wwUNaEEDWtCAFjSgBQ1oQQNa0IAWNKAFDWhBA1rQgBY0oAUNaEEDWtCAFjSgBQ1oQQNa0IAWNKAFDWhBA1rQgBY0oAUNaEEDWtCAFjSgBQ1oQQNa0IAWNKAFDWhBA1rQgBY0oAUNaEEDWtCAFjSgBQ1oQQNa0IAWNKAFDWhBA1rQgBY8dgF3sqIOXT5UqgAAAABJRU5ErkJggg==
        """.replacingOccurrences(of: "\n", with: ""))!)

    static var post: Post {
        Post(
            id: "fete-musique-2026", title: "Fête de la musique 2026 : l'Occitanie en fête", body: body,
            tags: ["culture", "musique"], link: "https://www.example.org/agenda/2026/fete-de-la-musique", lang: "fr",
            event: PostEvent(
                start: Date(timeIntervalSince1970: 1_782_061_200), end: Date(timeIntervalSince1970: 1_782_082_800),
                location: "Place du Capitole, Toulouse"),
            media: [MediaReference(file: "affiche.png", alt: alt)])
    }

    /// The image with its bytes, as the state database returns it.
    static var image: StoredMedia {
        StoredMedia(
            name: "affiche.png", alt: alt, contentType: "image/png", size: imageBytes.count,
            sha256: ContentHash.sha256Hex(imageBytes), data: imageBytes)
    }

    /// The message for `channel`, media described without bytes as the engine sends them.
    static func message(
        channel: String, post: Post = post, action: PostAction = .publish, version: Int = 1, attempt: Int = 1,
        media: [StoredMedia] = [image], previous: Receipt? = nil, progress: Receipt? = nil
    ) -> OutboundMessage {
        OutboundMessage(
            post: post, version: version, action: action, channel: channel,
            idempotencyKey: AcceptancePolicy.idempotencyKey(postID: post.id, channel: channel, action: action, version: version),
            attempt: attempt, media: media.map { var described = $0; described.data = nil; return described },
            previousReceipt: previous, progress: progress)
    }

    /// What the state database would hand the adapter for this post's media.
    static func loadMedia(_ media: [StoredMedia] = [image]) -> @Sendable (String, Int) async throws -> [StoredMedia] {
        { _, _ in media }
    }
}

@Suite("the rich French post, as rendered for Mastodon and Bluesky")
struct MastodonRichPostTests {
    @Test func the_body_is_about_1500_characters_with_everything_the_issue_asks_for() {
        let body = OccitanieRichPost.body
        #expect((1400...1700).contains(body.count))
        for needle in ["🇫🇷", "🎶", "é", "à", "?utm_source=", "#FeteDeLaMusique", "#Occitanie", "#Culture"] {
            #expect(body.contains(needle))
        }
    }

    @Test func it_is_too_long_for_one_status_so_it_becomes_a_numbered_thread_within_500() {
        let composed = PostComposer(format: .mastodon, limit: 500, lengthRule: .mastodon(urlLength: 23), threads: true)
            .compose(OccitanieRichPost.post)
        #expect(composed.fit == .thread)
        #expect(composed.parts.count >= 3)
        for (index, part) in composed.parts.enumerated() {
            #expect(LengthRule.mastodon().count(part.text) <= 500)
            #expect(part.text.hasSuffix(" \(index + 1)/\(composed.parts.count)"))
        }
        #expect(composed.parts.contains { $0.text.contains(OccitanieRichPost.url) }, "the long URL is never cut")
    }
}
