"""Realistic posts for the benchmark: French text with accents, emoji, a link and hashtags,
about the size of what a regional communication team publishes."""

import os
import time

TEMPLATES = [
    (
        "Carte Jeune Région n°{n} : transports à 1 € pour les 15-26 ans",
        "[jeunesse, transports]",
        "https://www.example.org/aides/carte-jeune",
        "Tu as entre 15 et 26 ans ? Avec la **Carte Jeune Région**, tes trajets en train liO sont à **1 €**,\n"
        "et tu as droit à des réductions sur la culture et le sport 🎟️.\n\n"
        "La demande se fait en ligne, en 5 minutes, avec une pièce d'identité :\n"
        "https://www.example.org/aides/carte-jeune\n\n"
        "Beaucoup de jeunes ne savent pas encore qu'ils y ont droit : partage autour de toi ! #Jeunesse #Occitanie\n",
    ),
    (
        "Fête de la musique {n} : plus de 300 concerts gratuits",
        "[culture, musique]",
        "https://www.example.org/agenda/fete-musique",
        "Le 21 juin, **plus de 300 concerts gratuits** dans toute la région 🎶. Rock, jazz, chorales, "
        "musiques occitanes : il y en a pour tous les goûts, de Toulouse à Montpellier.\n\n"
        "- Place du Capitole, à partir de 18 h\n- Esplanade du Peyrou, à partir de 19 h\n\n"
        "Programme complet : https://www.example.org/agenda/fete-musique #FeteDeLaMusique #Occitanie\n",
    ),
    (
        "Pont du Gard, visite n°{n} : les nocturnes reviennent cet été",
        "[tourisme, patrimoine]",
        "https://www.example.org/tourisme/pont-du-gard",
        "Les **nocturnes du Pont du Gard** reviennent du 1er juillet au 31 août ✨. Spectacle de lumière "
        "sur l'aqueduc romain, visites guidées à la lanterne et marché de producteurs locaux.\n\n"
        "Réservation conseillée : https://www.example.org/tourisme/pont-du-gard\n\n"
        "Accès gratuit pour les moins de 18 ans. #Tourisme #Patrimoine\n",
    ),
]


def post_text(prefix, n):
    title, tags, link, body = TEMPLATES[n % len(TEMPLATES)]
    return (
        f"---\nid: {prefix}-{n:06d}\ntitle: \"{title.format(n=n)}\"\ntags: {tags}\nlink: {link}\nlang: fr\n---\n"
        + body
    )


def post_title(n):
    return TEMPLATES[n % len(TEMPLATES)][0].format(n=n)


def fill_inbox(inbox, prefix, count):
    """Writes `count` posts as if dropped while the daemon was down: oldest first, the newest
    a minute old (the daemon leaves files modified in the last 2 s for a recheck)."""
    base = time.time() - 60 - count / 1000
    for n in range(count):
        path = os.path.join(inbox, f"{prefix}-{n:06d}.md")
        with open(path, "w") as out:
            out.write(post_text(prefix, n))
        stamp = base + n / 1000
        os.utime(path, (stamp, stamp))
