import Foundation

/// The posts of /work/shared/examples, embedded so the tests do not depend on where the
/// repository is checked out.
enum PostExamples {
    /// `carte-jeune.md`
    static let carteJeune = #"""
        ---
        id: carte-jeune-2026-09
        title: "Carte Jeune Région : transports à 1 € pour les 15-26 ans"
        tags: [jeunesse, transports]
        link: https://www.example.org/aides/carte-jeune
        lang: fr
        summary: "Trains liO à 1 € pour les 15-26 ans avec la Carte Jeune. Demande en ligne en 5 minutes."
        ---
        Tu as entre 15 et 26 ans ? Avec la **Carte Jeune Région**, tes trajets en train liO sont à **1 €**,
        et tu as droit à des réductions sur la culture et le sport 🎟️.

        La demande se fait en ligne, en 5 minutes, avec une pièce d'identité :
        https://www.example.org/aides/carte-jeune

        Beaucoup de jeunes ne savent pas encore qu'ils y ont droit : partage autour de toi ! #Jeunesse #Occitanie

        """#

    /// `correction-fete-musique.md`
    static let correctionFeteMusique = #"""
        ---
        id: fete-musique-2026
        action: update
        title: "Fête de la musique 2026 : l'Occitanie en fête"
        tags: [culture, musique, agenda]
        link: https://www.example.org/agenda/2026/fete-de-la-musique
        lang: fr
        ---
        Le 21 juin, **plus de 350 concerts gratuits** dans toute la région 🎶 (programme mis à jour).

        Programme complet : https://www.example.org/agenda/2026/fete-de-la-musique #FeteDeLaMusique

        """#

    /// `pont-du-gard.json`
    static let pontDuGard = #"""
        {
          "id": "tourisme-pont-du-gard-automne",
          "title": "L'automne au pont du Gard",
          "tags": ["tourisme", "patrimoine"],
          "link": "https://www.example.org/tourisme/pont-du-gard",
          "lang": "fr",
          "body": "Les couleurs d'automne sur le **pont du Gard** 🍂 : à 30 minutes de Nîmes, un site classé au patrimoine mondial de l'UNESCO, à découvrir en famille le week-end.\n\nIdées de balades et horaires : https://www.example.org/tourisme/pont-du-gard #Tourisme #Occitanie"
        }

        """#

    /// `retrait.md`
    static let retrait = #"""
        ---
        id: carte-jeune-2026-09
        action: retract
        ---

        """#

    /// `fete-musique-2026/post.md`
    static let feteMusiqueBundle = #"""
        ---
        id: fete-musique-2026
        title: "Fête de la musique 2026 : l'Occitanie en fête"
        tags: [culture, musique, agenda]
        link: https://www.example.org/agenda/2026/fete-de-la-musique
        lang: fr
        publish_at: 2026-06-19T09:00:00+02:00
        expires_at: 2026-06-22T02:00:00+02:00
        event:
          start: 2026-06-21T18:00:00+02:00
          end: 2026-06-22T01:00:00+02:00
          location: "Place du Capitole, Toulouse, et dans les 13 départements"
        media:
          - file: affiche.png
            alt: "Affiche de la Fête de la musique : une guitare blanche sur fond orange, la date du 21 juin en grand"
        translations:
          oc:
            title: "Fèsta de la musica 2026 : Occitània en fèsta"
            body: "Lo 21 de junh, mai de 300 concèrts gratuits dins tota la region 🎶. Programa complet : https://www.example.org/agenda/2026/fete-de-la-musique #FestaDeLaMusica"
        ---
        Le 21 juin, **plus de 300 concerts gratuits** dans toute la région 🎶 : bals occitans, scènes
        ouvertes aux jeunes talents, fanfares et DJ sets, de Perpignan à Rodez.

        Les événements sont proposés par les associations et les communes dans l'agenda participatif :
        chacun peut y ajouter le sien.

        Programme complet : https://www.example.org/agenda/2026/fete-de-la-musique?utm_source=reseaux&utm_medium=social

        #FeteDeLaMusique #Occitanie #Culture

        """#

    /// `fete-musique-2026/affiche.png`: a real 64×96 PNG.
    static let affichePNG: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x60, 0x08, 0x02, 0x00, 0x00, 0x00, 0x22, 0xA7, 0xE3,
        0xBF, 0x00, 0x00, 0x00, 0xA6, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0xED, 0xCF, 0x51, 0x09, 0x00,
        0x20, 0x14, 0xC0, 0xC0, 0x17, 0xC2, 0xB0, 0xC6, 0x36, 0x82, 0x21, 0xFC, 0x38, 0x84, 0xC1, 0x02,
        0xDC, 0xE6, 0xEC, 0xF5, 0x75, 0xC3, 0x05, 0x0D, 0x68, 0x41, 0x03, 0x5A, 0xD0, 0x80, 0x16, 0x34,
        0xA0, 0x05, 0x0D, 0x68, 0x41, 0x03, 0x5A, 0xD0, 0x80, 0x16, 0x34, 0xA0, 0x05, 0x0D, 0x68, 0x41,
        0x03, 0x5A, 0xD0, 0x80, 0x16, 0x34, 0xA0, 0x05, 0x0D, 0x68, 0x41, 0x03, 0x5A, 0xD0, 0x80, 0x16,
        0x34, 0xA0, 0x05, 0x0D, 0x68, 0x41, 0x03, 0x5A, 0xD0, 0x80, 0x16, 0x34, 0xA0, 0x05, 0x0D, 0x68,
        0x41, 0x03, 0x5A, 0xD0, 0x80, 0x16, 0x34, 0xA0, 0x05, 0x0D, 0x68, 0x41, 0x03, 0x5A, 0xD0, 0x80,
        0x16, 0x34, 0xA0, 0x05, 0x0D, 0x68, 0x41, 0x03, 0x5A, 0xD0, 0x80, 0x16, 0x34, 0xA0, 0x05, 0x0D,
        0x68, 0x41, 0x03, 0x5A, 0xD0, 0x80, 0x16, 0x34, 0xA0, 0x05, 0x0D, 0x68, 0x41, 0x03, 0x5A, 0xD0,
        0x80, 0x16, 0x34, 0xA0, 0x05, 0x0D, 0x68, 0x41, 0x03, 0x5A, 0xD0, 0x80, 0x16, 0x34, 0xA0, 0x05,
        0x0D, 0x68, 0x41, 0x03, 0x5A, 0xD0, 0x80, 0x16, 0x3C, 0x76, 0x01, 0x77, 0xB2, 0xA2, 0x0E, 0x5D,
        0x3E, 0x54, 0xAA, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82
    ]
}
