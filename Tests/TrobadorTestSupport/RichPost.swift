import Foundation
import TrobadorCore

/// The rich French post, shared by the suites of the built-in channels and of the
/// shipped plugins: accents, emoji, a flag, a long URL with a query string, three hashtags, an
/// event, an image with alt text, a body of about 1,500 characters.
public enum RichPost {
    public static let alt = "Affiche de la Fête de la musique : une guitare blanche sur fond orange, la date du 21 juin en grand"
    public static let longURL = "https://www.example.org/agenda/2026/fete-de-la-musique?utm_source=reseaux&utm_medium=social&utm_campaign=fete-musique-2026&lieu=toutes-communes"
    public static let link = "https://www.example.org/agenda/2026/fete-de-la-musique"

    public static let post = Post(
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
}
