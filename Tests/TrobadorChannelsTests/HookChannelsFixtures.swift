import CurlHTTP
import Foundation
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

/// What the Discord and ntfy suites share: the rich French post, its
/// image, messages and adapters built as the engine builds them, and a multipart reader.
enum HookFixtures {
    /// A PNG as `MediaSniffer` recognises one: the signature, then filler.
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x42, count: 4088)

    static let alt = "Affiche de la Fête de la musique : une guitare blanche sur fond orange, la date du 21 juin en grand"
    static let longURL = "https://www.example.org/agenda/2026/fete-de-la-musique?utm_source=reseaux&utm_medium=social&utm_campaign=fete-musique-2026&lieu=toutes-communes"
    static let link = "https://www.example.org/agenda/2026/fete-de-la-musique"

    /// Accents, emoji, a flag, a long URL with a query string, three hashtags, an image with
    /// alt text, a body of about 1,500 characters.
    static let richPost = Post(
        id: "fete-musique-2026", title: "Fête de la musique 2026 : l'Occitanie en fête",
        body: """
            Le 21 juin, **plus de 300 concerts gratuits** dans toute la région 🎶 : bals occitans, scènes ouvertes aux \
            jeunes talents, fanfares, chorales et DJ sets, de Perpignan à Rodez, de Tarbes à Nîmes 🇫🇷.

            Les événements sont proposés par les associations, les conservatoires et les communes dans l'agenda \
            participatif : chacun peut y ajouter le sien jusqu'au 15 juin, avec une photo, un horaire et un lieu \
            accessible aux personnes à mobilité réduite ♿.

            Cette année, la Région met l'accent sur les musiques du monde et les créations en occitan : une scène \
            « Òc e musica » accueillera à Toulouse des groupes venus des treize départements, et des trains liO \
            supplémentaires circuleront jusqu'à 2 h du matin pour rentrer en toute sécurité 🚆.

            Pensez à vérifier les horaires avant de partir, à vous hydrater et à protéger vos oreilles : des bouchons \
            seront distribués gratuitement aux points d'information. Les enfants de moins de 12 ans doivent être \
            accompagnés d'un adulte, et les chiens sont déconseillés près des scènes 🐶.

            Programme complet, carte interactive et accessibilité : \(longURL)

            #FeteDeLaMusique #Occitanie #Culture
            """,
        tags: ["culture", "musique", "agenda"], link: link, lang: "fr",
        summary: "Plus de 300 concerts gratuits partout en Occitanie le 21 juin 🎶",
        event: PostEvent(
            start: Date(timeIntervalSince1970: 1_782_057_600), end: Date(timeIntervalSince1970: 1_782_082_800),
            location: "Place du Capitole, Toulouse"),
        media: [MediaReference(file: "affiche.png", alt: alt)])

    /// The image as the state database holds it, bytes included.
    static let image = StoredMedia(
        name: "affiche.png", alt: alt, contentType: "image/png", size: png.count,
        sha256: String(repeating: "ab", count: 32), data: png)

    /// A message as the engine hands it to an adapter: media descriptions without bytes.
    static func message(
        _ post: Post = richPost, action: PostAction = .publish, version: Int = 1, channel: String = "hook",
        media: [StoredMedia] = [image], previous: Receipt? = nil
    ) -> OutboundMessage {
        OutboundMessage(
            post: post, version: version, action: action, channel: channel,
            idempotencyKey: AcceptancePolicy.idempotencyKey(postID: post.id, channel: channel, action: action, version: version),
            attempt: 1, media: media.map { var description = $0; description.data = nil; return description },
            previousReceipt: previous)
    }

    /// An adapter of `type` over a real libcurl client; `loadMedia` answers `media`.
    static func adapter(
        _ type: any ChannelType, name: String = "hook", settings: [String: SettingValue], media: [StoredMedia] = [image]
    ) throws -> any ChannelAdapter {
        let channel = ChannelConfig(name: name, type: type.name, settings: settings)
        let context = ChannelContext(http: CurlHTTPClient(), spoolDirectory: "/tmp", loadMedia: { _, _ in media })
        return try type.makeAdapter(for: channel, context: context)
    }

    static func secret(_ value: String) -> SettingValue { .secret(Secret(value, origin: "literal")) }

    static func json(_ data: Data) -> [String: Any]? { StandInJSON.object(data) }

    static func jsonAnswer(_ object: Any, status: Int = 200, headers: [String: String] = [:]) -> LoopbackReceiver.Answer {
        StandInJSON.answer(object, status: status, headers: headers)
    }

    /// Every text a person or a log could see of an adapter's work: outcome reasons and the
    /// printed previews.
    static func visibleText(outcomes: [DeliveryOutcome], previews: [PreviewRequest]) -> String {
        var text = outcomes.map { "\($0)" }.joined(separator: "\n")
        for preview in previews {
            text += "\n" + preview.purpose + "\n" + preview.request.url + "\n"
            text += preview.request.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
            text += "\n" + String(decoding: preview.request.body, as: UTF8.self)
        }
        return text
    }
}
