"""The printed handout's own labels (headings, table columns) in each language a routine can be said in.

These are words only the paper has; everything the voice says comes from the timeline. They address the
reader as the language packs do (German "du", Spanish "tú"). A language without labels here gets the
English ones.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HandoutWords:
    """The labels of one language."""

    equipment: str
    hold: str
    sets: str
    per_side: str
    sides: str
    then: str
    rest: str
    no_rest: str
    steps: str
    while_holding: str
    switch: str
    cautions: str
    progression: str
    scan: str
    log_title: str
    log_hint: str
    date: str
    done: str
    pain_before: str
    pain_after: str
    notes: str
    page: str


ENGLISH = HandoutWords(
    equipment="You need",
    hold="Hold",
    sets="Sets",
    per_side=" per side",
    sides="Sides",
    then=", then ",
    rest="Rest between sets",
    no_rest="none",
    steps="Steps, as the voice says them",
    while_holding="While you hold",
    switch="Then the other side",
    cautions="Take care",
    progression="Progression",
    scan="Scan with your phone to listen",
    log_title="Your sessions",
    log_hint="Tick each session you do, and rate your back from 0 (no pain) to 10 (the worst pain).",
    date="Date",
    done="Done",
    pain_before="Pain before (0\u201310)",
    pain_after="Pain after (0\u201310)",
    notes="Notes",
    page="Page",
)

WORDS = {
    "en": ENGLISH,
    "de": HandoutWords(
        equipment="Du brauchst",
        hold="Halten",
        sets="Sätze",
        per_side=" pro Seite",
        sides="Seiten",
        then=", dann ",
        rest="Pause zwischen den Sätzen",
        no_rest="keine",
        steps="Die Schritte, wie die Stimme sie sagt",
        while_holding="Während du hältst",
        switch="Dann die andere Seite",
        cautions="Achtung",
        progression="Steigerung",
        scan="Mit dem Handy scannen und anhören",
        log_title="Deine Einheiten",
        log_hint="Hak jede Einheit ab und bewerte deinen Rücken von 0 (kein Schmerz) bis 10 (stärkster "
        "Schmerz).",
        date="Datum",
        done="Erledigt",
        pain_before="Schmerz vorher (0\u201310)",
        pain_after="Schmerz nachher (0\u201310)",
        notes="Notizen",
        page="Seite",
    ),
    "es": HandoutWords(
        equipment="Necesitarás",
        hold="Mantener",
        sets="Series",
        per_side=" por lado",
        sides="Lados",
        then=", después ",
        rest="Descanso entre series",
        no_rest="ninguno",
        steps="Los pasos, como los dice la voz",
        while_holding="Mientras mantienes",
        switch="Después, el otro lado",
        cautions="Cuidado",
        progression="Progresión",
        scan="Escanea con el móvil para escuchar",
        log_title="Tus sesiones",
        log_hint="Marca cada sesión que hagas y valora tu espalda de 0 (sin dolor) a 10 (el peor dolor).",
        date="Fecha",
        done="Hecha",
        pain_before="Dolor antes (0\u201310)",
        pain_after="Dolor después (0\u201310)",
        notes="Notas",
        page="Página",
    ),
}


def handout_words(language: str) -> HandoutWords:
    """The labels for ``language`` (a pack's code), English where there are none."""
    return WORDS.get(language, ENGLISH)
