"""Build country_words.csv: the words news uses for a country besides its names (demonyms, capitals, metonyms).

Run by hand when the source or the lists below change, never at run time (see README.md here):

    cd "$(mktemp -d)" && npm pack world-countries@5.1.0 && tar xzf world-countries-5.1.0.tgz
    python /path/to/checkout/tracker/data/build_country_words.py "$PWD/package/countries.json"

Demonyms (`demonyms.eng.m` and `.f`), capitals (`capital`) and common names (`name.common`) come from
world-countries 5.1.0 (ODbL 1.0); the government metonyms, other capitals, demonyms and short names are
written here. Only ISO countries of countries.csv get words. A word is written as news writes it (the reader
matches it case-sensitively, token by token) and without a leading "the" (the reader adds "the" to
metonyms). The script drops, and prints:
- the words of AMBIGUOUS (ordinary words, person names, other places);
- any word two countries share, compared as country_names.normalise_name() compares names, and any word
  that is already a name or alias of another country or party: such a word is never guessed;
and leaves out words that are already a name, official name or alias of the same country.
Stdlib only: it reads tracker/models/country_names.py and tracker/reference.py without importing Django.
"""

import argparse
import ast
import csv
import importlib.util
import json
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRACKER = HERE.parent
KINDS = ("name", "capital", "demonym", "metonym")

# Package entries not taken, (iso2, word) -> why.
NOT_FROM_PACKAGE = {
    ("BQ", "Dutch"): "the Netherlands' demonym, given to a Dutch territory",
    ("IO", "Indian"): "India's demonym, given to a British territory",
    ("MP", "American"): "the United States' demonym, given to a US territory",
    ("SJ", "Norwegian"): "Norway's demonym, given to a Norwegian territory",
    ("TF", "French"): "France's demonym, given to a French territory",
    ("GS", "South Georgian South Sandwich Islander"): "nobody writes it",
    ("UM", "American Islander"): "nobody writes it; it would only make 'American' ambiguous to a reader",
}

# Words dropped wherever they come from: they would make wrong matches in news text. word -> why.
# (Duplicates across countries, such as Kingston, Congolese or Dominican, are found and dropped automatically.)
AMBIGUOUS = {
    # capitals
    "Victoria": "SC; a given name, an Australian state, a Canadian city",
    "City of Victoria": "HK; what Victoria, British Columbia calls itself, never Hong Kong's government",
    "Georgetown": "GY; Georgetown University in Washington, George Town in Penang",
    "George Town": "KY; George Town in Penang",
    "Santiago": "CL; Santiago de Cuba, de Compostela, de los Caballeros; a given name (Santiago Peña)",
    "San José": "CR; San Jose, California",
    "Hamilton": "BM; a surname, cities in Canada, New Zealand and Scotland",
    "Stanley": "FK; a given name and surname",
    "Douglas": "IM; a given name and surname",
    "Jamestown": "SH; towns in the United States, the Virginia colony",
    "Plymouth": "MS; the English naval port",
    "Sucre": "BO; a Venezuelan state and a surname (Antonio José de Sucre); La Paz, the seat of government, is kept",
    "Sofia": "BG; a common given name",
    "Malé": "MV; folds to the English word 'male' where accents are ignored",
    "Saint-Denis": "RE; Saint-Denis by Paris",
    "Saint-Pierre": "PM; Saint-Pierre in Réunion, Martinique and many more",
    "San Juan": "PR; provinces and cities in Argentina, the Philippines and elsewhere",
    "Nassau": "BS; Nassau County, New York",
    "Saint John's": "AG; St. John's, Newfoundland",
    "St. George's": "GD; St. George's in Bermuda, schools and hospitals",
    "Panama City": "PA; Panama City, Florida (a US Navy base)",
    "Cayenne": "GF; the pepper, the Porsche",
    "The Valley": "AI; an ordinary phrase",
    "The Bottom": "BQ (Saba); an ordinary phrase",
    "West Island": "CC; an ordinary phrase, part of Montreal",
    "Brussels": "BE; in news it stands for the European Union (and NATO) far more than for Belgium",
    "Vienna": "AT; the venue of the Iran nuclear talks, the IAEA and the OSCE",
    # demonyms
    "Guinean": "GN; also said of Guinea-Bissau, Equatorial Guinea and the Gulf of Guinea",
    "Central African": "CF; the region ('Central African states')",
    # common names from the package, and their forms without accents
    "Reunion": "RE; Réunion without its accent is an English word",
    "Saint Martin": "MF; the island is shared with Sint Maarten (SX)",
    "South Georgia": "GS; the south of the US state of Georgia",
}

# Hand-written words, (iso2, kind, word[, why]).
EXTRA = [
    # Capitals the package gives in another form, or seats of government it leaves out
    ("US", "capital", "Washington"),  # the package has only "Washington D.C."
    ("US", "capital", "Washington, D.C."),
    ("BO", "capital", "La Paz", "seat of government (Sucre is the constitutional capital)"),
    ("SZ", "capital", "Mbabane", "administrative capital (Lobamba is the legislative one)"),
    ("CI", "capital", "Abidjan", "where the government sits (Yamoussoukro is the official capital)"),
    ("BJ", "capital", "Cotonou", "seat of government (Porto-Novo is the official capital)"),
    ("BI", "capital", "Bujumbura", "capital until 2019, still where most of the government sits"),
    ("MY", "capital", "Putrajaya", "seat of government"),
    ("IN", "capital", "Delhi"),
    ("UA", "capital", "Kiev", "the older spelling, still in quotes and older articles"),
    ("MM", "capital", "Naypyitaw"),
    ("MN", "capital", "Ulaanbaatar"),
    ("YE", "capital", "Sanaa"),
    ("KZ", "capital", "Nur-Sultan", "Astana's name from 2019 to 2022"),
    # Government metonyms
    ("RU", "metonym", "Kremlin"),
    ("US", "metonym", "White House"),
    ("US", "metonym", "Pentagon"),
    ("US", "metonym", "Foggy Bottom", "the State Department"),
    ("US", "metonym", "State Department"),
    ("US", "metonym", "Capitol Hill", "Congress"),
    ("GB", "metonym", "Downing Street"),
    ("GB", "metonym", "Whitehall"),
    ("FR", "metonym", "Élysée"),
    ("FR", "metonym", "Élysée Palace"),
    ("FR", "metonym", "Quai d'Orsay", "the foreign ministry"),
    ("CN", "metonym", "Zhongnanhai"),
    ("KR", "metonym", "Blue House", "the presidential office until 2022"),
    ("IN", "metonym", "Raisina Hill"),
    ("UA", "metonym", "Bankova", "the presidential office"),
    ("PK", "metonym", "Rawalpindi", "the army's general headquarters"),
    ("IL", "metonym", "Tel Aviv", "the defence ministry; outlets that do not write Jerusalem"),
    ("IL", "metonym", "Jewish state"),
    ("IR", "metonym", "Islamic Republic", "'the Islamic Republic' alone; Pakistan's, Afghanistan's are longer"),
    # Short names news uses that are not a name or alias already
    ("US", "name", "US", "all capitals: the reader matches case-sensitively, so never 'us'"),
    ("US", "name", "America"),
    ("KP", "name", "DPRK"),
    ("KR", "name", "ROK"),
    ("KR", "name", "Republic of Korea"),
    ("SA", "name", "KSA"),
    ("BA", "name", "Bosnia"),
    ("CD", "name", "Democratic Republic of the Congo"),
    ("CD", "name", "Democratic Republic of Congo"),
    ("CD", "name", "Congo-Kinshasa"),
    ("CG", "name", "Congo-Brazzaville"),
    ("VA", "name", "Holy See"),
    ("TW", "name", "Republic of China"),
    ("TW", "name", "Chinese Taipei", "also keeps 'Chinese' from matching it"),
    # Demonyms news uses beside the package's
    ("SA", "demonym", "Saudi"),
    ("AZ", "demonym", "Azeri"),
    ("KG", "demonym", "Kyrgyz"),
    ("TJ", "demonym", "Tajik"),
    ("KZ", "demonym", "Kazakh"),
    ("UZ", "demonym", "Uzbek"),
    ("EC", "demonym", "Ecuadorian"),
    ("CV", "demonym", "Cape Verdean"),
    ("MV", "demonym", "Maldivian"),
    ("SI", "demonym", "Slovenian"),
    ("KM", "demonym", "Comorian"),
    ("DJ", "demonym", "Djiboutian"),  # the package gives "Djibouti", like "Gibraltar" below: the name
    ("GI", "demonym", "Gibraltarian"),
    ("PH", "demonym", "Philippine", "the adjective: 'Philippine Navy'"),
    ("AR", "demonym", "Argentinian"),
    ("GW", "demonym", "Bissau-Guinean"),
    ("MK", "demonym", "North Macedonian"),
    ("GB", "demonym", "Briton"),
    # Plural nouns whose singular is an adjective or not taken
    ("CZ", "demonym", "Czechs"),
    ("ES", "demonym", "Spaniards"),
    ("DK", "demonym", "Danes", "'Dane' alone is a given name"),
    ("FI", "demonym", "Finns", "'Finn' alone is a given name"),
    ("SE", "demonym", "Swedes"),
    ("TR", "demonym", "Turks"),
]

# Demonyms without an English plural in -s (adjectives, invariable or irregular nouns).
NO_PLURAL = {
    "Burkinabe",
    "Greenlandic",
    "I-Kiribati",
    "Malagasy",
    "Mosotho",
    "Motswana",
    "Ni-Vanuatu",
    "Philippine",
}


def load_country_names():
    """tracker/models/country_names.py on its own (stdlib only), without importing Django or tracker.models."""
    spec = importlib.util.spec_from_file_location("country_names", TRACKER / "models" / "country_names.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def historical_states():
    """The names of tracker.reference.HISTORICAL_STATES, read from the source."""
    tree = ast.parse((TRACKER / "reference.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "HISTORICAL_STATES" for t in node.targets):
            return [row[0] for row in ast.literal_eval(node.value)]
    raise SystemExit("HISTORICAL_STATES not found in tracker/reference.py")


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def ascii_fold(word):
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def variants(word):
    """The word, without accents, and with a typographic apostrophe: the reader matches exact text."""
    forms = [word, ascii_fold(word)]
    forms += [form.replace("'", "\u2019") for form in forms if "'" in form]
    return list(dict.fromkeys(forms))


def plural(word):
    if word in NO_PLURAL or word.endswith(("s", "z", "x", "sh", "ch", "ese")):
        return None
    return word + "s"


def known_names(countries, aliases, parties, states, normalise):
    """Normalised name -> who it names (iso2 or party name), and the exact texts of each country's names."""
    owners = defaultdict(set)
    texts = defaultdict(set)
    by_name = {}
    for row in countries:
        for text in (row["name"], row["official_name"]):
            owners[normalise(text)].add(row["iso2"])
            texts[row["iso2"]].add(text)
            by_name[text] = row["iso2"]
    for name in [*parties, *states]:
        owners[normalise(name)].add(name)
        by_name.setdefault(name, name)
    for alias, target in aliases.items():
        owner = target if target in texts else by_name.get(target, target)
        owners[normalise(alias)].add(owner)
        texts[owner].add(alias)
    return owners, texts


def package_words(path, iso2s):
    """(iso2, kind, word, origin) of world-countries' capitals, English demonyms and common names."""
    for country in json.loads(Path(path).read_text(encoding="utf-8")):
        iso2 = country["cca2"]
        if iso2 not in iso2s:
            continue
        for capital in country.get("capital", []):
            yield iso2, "capital", capital
        demonyms = country.get("demonyms", {}).get("eng", {})
        for form in (demonyms.get("m", ""), demonyms.get("f", "")):
            # "Antiguan, Barbudan", "Kittitian or Nevisian"
            for word in form.replace(" or ", ", ").split(","):
                if word.strip():
                    yield iso2, "demonym", word.strip()
        yield iso2, "name", country["name"]["common"]


def build(source):
    country_names = load_country_names()
    normalise = country_names.normalise_name
    countries = read_csv(HERE / "countries.csv")
    iso2s = {row["iso2"] for row in countries}
    parties = [row["name"] for row in read_csv(HERE / "parties.csv")]
    owners, texts = known_names(countries, country_names.ALIASES, parties, historical_states(), normalise)

    entries = []
    for iso2, kind, word in package_words(source, iso2s):
        if (iso2, word) not in NOT_FROM_PACKAGE:
            entries.append((iso2, kind, word))
    for iso2, kind, word, *_why in EXTRA:
        if iso2 not in iso2s or kind not in KINDS:
            raise SystemExit(f"EXTRA: {iso2} {kind} {word}: unknown country or kind")
        entries.append((iso2, kind, word))

    ambiguous = {ascii_fold(word): why for word, why in AMBIGUOUS.items()}
    entries = list(dict.fromkeys(entries))  # a demonym's m and f forms are mostly the same
    report = {"ambiguous": [], "shared": [], "names another": [], "already a name": []}
    kept = []
    for iso2, kind, word in entries:
        if ascii_fold(word) in ambiguous and word not in texts[iso2]:  # with its plural and variants
            report["ambiguous"].append((iso2, word, ambiguous[ascii_fold(word)]))
            continue
        forms = variants(word)
        if kind == "demonym" and plural(word) and word not in texts[iso2]:  # not "Djiboutis", "Vaticans"
            forms += variants(plural(word))
        for form in forms:
            if form in texts[iso2]:
                report["already a name"].append((iso2, form))
            elif ascii_fold(form) in ambiguous:
                report["ambiguous"].append((iso2, form, ambiguous[ascii_fold(form)]))
            else:
                kept.append((iso2, kind, form))

    rows = {}  # exact word -> (iso2, kind): the first kind of a word wins
    countries_of = defaultdict(set)  # normalised word -> the countries our words give it
    for iso2, kind, word in kept:
        others = owners.get(normalise(word), set()) - {iso2}
        if others:
            report["names another"].append((iso2, word, sorted(others)))
            continue
        countries_of[normalise(word)].add(iso2)
        rows.setdefault(word, (iso2, kind))
    for word in list(rows):
        if len(countries_of[normalise(word)]) > 1:
            report["shared"].append((word, sorted(countries_of[normalise(word)])))
            del rows[word]
    return rows, report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("countries_json", help="countries.json of the world-countries 5.1.0 npm package")
    parser.add_argument("--out", default=str(HERE / "country_words.csv"))
    args = parser.parse_args(argv)
    rows, report = build(args.countries_json)
    ordered = sorted(((iso2, kind, word) for word, (iso2, kind) in rows.items()), key=lambda r: (r[0], r[1], r[2]))
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["iso2", "kind", "word"])
        writer.writerows(ordered)
    print(f"{args.out}: {len(ordered)} words")
    for kind in KINDS:
        print(f"  {kind}: {sum(1 for row in ordered if row[1] == kind)}")
    print("Dropped as ambiguous (AMBIGUOUS):")
    for iso2, word, why in report["ambiguous"]:
        print(f"  {word} ({iso2}): {why}")
    print("Dropped: a word two countries share:")
    for word, iso2s in sorted(report["shared"]):
        print(f"  {word}: {', '.join(iso2s)}")
    print("Dropped: already a name or alias of another country or party:")
    for iso2, word, others in report["names another"]:
        print(f"  {word} ({iso2}): {', '.join(others)}")
    print(f"Left out, already a name or alias of the same country: {len(report['already a name'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
