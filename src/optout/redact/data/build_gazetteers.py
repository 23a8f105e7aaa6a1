"""Build the person-name gazetteers shipped in this folder (a development script).

    python -m optout.redact.data.build_gazetteers    # rewrites person_*.txt here

Provenance (all of it ships inside packages optout already depends on; no list built from
leaked personal data, such as the ``names-dataset`` package, is used):

- ``person_first.txt`` / ``person_last.txt``: the first names and last names of every
  Latin-script locale of Faker's person providers (``faker.providers.person.*``, MIT licence),
  case-folded; surnames minus the words of ``person_stop.txt`` (a first name that is also a
  stop word, "Rosa", starts a name only before a surname: the detector checks both).
- ``person_name_de.txt``: the words that German text uses as names: the capitalised words of
  the Brown clusters of ``spacy-lookups-data``'s German lexeme table (MIT; clusters learnt from
  German web and news text) that hold mostly surnames and first names (``NAME_CLUSTERS_DE``,
  chosen by how many Faker surnames and first names fall in each, and read by hand).
- ``person_first_de.txt``: the words of the first-name clusters among them (56, 248, 504)
  that Faker's lists lack: a first name before an unknown surname ("Yehudi Menuhin").
- ``person_noun_de.txt``: of all the names above, the German nouns (the German lemma table of
  ``spacy-lookups-data`` lists a plural or other inflected form: "Hirsch", "Hirsche");
  ``person_lower_de.txt``: those German writes more often in lower case ("Dann", "Lange"),
  from the same package's word probabilities. The three German files are rebuilt only where
  ``spacy-lookups-data`` is installed (the ``gazetteers`` extra: ``pip install
  -e '.[gazetteers]'``); without it the shipped files are kept.
- ``person_place.txt``: place names: CLDR time-zone cities and countries (Babel), Python's
  time-zone names, Faker's lists of real cities and states, and a short hand-written list.
- ``person_stop.txt``: capitalised words that are not names: Faker's lorem word lists
  (``faker.providers.lorem.*``, MIT: everyday vocabulary of de, en, fr, es, it, nl, pl, da,
  cs), month, day, country and language names of the CLDR data in Babel (Unicode licence), and
  the short hand-written lists below (function words that start sentences, titles, and
  everyday words that are also first names or surnames, such as "Mai", "Mark", "Rose").

The output is deterministic (sorted, one case-folded word a line): running the script again
on the same Faker and Babel versions rewrites the same bytes.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from babel import Locale
from faker.config import AVAILABLE_LOCALES

HERE = Path(__file__).parent
LANGS = ("de", "en", "fr", "es", "it", "nl", "pl", "pt", "sv", "da")
LOREM_LOCALES = ("de_DE", "en_US", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "da_DK", "cs_CZ")
_LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ɏ][A-Za-zÀ-ÖØ-öø-ɏ'’-]*$")
_FIRST_ATTRS = ("first_names", "first_names_male", "first_names_female",
                "first_names_nonbinary", "first_names_unisex")
_LAST_ATTRS = ("last_names", "last_names_male", "last_names_female", "last_names_nonbinary")

# Function words that start sentences, and everyday words that collide with names. Written by
# hand from general knowledge of the languages (not from any evaluation data).
EXTRA_STOP = """
a al alla alle als am an and at auch auf aus bei bij but by con da dal dalla das dass de del
dem den der des det di die din do dos du dans een ein eine einem einen einer eines el en er
es et for from för għal het hier i il im in ist je jest la las le les lo los mit na nach ne
nel nella nicht no och of on oder om op or para pero pour qui quand sie sind so su sur te the
to um und une un uno una van vom von voor wann was wenn wie wir with y z za zu zum zur że
ich du er sie wir ihr man mein dein sein unser euer kein diese dieser dieses jede jeder
this that these those there here when where what who why how our your their his her its my
ce cette ces mon ma mes ton ta tes son sa ses notre votre leur nous vous ils elles on
este esta estos estas mi tu su nuestro nuestra ese esa aquel yo nosotros ellos ellas
questo questa quello quella mio mia tuo tua suo sua noi voi loro lui lei io
dit dat deze die mijn jouw zijn haar ons onze jullie hun wij zij ik
ten ta to tego tej moja mój twój jego jej nasz wasz ich my wy oni ja ty
este esta isto isso aquilo meu minha teu tua seu sua nosso nossa eles elas eu você
den det de min din sin vår er deras jag du han hon vi ni dom
hallo hello hi hey hej hoi ciao salut hola olá cześć danke thanks thank merci gracias grazie
bedankt dank obrigado obrigada dziękuję tack bitte please liebe lieber dear cher chère
herzlichen glückwunsch happy frohe joyeux feliz buon buona alles gute bon bonne
mai mark rose august april june may will hope joy grace faith summer winter autumn
ok okay yes no ja nein oui non si sí sì tak nie sim não nej nee
heute morgen gestern today tomorrow yesterday aujourd'hui demain hier hoy mañana ayer oggi
domani ieri vandaag morgen gisteren dzisiaj jutro wczoraj hoje amanhã ontem idag imorgon igår
gott god dieu dios dio deus bóg gud
ho ha hai hanno abbiamo sono siamo he has have had hay hemos tengo tenho temos
"""

# Titles and honorifics are stop words (they are never a name), and not names themselves.
TITLES = """
herr herrn frau fräulein dr prof mme mlle m monsieur madame mademoiselle mr mrs ms miss sir
lady lord sig sigg signor signora signorina dott dott.ssa pan pani panem panią państwo señor
señora señorita sr sra srta don doña dona senhor senhora sra dhr mevr mw meneer mevrouw
herra fru
"""

# Everyday words that are names in some Faker locale but so common as words in the sample's
# languages that a lone capitalised occurrence is far more likely the word.
COLLISIONS = """
ernst frank franc wolf bär fuchs hahn koch bauer fischer weber schneider müller
art bill bob cash chance clay dawn dean drew earl eve faith gene glen grant hall hunter
iris ivy jack jade king lane lee love mark marsh miles nick page park penny pierce pink
price ray reed rich rock rose ruby sage scott sky stone storm summer tucker violet ward
white wood young brown green black grey gray long short baker cook mason porter taylor
smith miller walker carpenter turner butler parker fisher
bach berg busch dorf feld hof holz horn kamp kern kirch kraus krause lang lange licht
mann neu neumann paul post roth schwarz sommer stein vogel wagner weiss weiß winter wolff
braun frank klein kühn hart fuchs
blanc blanche rousseau petit grand roy fort marie
rosa bella bello luce mare monte santo santa paz pilar rocío dolores luz mar cruz sol
rio campo campos costa mata nieves fe gloria rey reyes
brand breed de groot klein kort lang smit visser bakker
maj jan ola róża
"""


def _words(value: object) -> list[str]:
    if isinstance(value, dict):
        return [k for k in value if isinstance(k, str)]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def _latin(words: list[str]) -> set[str]:
    found: set[str] = set()
    for name in words:
        for part in name.split():
            if _LATIN.match(part) and len(part) >= 2:
                found.add(part.casefold())
    return found


def faker_names() -> tuple[set[str], set[str]]:
    """Every Latin-script first name and last name of Faker's person providers, case-folded."""
    first: set[str] = set()
    last: set[str] = set()
    for locale in AVAILABLE_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:
            continue
        for attr in _FIRST_ATTRS:
            first |= _latin(_words(getattr(provider, attr, None)))
        for attr in _LAST_ATTRS:
            last |= _latin(_words(getattr(provider, attr, None)))
    return first, last


def stop_words(first_names: set[str]) -> set[str]:
    """Capitalised words that are not names: vocabulary, calendar, countries, function words.
    Lorem words that are first names (the es_ES and cs_CZ lists are word frequencies of real
    text, with "Jorge" and "Jakub" among them) stay names unless a hand-written list says."""
    stop: set[str] = set()
    for locale in LOREM_LOCALES:
        provider = importlib.import_module(f"faker.providers.lorem.{locale}").Provider
        for word in _words(getattr(provider, "word_list", ())):
            stop.update(w.casefold() for w in word.split() if w.casefold() not in first_names)
    for lang in LANGS:
        loc = Locale.parse(lang)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                stop.update(m.casefold().rstrip(".") for m in loc.months[context][width].values())
                stop.update(d.casefold().rstrip(".") for d in loc.days[context][width].values())
        for name in list(loc.territories.values()) + list(loc.languages.values()):
            if " " not in name and len(name) > 2:  # not "Santa Lucía": Lucía is a name
                stop.add(name.casefold())
    stop.update(EXTRA_STOP.split())
    stop.update(TITLES.split())
    stop.update(COLLISIONS.split())
    return stop


# Large cities that CLDR's time-zone list lacks (hand-written, general knowledge).
EXTRA_PLACES = """
boston chicago detroit seattle denver dallas houston atlanta miami philadelphia baltimore
washington virginia georgia carolina florida texas california florence venice milan turin
naples genoa bologna hamburg munich cologne frankfurt stuttgart düsseldorf dortmund essen
bremen hannover leipzig dresden nürnberg halle hagen kiel bonn mainz trier aachen münster
manchester liverpool birmingham leeds glasgow edinburgh bristol oxford cambridge york
marseille lyon toulouse nice nantes strasbourg bordeaux lille sevilla valencia bilbao
málaga granada porto braga coimbra kraków gdańsk wrocław poznań łódź göteborg malmö uppsala
rotterdam utrecht eindhoven groningen antwerpen gent brugge leuven namur liège charleroi
madrid barcelona zaragoza salamanca valladolid córdoba alicante murcia palma vigo gijón
oviedo santander pamplona toledo cádiz almería burgos león
paris montpellier rennes reims grenoble dijon angers nîmes toulon brest limoges tours amiens
metz perpignan orléans rouen caen nancy avignon
roma milano napoli torino palermo genova firenze venezia verona padova trieste bari catania
parma modena brescia bergamo pisa siena perugia cagliari
lisboa faro aveiro évora funchal setúbal
warszawa lublin katowice szczecin bydgoszcz toruń gdynia białystok rzeszów
stockholm västerås örebro linköping helsingborg norrköping jönköping umeå lund
"""
# (not it_IT: its 16,000 comuni include first names such as "Marta")
CITY_LOCALES = ("de_DE", "de_AT", "nl_NL", "pl_PL", "pt_PT", "sv_SE")


def place_names() -> set[str]:
    """Real place names: CLDR time-zone cities and country names (Babel) in the sample's
    languages, and Faker's lists of real cities and states (single words only)."""
    places: set[str] = set()
    for lang in LANGS:
        loc = Locale.parse(lang)
        for zone in loc.time_zones.values():
            city = zone.get("city") if hasattr(zone, "get") else None
            if city and " " not in city:
                places.add(city.casefold())
        places.update(n.casefold() for n in loc.territories.values() if " " not in n)
    import zoneinfo

    for zone in zoneinfo.available_timezones():
        if "/" in zone:
            places.add(zone.rsplit("/", 1)[1].replace("_", " ").casefold())
    for locale in CITY_LOCALES:
        provider = importlib.import_module(f"faker.providers.address.{locale}").Provider
        for attr in ("cities", "states"):
            for name in _words(getattr(provider, attr, ())):
                if " " not in name and "-" not in name:
                    places.add(name.casefold())
    places.update(EXTRA_PLACES.split())
    return {p for p in places if " " not in p}


# Brown clusters of de_lexeme_cluster that hold names: 40 (about 70,000 words, mostly
# surnames: Müller, Merkel, Stoiber), 8 (surnames: Adenauer, Bonhoeffer), 24 (first names and
# surnames of Romance languages), 56, 248 and 504 (first names), 120 (rulers and their
# genitives: Karls, Ramses). Each holds hundreds of Faker surnames or first names, and its most
# frequent words are names (inspected by hand; no evaluation data used).
NAME_CLUSTERS_DE = frozenset({8, 24, 40, 56, 120, 248, 504})
FIRST_CLUSTERS_DE = frozenset({56, 248, 504})  # of those, the first names
_NAME_WORD = re.compile(r"^[A-ZÀ-ÖØ-ÞĀ-ɏ][a-zß-öø-ÿĀ-ɏ'’]+(?:-[A-ZÀ-ÖØ-ÞĀ-ɏ][a-zß-öø-ÿĀ-ɏ'’]+)?$")


def _lookups(name: str) -> dict[str, object] | None:
    """One table of ``spacy-lookups-data``, or None where that package is not installed."""
    try:
        import gzip
        import json

        import spacy_lookups_data
    except ImportError:
        return None
    path = Path(spacy_lookups_data.__file__).parent / "data" / name
    return json.loads(gzip.decompress(path.read_bytes()))  # type: ignore[no-any-return]


def german_stop_words() -> set[str]:
    """What is never a name in German text: the hand-written function words and titles, and
    German month, day, country and language names (CLDR via Babel)."""
    stop = set(EXTRA_STOP.split()) | set(TITLES.split())
    loc = Locale.parse("de")
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            stop.update(m.casefold().rstrip(".") for m in loc.months[context][width].values())
            stop.update(d.casefold().rstrip(".") for d in loc.days[context][width].values())
    stop.update(n.casefold() for n in list(loc.territories.values()) + list(loc.languages.values()))
    return stop - set(COLLISIONS.split())


def german_corpus_names() -> set[str] | None:
    """The capitalised words of the German name clusters (case-folded, not German stop
    words); None without ``spacy-lookups-data``."""
    clusters = _lookups("de_lexeme_cluster.json.gz")
    if clusters is None:
        return None
    return {w.casefold() for w, c in clusters.items()
            if c in NAME_CLUSTERS_DE and _NAME_WORD.match(w)} - german_stop_words()


def german_first_names(first: set[str]) -> set[str] | None:
    """The words of the German first-name clusters that Faker's lists lack ("Yehudi",
    "Wassili"), case-folded; None without ``spacy-lookups-data``."""
    clusters = _lookups("de_lexeme_cluster.json.gz")
    if clusters is None:
        return None
    return {w.casefold() for w, c in clusters.items()
            if c in FIRST_CLUSTERS_DE and _NAME_WORD.match(w)} - german_stop_words() - first


def german_words(names: set[str], corpus: set[str], first: set[str]
                 ) -> tuple[set[str], set[str]] | None:
    """Of ``names``, those that are German nouns (the lemma table knows a plural or another
    inflected form besides a genitive: "Hirsch", "Hirsche"; or lists the word as its own
    lemma: "Kohl"; or holds it at all while it is not in ``corpus``, the words German uses as
    names: "Lage", "Tod"; or it is not a first name and German writes it more than once in
    15,000 words: "Wasser"), the same for a name with an "s" after it that is a noun of its own
    ("Preis", not the genitive of "Prei"), and those whose lower-case form German writes more
    often than the capitalised one ("Dann", "Anders", "Lange"); None without the package."""
    lemmas = _lookups("de_lemma_lookup.json.gz")
    probs = _lookups("de_lexeme_prob.json.gz")
    if lemmas is None or probs is None:
        return None
    inflected: dict[str, set[str]] = {}
    for form, lemma in lemmas.items():
        inflected.setdefault(str(lemma), set()).add(form)
    known = {w for pair in lemmas.items() for w in pair if isinstance(w, str)}
    nouns: set[str] = set()
    lower: set[str] = set()
    for name in names | {n + "s" for n in names}:
        word = name[:1].upper() + name[1:]
        forms = inflected.get(word, set()) - {word, word + "s", word + "n", word + "'s"}
        common = float(probs.get(word, -30.0)) > -9.6 and name not in first  # type: ignore[arg-type]
        if (forms or lemmas.get(word) == word or common
                or (name in names and name not in corpus and word in known)):
            nouns.add(name)
        if name in names and name in probs and float(probs[name]) > float(  # type: ignore[arg-type]
                probs.get(word, -30.0)) - 1.0:  # type: ignore[arg-type]
            lower.add(name)
    return nouns, lower


def write(path: Path, header: str, words: set[str]) -> None:
    lines = [f"# {header}", *sorted(words)]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if path.suffix == ".gz":
        import gzip

        path.write_bytes(gzip.compress(data, 9, mtime=0))
    else:
        path.write_bytes(data)


def main() -> None:
    """Rewrite ``person_first.txt``, ``person_last.txt`` and ``person_stop.txt``."""
    first, last = faker_names()
    stop = stop_words(first)
    places = place_names() - stop
    write(HERE / "person_first.txt",
          "First names: Faker person providers, Latin-script locales (MIT); build_gazetteers.py",
          first)  # a first name that is a stop word starts a name only before a surname
    write(HERE / "person_last.txt",
          "Last names: Faker person providers, Latin-script locales (MIT); build_gazetteers.py",
          last - stop)
    german = german_corpus_names()
    if german is not None:
        write(HERE / "person_name_de.txt",
              "Names in German text: spacy-lookups-data de Brown clusters (MIT)", german)
        firsts = german_first_names(first)
        if firsts is not None:
            write(HERE / "person_first_de.txt",
                  "First names in German text: spacy-lookups-data de Brown clusters (MIT)",
                  firsts)
        words = german_words(german | first | last, german, first)
        if words is not None:
            write(HERE / "person_noun_de.txt",
                  "Names that are German nouns: spacy-lookups-data de lemma table (MIT)",
                  words[0])
            write(HERE / "person_lower_de.txt",
                  "Names German writes more often in lower case: spacy-lookups-data (MIT)",
                  words[1])
    write(HERE / "person_place.txt",
          "Places: CLDR via Babel (Unicode), Python's tz names, Faker real-city lists (MIT)",
          places)
    write(HERE / "person_stop.txt",
          "Not names: Faker lorem words (MIT), CLDR via Babel (Unicode), hand-written lists",
          stop)


if __name__ == "__main__":
    main()
