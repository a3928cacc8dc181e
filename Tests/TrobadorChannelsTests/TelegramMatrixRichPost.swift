import Foundation
@testable import TrobadorCore

/// The rich French post, for the Telegram and Matrix suites: accents, emoji, a flag,
/// a long URL with a query string, three hashtags, an image with alt text, a body of about
/// 1,500 characters.
enum ChatRichPost {
    static let longURL = "https://www.example.org/agenda/journees-europeennes-du-patrimoine-2026?utm_source=reseaux&utm_medium=social&utm_campaign=jep2026&departement=tous"
    static let alt = "Affiche des Journées du patrimoine : la cité de Carcassonne au coucher du soleil, un drapeau occitan au sommet d'une tour"

    static let body = """
        Les 19 et 20 septembre, **plus de 1 200 monuments** ouvrent gratuitement leurs portes dans les treize départements d'Occitanie 🏰. Châteaux cathares, abbayes romanes, hôtels particuliers de Toulouse et de Montpellier, phares de la Côte Vermeille : c'est l'occasion de découvrir des lieux d'habitude fermés au public, guidés par celles et ceux qui les font vivre.

        Cette année, le thème « Patrimoine et création » met à l'honneur les métiers d'art : tailleurs de pierre, vitraillistes, luthiers et restauratrices de tableaux présenteront leur savoir-faire 🎨. Les enfants ne sont pas oubliés, avec des jeux de piste, des ateliers de calligraphie occitane et des visites contées à hauteur de trois pommes 👧🧒.

        Les lycéennes et lycéens titulaires de la *Carte Jeune Région* voyagent en train liO à 1 € pour rejoindre les sites du programme ; pensez à réserver les visites les plus demandées, car les places partent vite ! Certains lieux, comme le pont du Gard ou la cité de Carcassonne, proposent aussi des nocturnes exceptionnelles le samedi soir ✨ 🇫🇷.

        Programme complet, carte interactive et réservations : \(longURL)

        Bonnes visites à toutes et à tous, et partagez vos plus belles photos avec nous ! 📸

        #JEP2026 #Patrimoine #Occitanie
        """

    static func post(body: String = body, id: String = "jep-2026", action: PostAction = .publish) -> Post {
        Post(
            id: id, action: action, title: "Journées du patrimoine 2026 : l'Occitanie ouvre ses portes", body: body,
            tags: ["patrimoine", "occitanie"], link: "https://www.example.org/agenda/journees-europeennes-du-patrimoine-2026",
            lang: "fr", summary: "Plus de 1 200 monuments gratuits les 19 et 20 septembre.",
            event: PostEvent(
                start: Date(timeIntervalSince1970: 1_789_801_200), end: Date(timeIntervalSince1970: 1_789_916_400),
                location: "Toute l'Occitanie"),
            media: [MediaReference(file: "affiche.png", alt: alt)])
    }

    /// A body three times as long: a thread on both networks' limits.
    static var longBody: String { [body, body, body].joined(separator: "\n\n") }

    /// A PNG signature and a few bytes: the stand-ins check sizes and types, not pixels.
    static let image: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x42, count: 215)

    static func media(alt: String? = alt, contentType: String = "image/png", size: Int? = nil, withData: Bool = false) -> StoredMedia {
        let bytes = size.map { [UInt8](repeating: 0x42, count: $0) } ?? image
        return StoredMedia(
            name: "affiche.png", alt: alt, contentType: contentType, size: bytes.count,
            sha256: ContentHash.sha256Hex(bytes), data: withData ? bytes : nil)
    }

    static func message(
        _ post: Post = post(), channel: String, action: PostAction = .publish, version: Int = 1, attempt: Int = 1,
        media: [StoredMedia] = [media()], previous: Receipt? = nil, progress: Receipt? = nil
    ) -> OutboundMessage {
        OutboundMessage(
            post: post, version: version, action: action, channel: channel,
            idempotencyKey: AcceptancePolicy.idempotencyKey(postID: post.id, channel: channel, action: action, version: version),
            attempt: attempt, media: media, previousReceipt: previous, progress: progress)
    }
}

/// An outcome other than the one a test expected.
struct ChatOutcomeMismatch: Error, CustomStringConvertible {
    var outcome: DeliveryOutcome
    var description: String { "unexpected outcome: \(outcome)" }
}
