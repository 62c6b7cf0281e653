//! Street addresses: a street core (house number and street name with a
//! street type, in the national orders) extended by units, postcodes,
//! cities, state codes and countries.

use crate::lexicon::{
    ADDRESS_LABEL, COMMON, ENGLISH, PARTICLE, PLACE, REGION, STOP, STREET_FIRST, STREET_LAST, UNIT,
    fold, one_of,
};
use crate::tokens::{Case, Kind, Tok};
use crate::{NameKind, NameSpan};

fn text_of<'t>(text: &'t str, t: &Tok) -> &'t str {
    &text[t.start as usize..t.end as usize]
}

fn is_punct(t: &Tok, p: u8) -> bool {
    // `punct` is 0 on words and numbers.
    t.punct == p
}

/// A house number: `12`, `221B`, `5a`, `84/92`, `17-II`, `45/3`,
/// `45/2/14` (house, staircase, door).
fn house_number(text: &str, t: &Tok) -> bool {
    if t.kind != Kind::Num {
        return false;
    }
    let w = t.bytes(text);
    if w.len() > 9 || !w[0].is_ascii_digit() {
        return false;
    }
    let digits = w.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 5 {
        return false;
    }
    let rest = &w[digits..];
    rest.is_empty()
        || (rest.len() <= 2 && rest.iter().all(u8::is_ascii_alphabetic))
        // Colombian `11A-28`
        || (rest.len() >= 3
            && rest[0].is_ascii_alphabetic()
            && rest[1] == b'-'
            && all_digits(&rest[2..]))
        || ((rest[0] == b'/' || rest[0] == b'-')
            && rest.len() >= 2
            && rest[1..]
                .iter()
                .all(|b| b.is_ascii_digit() || matches!(b, b'I' | b'V' | b'a'..=b'z'))
            || (rest[0] == b'/' && rest[1..].iter().all(|b| b.is_ascii_digit() || *b == b'/')))
        // Japanese and Indian block numbers: `3-1-1`, `3-6-289` (not
        // dates or phone numbers: three groups of at most three digits).
        || (rest[0] == b'-'
            && digits <= 3
            && w.split(|&b| b == b'-').count() == 3
            && w
                .split(|&b| b == b'-')
                .all(|g| (1..=3).contains(&g.len()) && all_digits(g)))
}

/// An ordinal street name part: `2nd`, `5th`, `1st`.
fn ordinal(text: &str, t: &Tok) -> bool {
    let w = t.bytes(text);
    t.kind == Kind::Num
        && w.len() >= 3
        && w[..w.len() - 2].iter().all(u8::is_ascii_digit)
        && ["st", "nd", "rd", "th"]
            .iter()
            .any(|s| w[w.len() - 2..].eq_ignore_ascii_case(s.as_bytes()))
}

fn direction(text: &str, t: &Tok) -> bool {
    t.kind == Kind::Word
        && t.case == Case::Upper
        && matches!(
            text_of(text, t),
            "N" | "S" | "E" | "W" | "NE" | "NW" | "SE" | "SW"
        )
}

/// Street words written as one word with the name (`Hauptstraße`,
/// `Keizersgracht`, `Drottninggatan`), folded.
const COMPOUND: &[&str] = &[
    "strasse", "str", "weg", "gasse", "platz", "allee", "ufer", "gracht", "straat", "laan",
    "plein", "kade", "singel", "dijk", "gata", "gatan", "gade", "vej", "veien", "vagen",
    "chaussee", "steig", "tie", "katu", "kuja", "vei", "vegen", "torget", "torv", "vegur",
];

/// For each first letter, the second letters of the last two letters of
/// the [`COMPOUND`] words: most words end otherwise and skip the list.
static COMPOUND_ENDS: [u32; 26] = {
    let mut ends = [0u32; 26];
    let mut k = 0;
    while k < COMPOUND.len() {
        let b = COMPOUND[k].as_bytes();
        ends[(b[b.len() - 2] - b'a') as usize] |= 1 << (b[b.len() - 1] - b'a');
        k += 1;
    }
    ends
};

fn compound_street(text: &str, t: &Tok) -> bool {
    t.case != Case::Lower && compound_street_any_case(text, t)
}

/// [`compound_street`] in any case, lower case too (`getreidegasse`).
fn compound_street_any_case(text: &str, t: &Tok) -> bool {
    if t.kind != Kind::Word || t.end - t.start < 6 {
        return false;
    }
    let w = t.bytes(text);
    // A word ending in two ASCII letters ends as it folds (`-straße` does not).
    let (a, b) = (w[w.len() - 2] | 0x20, w[w.len() - 1] | 0x20);
    if a.is_ascii_lowercase()
        && b.is_ascii_lowercase()
        && COMPOUND_ENDS[(a - b'a') as usize] & (1 << (b - b'a')) == 0
    {
        return false;
    }
    if w.is_ascii() {
        return COMPOUND.iter().any(|s| {
            w.len() >= s.len() + 3 && w[w.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes())
        });
    }
    let mut buf = [0u8; crate::lexicon::MAX_KEY];
    let Some(key) = crate::lexicon::fold(text_of(text, t), &mut buf) else {
        return false;
    };
    COMPOUND
        .iter()
        .any(|s| key.len() >= s.len() + 3 && key.ends_with(s))
}

/// Street types that start a name only weakly (`Am Markt`, `C/ Mayor`):
/// the address needs a postcode.
fn weak_first(text: &str, t: &Tok) -> bool {
    let w = text_of(text, t);
    ["am", "an", "im", "auf", "al", "c", "av", "place", "route"]
        .iter()
        .any(|s| s.eq_ignore_ascii_case(w))
}

fn all_digits(w: &[u8]) -> bool {
    !w.is_empty() && w.iter().all(u8::is_ascii_digit)
}

/// A postcode at token `i`: the index just past it.
fn postcode_at(text: &str, toks: &[Tok], i: usize, lower_ok: bool) -> Option<usize> {
    let t = toks.get(i)?;
    if t.kind != Kind::Num {
        return None;
    }
    let w = t.bytes(text);
    let next = toks.get(i + 1).filter(|n| !n.newline() && n.space());
    if all_digits(w) {
        match w.len() {
            4 => {
                // Dutch `1015 CJ`
                if let Some(n) = next {
                    if n.kind == Kind::Word && n.case == Case::Upper && n.end - n.start == 2 {
                        return Some(i + 2);
                    }
                }
                return Some(i + 1);
            }
            5 | 6 => return Some(i + 1),
            3 => {
                // Swedish `111 21`, Icelandic `101 Reykjavík`
                let n = next?;
                let nw = text_of(text, n).as_bytes();
                if n.kind == Kind::Num && nw.len() == 2 && all_digits(nw) {
                    return Some(i + 2);
                }
                return town_next(text, n).then_some(i + 1);
            }
            // Chilean `2340000 Valparaíso`: seven digits are a phone
            // number's too, so a known town must follow.
            7 => return next.is_some_and(|n| town_next(text, n)).then_some(i + 1),
            _ => return None,
        }
    }
    // Argentine `X5000 Córdoba`, `C1425DKA Buenos Aires`: a capital letter,
    // four digits and maybe three capitals (a part number's shape too, so
    // a known town must follow).
    if (w.len() == 5 || w.len() == 8)
        && w[0].is_ascii_uppercase()
        && all_digits(&w[1..5])
        && w[5..].iter().all(u8::is_ascii_uppercase)
        && next.is_some_and(|n| town_next(text, n))
    {
        return Some(i + 1);
    }
    // Singapore `S520045`
    if w.len() == 7 && w[0] | 0x20 == b's' && all_digits(&w[1..]) {
        return Some(i + 1);
    }
    // `00-514`, `1100-053`, `01310-200`, `163-8001`
    if let Some(dash) = w.iter().position(|&b| b == b'-') {
        let (a, b) = (&w[..dash], &w[dash + 1..]);
        if all_digits(a) && all_digits(b) {
            let ok = matches!((a.len(), b.len()), (2, 3) | (4, 3) | (5, 3) | (3, 4));
            return ok.then_some(i + 1);
        }
        return None;
    }
    // UK `SW1A 2AA`, Canadian `M5H 2M9`, Irish `D02 X285`.
    let case_ok = |tok: &Tok| {
        tok.case == Case::Upper || (lower_ok && tok.case == Case::Lower) || tok.case == Case::Other
    };
    let n = next?;
    if n.kind != Kind::Num || !case_ok(t) || !case_ok(n) {
        return None;
    }
    let inward = text_of(text, n).to_ascii_uppercase();
    let outward = String::from_utf8_lossy(w).to_ascii_uppercase();
    let (o, inw) = (outward.as_bytes(), inward.as_bytes());
    let uk_out = (2..=4).contains(&o.len())
        && o[0].is_ascii_alphabetic()
        && o.iter().all(u8::is_ascii_alphanumeric)
        && o.iter().any(u8::is_ascii_digit);
    let uk_in =
        inw.len() == 3 && inw[0].is_ascii_digit() && inw[1..].iter().all(u8::is_ascii_alphabetic);
    let ca = o.len() == 3
        && inw.len() == 3
        && o[0].is_ascii_alphabetic()
        && o[1].is_ascii_digit()
        && o[2].is_ascii_alphabetic()
        && inw[0].is_ascii_digit()
        && inw[1].is_ascii_alphabetic()
        && inw[2].is_ascii_digit();
    let ie = o.len() == 3
        && o[0].is_ascii_alphabetic()
        && o[1..].iter().all(u8::is_ascii_digit)
        && inw.len() == 4
        && inw.iter().all(u8::is_ascii_alphanumeric);
    ((uk_out && uk_in) || ca || ie).then_some(i + 2)
}

/// Whether `n`, after a postcode, is a known town in Title case.
fn town_next(text: &str, n: &Tok) -> bool {
    n.kind == Kind::Word && n.case == Case::Title && n.classes(text) & PLACE != 0
}

/// A postcode of digits only (`75002`, `1111`) needs a word beside it on
/// its line: the city after it, or the city or state code before it, so
/// that `4111 1111` or `3, 1990 in` is not taken for one.
fn postcode_in_context(toks: &[Tok], k: usize, end: usize) -> bool {
    if end > k + 1 || toks[k].dash() {
        return true; // `1015 CJ`, `SW1A 2AA`, `111 21`, `00-514`
    }
    let before = k
        .checked_sub(1)
        .map(|j| &toks[j])
        .is_some_and(|p| p.kind == Kind::Word && !toks[k].newline());
    let after = toks
        .get(end)
        .is_some_and(|n| n.kind == Kind::Word && n.case != Case::Lower && !n.newline());
    let lower_after = toks
        .get(end)
        .is_some_and(|n| n.kind == Kind::Word && !n.newline() && n.end - n.start > 2);
    before || after || lower_after && toks[k..end].iter().all(|t| t.case != Case::Upper)
}

/// Street-name words from `i` (up to six): name words, particles,
/// ordinals, directions. Returns the index past the run.
fn name_run(text: &str, toks: &[Tok], i: usize, lower_ok: bool) -> usize {
    let mut j = i;
    while j < toks.len() && j < i + 6 {
        let t = &toks[j];
        if t.newline() && j > i {
            break;
        }
        let ok = match t.kind {
            Kind::Word => {
                let c = t.cur(text);
                let street = c & (STREET_LAST | STREET_FIRST) != 0;
                if (c & UNIT != 0 && !street) || (c & STOP != 0 && c & PARTICLE == 0 && !street) {
                    false
                } else {
                    t.case != Case::Lower
                        || lower_ok
                        || c & (PARTICLE | STREET_LAST | STREET_FIRST) != 0
                }
            }
            Kind::Num => ordinal(text, t),
            // `4100 W. 95th Street`: a compass letter's dot.
            Kind::Punct => {
                t.punct == b'.'
                    && j > i
                    && !t.space()
                    && direction(text, &toks[j - 1])
                    && toks.get(j + 1).is_some_and(|n| n.space() && !n.newline())
            }
        };
        if !ok {
            break;
        }
        j += 1;
    }
    j
}

/// The street core at token `i`: (start token, end token, needs a postcode).
fn core_at(text: &str, toks: &[Tok], i: usize) -> Option<(usize, usize, bool)> {
    let t = &toks[i];
    // `Postfach 10 04 52`, `Postbus 1234`, `Apartado 45`: a box number
    // in groups, vouched for by the postcode after it.
    if t.kind == Kind::Word
        && t.case != Case::Lower
        && one_of(
            t.bytes(text),
            &[
                "postfach", "postbus", "postboks", "apartado", "casilla", "box", "bp",
            ],
        )
    {
        let mut j = i + 1;
        while toks
            .get(j)
            .is_some_and(|n| n.kind == Kind::Num && !n.newline() && all_digits(n.bytes(text)))
            && j < i + 4
        {
            j += 1;
        }
        return (j > i + 1).then_some((i, j, true));
    }
    // `P.O. Box 30126-00100`
    if t.bytes(text) == b"P"
        && toks.get(i + 1).is_some_and(|n| is_punct(n, b'.'))
        && toks.get(i + 2).is_some_and(|n| n.bytes(text) == b"O")
        && toks.get(i + 3).is_some_and(|n| is_punct(n, b'.'))
        && toks
            .get(i + 4)
            .is_some_and(|n| text_of(text, n).eq_ignore_ascii_case("box"))
    {
        let n = toks.get(i + 5)?;
        let w = n.bytes(text);
        let number = n.kind == Kind::Num && w.iter().all(|b| b.is_ascii_digit() || *b == b'-');
        return number.then_some((i, i + 6, false));
    }
    // `PO Box 1234`
    if t.kind == Kind::Word && t.bytes(text).eq_ignore_ascii_case(b"po") {
        let b = toks.get(i + 1)?;
        if text_of(text, b).eq_ignore_ascii_case("box")
            && toks.get(i + 2).is_some_and(|n| house_number(text, n))
        {
            // `PO Box 1150 Stn Main`: the Canadian postal station.
            let station = toks
                .get(i + 3)
                .is_some_and(|n| matches!(n.bytes(text), b"Stn" | b"STN" | b"Station"))
                && toks
                    .get(i + 4)
                    .is_some_and(|n| n.kind == Kind::Word && n.case != Case::Lower);
            return Some((i, if station { i + 5 } else { i + 3 }, false));
        }
        return None;
    }
    // `Apartment 22, The Maltings, Bow Street`: a unit, perhaps a building,
    // then a street without a house number, vouched for by a postcode.
    if t.kind == Kind::Word && t.case != Case::Lower && t.cur(text) & UNIT != 0 {
        if let Some(end) = unit_led_at(text, toks, i) {
            return Some((i, end, true));
        }
    }
    if house_number(text, t) {
        let mut j = i + 1;
        // `3 bis rue`
        if toks.get(j).is_some_and(|n| {
            n.kind == Kind::Word && matches!(text_of(text, n), "bis" | "ter" | "quater")
        }) {
            j += 1;
        }
        // `house no 45, sector 21c, faridabad`: a numbered house, a comma
        // and a unit or a lower-case word, vouched for by what follows (a
        // postcode or a town).
        if toks.get(j).is_some_and(|n| is_punct(n, b','))
            && toks.get(j + 1).is_some_and(|n| {
                n.kind == Kind::Word
                    && (n.cur(text) & UNIT != 0
                        || (n.case == Case::Lower && n.cur(text) & STREET_FIRST == 0))
            })
            && number_word_before(text, toks, i) + 2 <= i
        {
            return Some((i, j, true));
        }
        // `12, rue de la République`; `House No. 7, Osu Badu Street`
        if toks.get(j).is_some_and(|n| is_punct(n, b','))
            && toks.get(j + 1).is_some_and(|n| {
                n.kind == Kind::Word
                    && (n.cur(text) & STREET_FIRST != 0
                        || (n.case == Case::Title && number_word_led(text, toks, i)))
            })
        {
            j += 1;
        }
        let first = toks.get(j)?;
        if first.kind == Kind::Word && first.newline() {
            return None;
        }
        // Romance order after the number: `4 Rue de la Paix`.
        if first.kind == Kind::Word && first.cur(text) & STREET_FIRST != 0 {
            let lower_ok = first.case == Case::Lower;
            let end = name_run(text, toks, j + 1, lower_ok);
            let mut last = end;
            while last > j + 1 && toks[last - 1].cur(text) & PARTICLE != 0 {
                last -= 1;
            }
            if last > j + 1 {
                // `8, Jalan SS 2/24, 47300`: the street's section number.
                let numbered = last == end
                    && toks.get(last).is_some_and(|n| {
                        house_number(text, n) && !n.newline() && n.bytes(text).contains(&b'/')
                    })
                    && toks
                        .get(last + 1)
                        .is_none_or(|n| n.newline() || is_punct(n, b','));
                return Some((i, last + usize::from(numbered), false));
            }
        }
        // A numbered highway: `4471 Highway 7`.
        if first.kind == Kind::Word
            && first.case != Case::Lower
            && one_of(
                first.bytes(text),
                &["highway", "hwy", "route", "rte", "road", "rd"],
            )
            && street_number_at(text, toks, j + 1)
        {
            return Some((i, j + 2, false));
        }
        // English order: `221B Baker Street`, `500 W 2nd St NW`.
        let lower_ok = first.case == Case::Lower;
        let end = name_run(text, toks, j, lower_ok);
        let mut last = None;
        for k in (j + 1..end).rev() {
            if toks[k].cur(text) & STREET_LAST != 0 {
                last = Some(k + 1);
                break;
            }
        }
        // `45 Teheran-ro 8-gil`: a Korean road holds its type, and a
        // numbered lane off it may follow.
        if last.is_none() && end > j && korean_road(toks[j].bytes(text)) {
            let lane = toks
                .get(j + 1)
                .is_some_and(|n| n.kind == Kind::Num && !n.newline() && korean_road(n.bytes(text)));
            return Some((i, j + 1 + usize::from(lane), false));
        }
        if let Some(mut e) = last {
            if toks.get(e).is_some_and(|n| {
                !n.newline()
                    && (direction(text, n)
                        // `Ring Road East, near Danquah Circle`
                        || (n.case == Case::Title
                            && one_of(n.bytes(text), &["north", "south", "east", "west"])
                            && toks.get(e + 1).is_none_or(|c| is_punct(c, b','))))
            }) {
                e += 1;
            } else if street_number_at(text, toks, e) {
                // `456 Ang Mo Kio Ave 10, #08-1234`: a numbered avenue.
                e += 1;
            }
            return Some((i, e, false));
        }
        // `19 Kingsway, Cardiff CF10 3AN`, `65 Nguyen Hue, District 1`: a
        // name without a street type needs a postcode.
        if end > j
            && end - j <= 3
            && toks[j..end]
                .iter()
                .all(|w| w.kind == Kind::Word && w.case == Case::Title)
        {
            return Some((i, end, true));
        }
        return None;
    }
    if t.kind != Kind::Word || t.case == Case::Other {
        return None;
    }
    // `Hauptstraße 12`, `Bahnhofstr. 5a`; in lower case, vouched for by a
    // postcode (`getreidegasse 9, 5020 salzburg`).
    let lower_compound = t.case == Case::Lower && compound_street_any_case(text, t);
    if compound_street(text, t) || lower_compound {
        let mut j = i + 1;
        if toks.get(j).is_some_and(|n| is_punct(n, b'.') && !n.space()) {
            j += 1;
        }
        if toks
            .get(j)
            .is_some_and(|n| house_number(text, n) && !n.newline())
        {
            return Some((i, j + 1, lower_compound));
        }
        return None;
    }
    // `Calle de Alcalá 45`, `Via Roma 10`, `ul. Długa 12`, `Av. Paulista, 1578`, `C/ Mayor 8`
    if t.cur(text) & STREET_FIRST != 0 && t.case != Case::Lower
        || matches!(t.bytes(text), b"ul" | b"jl")
        // `al. Jerozolimskie 65/79`: Polish `aleja`, with its dot.
        || (t.bytes(text) == b"al"
            && toks.get(i + 1).is_some_and(|n| is_punct(n, b'.'))
            && toks.get(i + 2).is_some_and(|n| n.case == Case::Title))
    {
        let weak = weak_first(text, t);
        let mut j = i + 1;
        if toks
            .get(j)
            .is_some_and(|n| (is_punct(n, b'.') || is_punct(n, b'/')) && !n.space())
        {
            j += 1;
        }
        // `Calle 10 # 5-51`, `Carrera 7 No. 71-21`: a numbered street, then
        // the house number after `#` or `No.`.
        if let Some(k) = toks
            .get(j)
            .filter(|n| n.kind == Kind::Num && !n.newline())
            .and_then(|_| number_sign_end(text, toks, j + 1))
        {
            if toks
                .get(k)
                .is_some_and(|n| house_number(text, n) && !n.newline())
            {
                return Some((i, k + 1, weak));
            }
        }
        // `jl. malioboro no. 60`: a lower-case prefix, a lower-case name.
        let mut end = name_run(text, toks, j, t.case == Case::Lower);
        // `Jl. Jend. Sudirman Kav. 52-53`: abbreviated words in the name,
        // and `Kav.` (lot) before the number.
        while toks
            .get(end)
            .is_some_and(|n| is_punct(n, b'.') && !n.space())
            && end > j
        {
            if toks[end - 1].bytes(text) == b"Kav" {
                end -= 1;
                break;
            }
            let after = name_run(text, toks, end + 1, false);
            if after == end + 1 || toks[end + 1].newline() {
                break;
            }
            end = after;
        }
        let mut last = end;
        while last > j
            && toks[last - 1].cur(text) & PARTICLE != 0
            && toks[last - 1].case == Case::Lower
        {
            last -= 1;
        }
        if last == j || last != end {
            return None;
        }
        let mut k = end;
        if toks.get(k).is_some_and(|n| is_punct(n, b',')) {
            k += 1;
        }
        // `Jl. Sudirman No. 45`
        if let Some(after) = number_sign_end(text, toks, k) {
            k = after;
        }
        if toks
            .get(k)
            .is_some_and(|n| house_number(text, n) && !n.newline())
        {
            return Some((i, k + 1, weak));
        }
        return None;
    }
    // `Mariahilfer Straße 45/3`, `Damrak 1, 1012 LG Amsterdam`, `Bağdat
    // Caddesi No: 204`
    if t.case == Case::Title
        && t.cur(text) & STOP == 0
        && !is_month(text_of(text, t))
        && !product_word(text_of(text, t))
        && !product_named_before(text, toks, i)
    {
        let end = name_run(text, toks, i, false);
        let typed = end > i + 1 && toks[end - 1].cur(text) & STREET_LAST != 0;
        // `Bağdat Cad. No:215`: an abbreviated street type.
        let dot = typed
            && toks
                .get(end)
                .is_some_and(|n| is_punct(n, b'.') && !n.space());
        let end_dot = end + usize::from(dot);
        let number = if typed {
            number_sign_end(text, toks, end_dot).unwrap_or(end_dot)
        } else {
            end
        };
        if end > i
            && end - i <= 3
            && toks
                .get(number)
                .is_some_and(|n| house_number(text, n) && !n.newline())
        {
            return Some((i, number + 1, !typed));
        }
    }
    // `Main Street, Ballyvaughan, Co. Clare, H91 X2E8`: a typed street
    // without a house number, as villages write it; [`find`] wants a
    // postcode after it.
    if matches!(t.case, Case::Title | Case::Upper) && t.cur(text) & STOP == 0 {
        let end = name_run(text, toks, i, false);
        if end > i + 1
            && end - i <= 3
            && toks[end - 1].cur(text) & STREET_LAST != 0
            && toks[i..end].iter().all(|w| w.case == t.case)
            && toks
                .get(end)
                .is_some_and(|n| is_punct(n, b',') || n.newline())
        {
            return Some((i, end, true));
        }
    }
    None
}

/// The start of a unit line above the street at token `s` (`Suite
/// 500\n2100 Ross Avenue`, `Hinterhaus, 2. OG\nKastanienallee 7`,
/// `Bâtiment C, 3e étage\n27 avenue`): a short line with a number and a
/// unit or floor word; else `s`.
fn unit_line_before(text: &str, toks: &[Tok], s: usize) -> usize {
    if s == 0 || !toks[s].newline() {
        return s;
    }
    let mut b = s - 1;
    while b > 0 && !toks[b].newline() && s - b < 7 {
        b -= 1;
    }
    if !(b == 0 || toks[b].newline()) {
        return s;
    }
    let line = &toks[b..s];
    let number = line.iter().any(|t| t.kind == Kind::Num);
    let unit = line.iter().any(|t| {
        t.kind == Kind::Word
            && t.case != Case::Lower
            && (t.cur(text) & UNIT != 0 || t.bytes(text) == b"OG")
    }) || line
        .iter()
        .any(|t| t.kind == Kind::Word && one_of(t.bytes(text), &["étage", "etage", "floor"]));
    let plain = line
        .iter()
        .all(|t| t.kind != Kind::Punct || matches!(t.punct, b',' | b'.' | b'#' | b'-'));
    if number && unit && plain && line[0].kind != Kind::Punct {
        b
    } else {
        s
    }
}

/// The end of a landmark between commas at token `k` (`near Danquah
/// Circle,`, `opp. Clock Tower,`, `off Ngong Road,`): a landmark word, then one to four
/// capitalised words, then a comma, so more of the address follows.
fn landmark_segment(text: &str, toks: &[Tok], k: usize) -> Option<usize> {
    let t = &toks[k];
    if t.kind != Kind::Word
        || !one_of(
            t.bytes(text),
            // `off Ngong Road,`: a side street off a main road, as East
            // African, Nigerian and Indian addresses say.
            &["near", "opp", "opposite", "behind", "beside", "off"],
        )
    {
        return None;
    }
    let mut m = k + 1;
    if toks.get(m).is_some_and(|n| is_punct(n, b'.') && !n.space()) {
        m += 1;
    }
    let first = m;
    while m < toks.len()
        && m < first + 4
        && toks[m].kind == Kind::Word
        && toks[m].case != Case::Lower
        && !toks[m].newline()
    {
        m += 1;
    }
    (m > first && toks.get(m).is_some_and(|n| is_punct(n, b','))).then_some(m)
}

/// The start of a floor before the street at token `s` (`12F, 152
/// Teheran-ro`): one to three digits and `F`, then a comma; else `s`.
fn floor_before(text: &str, toks: &[Tok], s: usize) -> usize {
    if s < 2 || !is_punct(&toks[s - 1], b',') || toks[s].newline() {
        return s;
    }
    let w = toks[s - 2].bytes(text);
    let floor = toks[s - 2].kind == Kind::Num
        && (2..=4).contains(&w.len())
        && w.ends_with(b"F")
        && all_digits(&w[..w.len() - 1]);
    if floor { s - 2 } else { s }
}

/// The start of a house's name before a street without a number at `s`
/// (`The Old Rectory, Church Lane`, `Rose Cottage, Mill Road`): one to
/// four capitalised words on the line before a comma, opening with `The`
/// or ending in a word for a house; else `s`.
fn house_name_before(text: &str, toks: &[Tok], s: usize) -> usize {
    // A comma on the street's line, or the line above (`The Old
    // Rectory\nChurch Lane`).
    let last = if s >= 2 && is_punct(&toks[s - 1], b',') && !toks[s].newline() {
        s - 2
    } else if s >= 1 && toks[s].newline() {
        s - 1
    } else {
        return s;
    };
    // Back over capitalised words to the start of their line or clause.
    let mut b = last + 1;
    while b > 0
        && last + 1 - b < 4
        && toks[b - 1].kind == Kind::Word
        && toks[b - 1].case == Case::Title
    {
        b -= 1;
        if toks[b].newline() {
            break;
        }
    }
    if b > last {
        return s;
    }
    let house = toks[b].bytes(text) == b"The"
        || one_of(
            toks[last].bytes(text),
            &[
                "house",
                "cottage",
                "cottages",
                "farm",
                "farmhouse",
                "rectory",
                "vicarage",
                "lodge",
                "barn",
                "mill",
                "manor",
                "hall",
                "villa",
                "court",
                "bungalow",
            ],
        );
    if house { b } else { s }
}

/// The start of a building's name before `Bldg` or `Building` at token
/// `s` (`Shin-Marunouchi Bldg 10F`); else `s`.
fn building_before(text: &str, toks: &[Tok], s: usize) -> usize {
    if !one_of(toks[s].bytes(text), &["bldg", "building"]) || toks[s].newline() {
        return s;
    }
    let mut b = s;
    while b > 0
        && s - b < 3
        && toks[b - 1].kind == Kind::Word
        && toks[b - 1].case == Case::Title
        && toks[b - 1].cur(text) & STOP == 0
        && !toks[b].newline()
    {
        b -= 1;
    }
    b
}

/// Whether token `k` numbers the street before it (`Ave 10,`, `st 42
/// #05-112`): one to three digits, then a comma, a `#` or the end.
#[inline]
fn street_number_at(text: &str, toks: &[Tok], k: usize) -> bool {
    toks.get(k).is_some_and(|n| {
        n.kind == Kind::Num && !n.newline() && n.end - n.start <= 3 && all_digits(n.bytes(text))
    }) && toks
        .get(k + 1)
        .is_none_or(|n| n.newline() || is_punct(n, b',') || is_punct(n, b'#'))
}

/// The end of a street led by a unit at `i` (see [`core_at`]).
fn unit_led_at(text: &str, toks: &[Tok], i: usize) -> Option<usize> {
    let mut k = unit_at(text, toks, i)?;
    if !toks.get(k).is_some_and(|t| is_punct(t, b',')) {
        return None;
    }
    k += 1;
    for _ in 0..2 {
        let end = name_run(text, toks, k, false);
        if end >= k + 2 && toks[end - 1].cur(text) & STREET_LAST != 0 {
            return Some(end);
        }
        // A building name: capitalised words to the next comma, perhaps
        // with its number (`Al Moosa Tower 2`).
        let mut b = k;
        while b < toks.len()
            && b < k + 4
            && toks[b].kind == Kind::Word
            && toks[b].case != Case::Lower
            && !(b > k && toks[b].newline())
        {
            b += 1;
        }
        if b > k
            && toks.get(b).is_some_and(|n| {
                n.kind == Kind::Num
                    && !n.newline()
                    && n.end - n.start <= 3
                    && all_digits(n.bytes(text))
            })
        {
            b += 1;
        }
        if b == k || !toks.get(b).is_some_and(|t| is_punct(t, b',')) {
            return None;
        }
        k = b + 1;
    }
    None
}

/// The start of a rural route before token `s` (`RR 2 Box 145`, `RR 3,
/// Site 12`), else `s`.
fn rural_route_before(text: &str, toks: &[Tok], s: usize) -> usize {
    let mut k = s;
    if k > 0 && is_punct(&toks[k - 1], b',') {
        k -= 1;
    }
    if k >= 2
        && toks[k - 1].kind == Kind::Num
        && matches!(toks[k - 2].bytes(text), b"RR" | b"RD" | b"Rr")
    {
        return k - 2;
    }
    s
}

/// The start of `No. ` or `No ` before token `s`, else `s`.
/// Whether `No.` or `No` stands right before the house number at `i`, or
/// a Philippine block (`Blk 5 Lot 12`).
#[inline]
fn number_word_led(text: &str, toks: &[Tok], i: usize) -> bool {
    i.checked_sub(1).is_some_and(|p| {
        number_word(text, &toks[p])
            || (is_punct(&toks[p], b'.') && p > 0 && number_word(text, &toks[p - 1]))
    }) || block_lot(text, toks, i)
}

/// `Blk 5 Lot 12`: a Philippine block and lot before the lot's number at `i`.
#[inline]
fn block_lot(text: &str, toks: &[Tok], i: usize) -> bool {
    i >= 3
        && toks[i - 1].bytes(text) == b"Lot"
        && toks[i - 2].kind == Kind::Num
        && one_of(toks[i - 3].bytes(text), &["blk", "block"])
}

fn number_word_before(text: &str, toks: &[Tok], s: usize) -> usize {
    // `3/2 14 Byres Road`: a Glasgow tenement flat (floor/door) before
    // the house number.
    if s >= 1
        && !toks[s].newline()
        && all_digits(toks[s].bytes(text))
        && flat_position(toks[s - 1].bytes(text))
    {
        return s - 1;
    }
    let Some(p) = s
        .checked_sub(1)
        .map(|p| &toks[p])
        .filter(|p| !toks[s].newline() && p.kind != Kind::Num)
    else {
        return s;
    };
    let w = if number_word(text, p) {
        s - 1
    } else if block_lot(text, toks, s) {
        // `Blk 5 Lot 12, Mabini St.`
        return s - 3;
    } else if is_punct(p, b'.') && s >= 2 && number_word(text, &toks[s - 2]) {
        s - 2
    } else if p.kind == Kind::Word
        // `Unit 5/17 Smith St`, `unit 7/33 beach rd`: a unit and its
        // slashed number.
        && ((p.case != Case::Other
            && p.cur(text) & UNIT != 0
            && toks[s].bytes(text).contains(&b'/'))
            // `Số 12 Phố Huế`, `Blk 456 Ang Mo Kio`, `Plot 1090 Cadastral
            // Zone`: the number's own word.
            || one_of(p.bytes(text), &["số", "blk", "blok", "plot", "lot", "erf", "stand"])
            // `Office 1904, Al Habtoor Business Tower`: a unit before.
            || (p.case == Case::Title
                && (p.cur(text) & UNIT != 0 || p.bytes(text) == b"Office")
                && toks.get(s + 1).is_some_and(|n| is_punct(n, b','))))
    {
        return lot_before_block(text, toks, s - 1).unwrap_or(s - 1);
    } else if s >= 2 && vietnamese_lane(text, p) && toks[s - 2].kind == Kind::Num {
        // `12 Ngõ 34 Phố Huế`: a house in a lane off the street.
        return number_word_before(text, toks, s - 2);
    } else {
        return s;
    };
    // `House No. 7`, `Flat No. 302`, `H.No. 8-2-293`, and the Indian
    // numbered street: `Road No. 10`, `Street No. 4`.
    match w.checked_sub(1).map(|q| &toks[q]) {
        Some(q)
            if q.kind == Kind::Word
                && (one_of(q.bytes(text), &["house", "flat", "plot", "door"])
                    || q.cur(text) & STREET_LAST != 0) =>
        {
            w - 1
        }
        _ => house_initial_before(text, toks, w).unwrap_or(w),
    }
}

/// `Lot 5 Blk 12`: a Philippine lot before the block word at `b`; the
/// index of `Lot`.
fn lot_before_block(text: &str, toks: &[Tok], b: usize) -> Option<usize> {
    (b >= 2
        && one_of(toks[b].bytes(text), &["blk", "block"])
        && toks[b - 1].kind == Kind::Num
        && toks[b - 2].bytes(text).eq_ignore_ascii_case(b"lot"))
    .then(|| b - 2)
}

/// A Korean road or lane: a word ending in `-ro`, `-daero` or `-gil`
/// (`Teheran-ro`, `8-gil`).
fn korean_road(word: &[u8]) -> bool {
    [&b"-ro"[..], b"-daero", b"-gil"]
        .iter()
        .any(|s| word.len() > s.len() && word[word.len() - s.len()..].eq_ignore_ascii_case(s))
}

/// `H.` before the number word at `w` (`H.No.`, India's house number):
/// the index of the `H`.
fn house_initial_before(text: &str, toks: &[Tok], w: usize) -> Option<usize> {
    (w >= 2 && is_punct(&toks[w - 1], b'.') && matches!(toks[w - 2].bytes(text), b"H" | b"h"))
        .then_some(w - 2)
}

/// `3/2`, `0/1`: a floor and a door of one digit each, as Glasgow writes
/// a tenement flat.
#[inline]
fn flat_position(w: &[u8]) -> bool {
    w.len() == 3 && w[0].is_ascii_digit() && w[1] == b'/' && w[2].is_ascii_digit()
}

/// `Ngõ`, `Ngách`, `Hẻm`, `Kiệt`: Vietnamese lanes between a house number
/// and the street's.
#[inline]
fn vietnamese_lane(text: &str, t: &Tok) -> bool {
    t.kind == Kind::Word && !t.plain() && one_of(t.bytes(text), &["ngõ", "ngách", "hẻm", "kiệt"])
}

/// Words before a product's name and number (`Model XPS 13 9310`), which
/// a street name and house number can look like.
fn product_word(word: &str) -> bool {
    one_of(
        word.as_bytes(),
        &[
            "model", "version", "build", "part", "item", "sku", "type", "series", "release",
            "update", "patch", "error", "code",
        ],
    )
}

/// Whether a product word stands before token `i`, perhaps over a quote
/// (`Model 'Oak Lane 3' bookcase`): a product's name, not a street's.
fn product_named_before(text: &str, toks: &[Tok], i: usize) -> bool {
    let mut j = i;
    if j > 0 && matches!(toks[j - 1].punct, b'\'' | b'"') {
        j -= 1;
    }
    j.checked_sub(1)
        .is_some_and(|p| toks[p].kind == Kind::Word && product_word(text_of(text, &toks[p])))
}

/// `No`, `Nr`, `Nº`: a word for "number" before one.
fn number_word(text: &str, t: &Tok) -> bool {
    t.kind == Kind::Word
        && matches!(
            text_of(text, t),
            "No" | "no" | "Nr" | "nr" | "Nº" | "N°" | "Kav"
        )
}

/// After a number sign at `k` (`#`, `No.`, `Nr`, `Nº`): the index past it.
fn number_sign_end(text: &str, toks: &[Tok], k: usize) -> Option<usize> {
    let t = toks.get(k)?;
    if is_punct(t, b'#') {
        return Some(k + 1);
    }
    if number_word(text, t) {
        // `No. 45`, and Turkish `No: 204`.
        let dot = toks
            .get(k + 1)
            .is_some_and(|n| is_punct(n, b'.') || is_punct(n, b':'));
        return Some(k + 1 + usize::from(dot));
    }
    None
}

pub(crate) fn is_month(w: &str) -> bool {
    // Every month name is 3 to 9 letters and starts with one of these.
    if !(3..=9).contains(&w.len())
        || !matches!(
            w.as_bytes()[0] | 0x20,
            b'j' | b'f' | b'm' | b'a' | b's' | b'o' | b'n' | b'd'
        )
    {
        return false;
    }
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
    .iter()
    .any(|m| m.eq_ignore_ascii_case(w))
}

/// Small lower-case words inside city names: `Frankfurt am Main`.
fn city_particle(text: &str, t: &Tok) -> bool {
    t.kind == Kind::Word
        && t.case == Case::Lower
        && matches!(
            text_of(text, t),
            "am" | "an" | "der" | "de" | "sur" | "la" | "le" | "upon" | "on" | "del" | "im" | "es"
        )
}

/// Words that start city names but are stop words elsewhere: `New York`.
fn city_prefix(text: &str, t: &Tok, case: Case) -> bool {
    let w = text_of(text, t);
    // `new york ny 10036` in a lower-case address.
    (t.case != Case::Lower || case == Case::Lower)
        && [
            "new", "san", "santa", "los", "las", "el", "la", "saint", "st", "port", "fort",
            "mount", "lake", "west", "east", "north", "south", "old", "great", "little", "upper",
            "lower",
        ]
        .iter()
        .any(|s| s.eq_ignore_ascii_case(w))
}

/// City words from `i`: Title (or the address's case) words, up to four;
/// an Irish `Co.` or `County` before them.
fn city_run(text: &str, toks: &[Tok], i: usize, case: Case) -> usize {
    let mut j = i;
    if toks.get(i).is_some_and(|t| {
        // `Co. Cork`, and the Philippine barangay: `Brgy. San Roque`.
        t.kind == Kind::Word
            && matches!(
                text_of(text, t),
                "Co" | "County" | "CO" | "COUNTY" | "Brgy" | "Barangay"
            )
    }) {
        let dot = toks
            .get(i + 1)
            .is_some_and(|n| is_punct(n, b'.') && !n.space());
        let k = i + 1 + usize::from(dot);
        if toks
            .get(k)
            .is_some_and(|n| n.kind == Kind::Word && n.case != Case::Lower && !n.newline())
        {
            j = k;
        }
    }
    while j < toks.len() && j < i + 4 {
        let t = &toks[j];
        if j > i && t.newline() {
            break;
        }
        let ok = t.kind == Kind::Word
            && (t.cur(text) & (UNIT | STOP) == 0
                || city_prefix(text, t, case)
                // `Dar es Salaam`: a particle that is a stop word too.
                || (j > i && city_particle(text, t))
                // `Pudong New District`
                || (j > i && text_of(text, t).eq_ignore_ascii_case("district")))
            && (t.case == case
                || (case == Case::Title && t.case == Case::Upper && j == i && t.end - t.start > 3)
                || (j > i
                    && city_particle(text, t)
                    && toks.get(j + 1).is_some_and(|n| n.case == case)));
        if !ok {
            break;
        }
        j += 1;
    }
    j
}

/// A unit at `i` (`Apt 3B`, `Suite 4200`, `#05-01`, `2º B`, `m. 4`): index past it.
fn unit_at(text: &str, toks: &[Tok], i: usize) -> Option<usize> {
    let t = toks.get(i)?;
    // Turkish `D: 5` (daire, the flat) as well as unit words.
    // `D:8` (Turkish flat), `Of. 502` (Chilean office)
    let flat = (t.bytes(text) == b"D" && toks.get(i + 1).is_some_and(|n| is_punct(n, b':')))
        || (t.bytes(text) == b"Of" && toks.get(i + 1).is_some_and(|n| is_punct(n, b'.')));
    if t.kind == Kind::Word && (t.cur(text) & UNIT != 0 || flat) {
        let mut j = i + 1;
        // `Apt. 3`, `Kat: 3`
        if toks
            .get(j)
            .is_some_and(|n| (is_punct(n, b'.') && !n.space()) || is_punct(n, b':'))
        {
            j += 1;
        }
        let n = toks.get(j)?;
        if n.kind == Kind::Num && !n.newline() {
            return Some(j + 1);
        }
        // `Building C, Reno`: a capitalised unit word and a single capital
        // letter before a comma (`unit A` in lower case may be prose).
        let lettered = t.case != Case::Lower
            && n.kind == Kind::Word
            && n.end - n.start == 1
            && n.case == Case::Upper
            && !n.newline()
            && toks.get(j + 1).is_some_and(|c| is_punct(c, b','));
        return lettered.then_some(j + 1);
    }
    if is_punct(t, b'#') {
        let n = toks.get(i + 1)?;
        return (n.kind == Kind::Num && !n.space()).then_some(i + 2);
    }
    // `2º B`, `3º izq.`
    if t.kind == Kind::Num {
        let w = text_of(text, t);
        if w.ends_with('º')
            || w.ends_with('ª')
            || (w.len() <= 3 && w.ends_with('o') && w.as_bytes()[0].is_ascii_digit())
        {
            let mut j = i + 1;
            if toks
                .get(j)
                // `2º B`, `2º izquierda`
                .is_some_and(|n| n.kind == Kind::Word && n.end - n.start <= 9 && !n.newline())
            {
                j += 1;
                if toks.get(j).is_some_and(|n| is_punct(n, b'.') && !n.space()) {
                    j += 1;
                }
            }
            return Some(j);
        }
    }
    None
}

/// A state or province code after a city: `IL`, `NSW`, `RM`, `mo` (lower-case address).
fn state_code(text: &str, t: &Tok, case: Case) -> bool {
    t.kind == Kind::Word
        && !t.newline()
        && (2..=3).contains(&(t.end - t.start))
        && (t.case == Case::Upper || (case == Case::Lower && t.case == Case::Lower))
        && text_of(text, t).is_ascii()
}

/// Capitalised city words at `k` followed (after an optional comma) by a
/// state code or a postcode: `Springfield, IL 62704`, `Sydney NSW 2000`.
fn city_then_code(text: &str, toks: &[Tok], k: usize, lower_ok: bool) -> bool {
    let case = if lower_ok { Case::Lower } else { Case::Title };
    let c = city_run(text, toks, k, case);
    if c == k {
        return false;
    }
    let mut j = c;
    if toks.get(j).is_some_and(|n| is_punct(n, b',')) {
        j += 1;
    }
    toks.get(j).is_some_and(|n| {
        n.kind == Kind::Word && n.case == Case::Upper && (2..=3).contains(&(n.end - n.start))
    }) || postcode_at(text, toks, j, lower_ok).is_some()
}

/// Extends an address ending at token `e` with units, postcodes, cities,
/// state codes and countries. Returns the new end and whether a postcode
/// was seen.
fn tail(text: &str, toks: &[Tok], mut e: usize, case: Case) -> (usize, bool) {
    let lower_ok = case == Case::Lower;
    let mut postcode = false;
    let mut unit = false;
    // A city has been taken: a postcode of digits may follow it after a
    // comma (`Johannesburg, 2196`).
    let mut city_seen = false;
    for _ in 0..8 {
        let mut k = e;
        // `St.` / `Apt.` abbreviation dots.
        if toks.get(k).is_some_and(|n| is_punct(n, b'.') && !n.space())
            && toks.get(k + 1).is_some_and(|n| {
                is_punct(n, b',') || is_punct(n, b'-') || is_punct(n, b';') || n.kind != Kind::Punct
            })
        {
            k += 1;
        }
        let mut separated = false;
        // `St. - Unit 1108 - Aventura`, and a semicolon only before a
        // postcode (`lok. 7; 90-926 Łódź`; not `; ring twice`).
        if toks.get(k).is_some_and(|n| {
            is_punct(n, b',')
                || is_punct(n, b'-')
                || (is_punct(n, b';') && postcode_at(text, toks, k + 1, lower_ok).is_some())
        }) {
            k += 1;
            separated = true;
        }
        let Some(t) = toks.get(k) else { break };
        separated |= t.newline();
        // After a town: `Firenze (FI)`, `Tijuana, B.C.`, `Garching b.
        // München`.
        if city_seen || postcode {
            if let Some(m) = town_suffix(text, toks, k, separated) {
                e = m;
                continue;
            }
        }
        // `Rue Sainte-Catherine O, Montréal`: a compass letter after the
        // street (French `O` for ouest too).
        if !separated
            && (direction(text, t) || t.bytes(text) == b"O")
            && toks.get(k + 1).is_some_and(|n| is_punct(n, b','))
        {
            e = k + 1;
            continue;
        }
        if let Some(u) = unit_at(text, toks, k) {
            e = u;
            unit = true;
            // `#21-02 International Plaza, Singapore`: a building's name
            // after the unit, up to the next comma or line.
            let mut b = e;
            while b < toks.len()
                && b < e + 3
                && toks[b].kind == Kind::Word
                && toks[b].case == Case::Title
                && !toks[b].newline()
            {
                b += 1;
            }
            if b > e
                && toks
                    .get(b)
                    .is_some_and(|n| is_punct(n, b',') || n.newline())
            {
                e = b;
            }
            continue;
        }
        // A Nordic staircase and flat right after the number: `Mannerheimintie 10 A 5`.
        if !separated
            && t.kind == Kind::Word
            && t.case == Case::Upper
            && t.end - t.start == 1
            && toks
                .get(k + 1)
                .is_some_and(|n| n.kind == Kind::Num && !n.newline() && n.end - n.start <= 3)
        {
            e = k + 2;
            unit = true;
            continue;
        }
        if let Some(p) = postcode_at(text, toks, k, lower_ok)
            .filter(|&p| postcode_in_context(toks, k, p) || (separated && city_seen && p == k + 1))
        {
            postcode = true;
            e = p;
            // `75002 Paris`, `1015 CJ Amsterdam`
            let mut c = city_run(
                text,
                toks,
                e,
                if lower_ok { Case::Lower } else { Case::Title },
            );
            // In capitals a town of several words goes as far as the
            // gazetteer knows it (`55100 KUALA LUMPUR`, not `8001 ZÜRICH
            // SENDEN`).
            if case == Case::Upper {
                if let Some((end, _)) = crate::words::longest_place(text, toks, e, Case::Upper) {
                    c = c.max(end);
                }
            }
            if c > e && !toks[e].newline() {
                e = c;
            } else if lower_ok {
                let c = city_run(text, toks, e, Case::Title);
                if c > e && !toks[e].newline() {
                    e = c;
                }
            } else if case == Case::Upper {
                let c = city_run(text, toks, e, Case::Upper);
                if c > e && !toks[e].newline() {
                    e = c;
                }
            } else if toks.get(e).is_some_and(|n| {
                // `1073 LR amsterdam`: a known town in lower case after the
                // postcode, no word.
                !n.newline()
                    && n.kind == Kind::Word
                    && n.case == Case::Lower
                    && n.classes(text) & PLACE != 0
                    && n.classes(text) & (STOP | COMMON | ENGLISH) == 0
            }) {
                e += 1;
            }
            // `São Paulo SP`; in capitals not a word that goes on (`H91
            // F3C6 ON WEDNESDAY`).
            if toks
                .get(e)
                .is_some_and(|n| state_code(text, n, case) && n.case == Case::Upper)
                && (case != Case::Upper
                    || toks.get(e + 1).is_none_or(|n| {
                        n.kind != Kind::Word || n.case == Case::Other || n.newline()
                    }))
            {
                e += 1;
            } else if e > p
                && toks.get(e).is_some_and(|n| {
                    n.kind == Kind::Word
                        && n.case == Case::Upper
                        && n.end - n.start == 1
                        && !n.newline()
                })
                && toks
                    .get(e + 1)
                    .is_none_or(|n| n.kind == Kind::Punct || n.newline())
            {
                // `2200 København N`: a district letter.
                e += 1;
            }
            // `110 00 Praha 1`, `75002 Paris 2e`
            if e > p
                && toks
                    .get(e)
                    .is_some_and(|n| n.kind == Kind::Num && !n.newline() && n.end - n.start <= 3)
                && !toks.get(e + 1).is_some_and(|n| n.kind == Kind::Num)
            {
                e += 1;
            }
            continue;
        }
        // `Hauptstraße 114, 3. OG links, 70173 Stuttgart`, `Avenue Louise
        // 149, bus 24, 1050 Brussel`: a short floor or door segment between
        // commas, vouched for by the postcode after it.
        if separated {
            if let Some(m) = floor_segment(text, toks, k, lower_ok) {
                e = m;
                continue;
            }
            if let Some(m) = landmark_segment(text, toks, k) {
                e = m;
                continue;
            }
        }
        // Without a separator (a line break the view turned into a blank),
        // a city must be followed by a state code or a postcode.
        if !separated && !city_then_code(text, toks, k, lower_ok) {
            break;
        }
        let city_case = match (case, t.case) {
            (Case::Lower, Case::Lower) => Case::Lower,
            (Case::Upper, Case::Upper) => Case::Upper,
            _ => Case::Title,
        };
        let c = city_run(text, toks, k, city_case);
        if c > k {
            // A lower-case city must be followed by a separator, a code or a postcode.
            let next = toks.get(c);
            let followed = next.is_none_or(|n| n.kind == Kind::Punct || n.newline())
                || postcode_at(text, toks, c, lower_ok).is_some()
                || next.is_some_and(|n| state_code(text, n, case));
            // A line in capitals after the address is a town if a comma, a
            // line's end, a code or a postcode follows it (`HINTERHAUS,`,
            // `ST KILDA VIC 3182`) or the gazetteer knows it: not `CONTACT
            // NO. ON FILE`.
            let line_town = next.is_none_or(|n| is_punct(n, b',') || n.newline())
                || postcode_at(text, toks, c, lower_ok).is_some()
                || (next.is_some_and(|n| state_code(text, n, case))
                    && postcode_at(text, toks, c + 1, lower_ok).is_some());
            if city_case == Case::Upper
                && t.newline()
                && !line_town
                && crate::words::longest_place(text, toks, k, Case::Upper).is_none()
            {
                break;
            }
            // Nor is a closing a lower-case city (`, thanks`).
            if city_case == Case::Lower
                && (!followed || toks[k].cur(text) & crate::lexicon::GREETING != 0)
            {
                break;
            }
            e = c;
            city_seen = true;
            // A unit then a city vouch for a street without a type (`65 Nguyen Hue, District 1, Hanoi`).
            postcode |= unit;
            // `Dublin 2`, and a postcode after the city (`Tel Aviv-Yafo 6688123`).
            if toks
                .get(e)
                .is_some_and(|n| n.kind == Kind::Num && !n.newline() && n.end - n.start <= 2)
            {
                e += 1;
            } else if toks.get(e).is_some_and(|n| {
                n.kind == Kind::Num
                    && !n.newline()
                    && (4..=7).contains(&(n.end - n.start))
                    && all_digits(n.bytes(text))
            }) {
                e += 1;
                postcode = true;
            }
            if toks.get(e).is_some_and(|n| state_code(text, n, case)) {
                let after = toks.get(e + 1);
                if after.is_none_or(|n| n.kind == Kind::Punct || n.newline() || n.kind == Kind::Num)
                {
                    e += 1;
                }
            }
            continue;
        }
        if state_code(text, t, case) {
            e = k + 1;
            continue;
        }
        break;
    }
    (e, postcode)
}

/// What may close a town at `k`: an Italian province in brackets (`(FI)`),
/// a state in dotted initials after a comma (`, B.C.`), or a German `b.`
/// or `bei` and the nearby city (`Garching b. München`). The index past it.
fn town_suffix(text: &str, toks: &[Tok], k: usize, separated: bool) -> Option<usize> {
    let t = &toks[k];
    if t.newline() {
        return None;
    }
    let upper_letters = |n: &Tok, len: u32| {
        n.kind == Kind::Word && n.case == Case::Upper && n.end - n.start == len && !n.space()
    };
    if !separated
        && is_punct(t, b'(')
        && toks.get(k + 1).is_some_and(|n| upper_letters(n, 2))
        && toks.get(k + 2).is_some_and(|n| is_punct(n, b')'))
    {
        return Some(k + 3);
    }
    if separated
        && t.kind == Kind::Word
        && t.case == Case::Upper
        && t.end - t.start == 1
        && toks
            .get(k + 1)
            .is_some_and(|n| is_punct(n, b'.') && !n.space())
        && toks.get(k + 2).is_some_and(|n| upper_letters(n, 1))
        && toks
            .get(k + 3)
            .is_some_and(|n| is_punct(n, b'.') && !n.space())
    {
        return Some(k + 4);
    }
    let bei = match t.bytes(text) {
        b"b" if toks.get(k + 1).is_some_and(|n| is_punct(n, b'.')) => k + 2,
        b"bei" => k + 1,
        _ => return None,
    };
    let n = toks.get(bei)?;
    (!separated && n.kind == Kind::Word && n.case == Case::Title && !n.newline()).then(|| {
        let mut m = bei + 1;
        while toks
            .get(m)
            .is_some_and(|w| w.kind == Kind::Word && w.case == Case::Title && !w.newline())
            && m < bei + 3
        {
            m += 1;
        }
        m
    })
}

/// A segment of at most four short tokens from `k` to a comma, with a
/// postcode right after that comma: the index of the comma.
fn floor_segment(text: &str, toks: &[Tok], k: usize, lower_ok: bool) -> Option<usize> {
    let mut m = k;
    while m < toks.len() && m < k + 5 {
        let t = &toks[m];
        // `2. th.\n1620 København V`: the line break ends it as a comma would.
        if t.newline() && m > k {
            return postcode_at(text, toks, m, lower_ok).map(|_| m);
        }
        if is_punct(t, b',') {
            break;
        }
        if t.end - t.start > 6 {
            return None;
        }
        m += 1;
    }
    if m == k || !toks.get(m).is_some_and(|t| is_punct(t, b',')) {
        return None;
    }
    postcode_at(text, toks, m + 1, lower_ok).map(|_| m)
}

/// The start of a unit and building prefix before an address starting at
/// token `s`: `Flat 3, `, `Bât. C, Résidence Les Tilleuls, `, `Unit 12,
/// Riverside Business Park, `.
fn unit_prefix(text: &str, toks: &[Tok], s: usize) -> usize {
    // `Unit 1507 - 88 Harbour Street` has a dash instead.
    let comma_before =
        |p: usize| p >= 1 && (is_punct(&toks[p - 1], b',') || is_punct(&toks[p - 1], b'-'));
    if !comma_before(s) {
        return s;
    }
    // An optional building name: capitalised words back to a comma.
    let mut b = s - 1;
    let mut words = 0;
    while b > 0 && words < 4 {
        let t = &toks[b - 1];
        if t.kind != Kind::Word || t.case == Case::Lower || t.newline() {
            break;
        }
        b -= 1;
        words += 1;
    }
    // `Unit 12 Sandton Close, 88 Rivonia Road`: a unit in a named complex
    // (the name ends in a street type, but its number is the unit's).
    if words >= 2
        && b >= 2
        && toks[b - 1].kind == Kind::Num
        && !toks[b].newline()
        && toks[b - 2].kind == Kind::Word
        && toks[b - 2].case != Case::Lower
        && toks[b - 2].cur(text) & UNIT != 0
    {
        return b - 2;
    }
    let candidates = [s - 1, b.saturating_sub(1)];
    for comma in candidates {
        if comma == 0 || !(is_punct(&toks[comma], b',') || is_punct(&toks[comma], b'-')) {
            continue;
        }
        // `Unit 12`, `Bât. C`, `Flat 3B`: a unit word, an optional dot, a
        // number or a single letter, then the comma.
        let label = comma - 1;
        let value_ok =
            |t: &Tok| t.kind == Kind::Num || (t.kind == Kind::Word && t.end - t.start == 1);
        if !value_ok(&toks[label]) || label == 0 {
            continue;
        }
        let mut u = label - 1;
        if is_punct(&toks[u], b'.') && u > 0 {
            u -= 1;
        }
        // `House No. 12, `, `Flat No. 402, `, `H.No. 8-2-293/82, `
        if u > 0 && number_word(text, &toks[u]) {
            if let Some(h) = house_initial_before(text, toks, u) {
                return h;
            }
            u -= 1;
        }
        let unit_word = toks[u].kind == Kind::Word
            && (toks[u].cur(text) & UNIT != 0
                // `Appt 12, 8 avenue Jean Jaurès`: the French apartment.
                || [
                    "house",
                    "plot",
                    "block",
                    "blk",
                    "bldg",
                    "tower",
                    "office",
                    "appt",
                    "appartement",
                ]
                .iter()
                .any(|w| w.eq_ignore_ascii_case(text_of(text, &toks[u]))));
        if unit_word {
            return u;
        }
    }
    s
}

/// Whether token `l` introduces an address: a label word (`Address`,
/// `Lieferadresse`, `deliver`), not one of a network or memory address.
fn address_label(text: &str, toks: &[Tok], l: usize) -> bool {
    let t = &toks[l];
    if t.kind != Kind::Word || t.end - t.start < 3 {
        return false;
    }
    let word = text_of(text, t).as_bytes();
    let labelled = (crate::lexicon::maybe_address_label(word) && t.cur(text) & ADDRESS_LABEL != 0)
        // Compounds before a colon: `Rechnungsanschrift:`, `Toimitusosoite:`
        // (the buffer only then: most words are shorter or no label).
        || (t.end - t.start >= 8
            && toks.get(l + 1).is_some_and(|n| is_punct(n, b':'))
            && {
                let mut buf = [0u8; crate::lexicon::MAX_KEY];
                fold(text_of(text, t), &mut buf).is_some_and(|k| {
                    ["adresse", "anschrift", "osoite", "adress", "adresa"]
                        .iter()
                        .any(|s| k.ends_with(s))
                })
            });
    labelled
        && !l.checked_sub(1).is_some_and(|p| {
            let w = text_of(text, &toks[p]);
            [
                "ip", "mac", "email", "e-mail", "mail", "memory", "fault", "web", "wallet",
                "hardware", "bitcoin", "base", "load",
            ]
            .iter()
            .any(|x| x.eq_ignore_ascii_case(w))
        })
}

/// Where the value after a label at `l` starts: after a `:` or a `to`
/// within the next five tokens (`Address on file:`, `Send the cheque to`).
fn value_start(text: &str, toks: &[Tok], l: usize) -> Option<usize> {
    (l + 1..toks.len().min(l + 6)).find_map(|k| {
        let t = &toks[k];
        let to = t.kind == Kind::Word
            && ["to", "op", "na", "a", "an", "at"]
                .iter()
                .any(|w| w.eq_ignore_ascii_case(text_of(text, t)));
        // `Deliver to: …`
        let after = if to && toks.get(k + 1).is_some_and(|n| is_punct(n, b':')) {
            k + 2
        } else {
            k + 1
        };
        (is_punct(t, b':') || to).then_some(after)
    })
}

/// The end of a labelled address value starting at `v`: the rest of its
/// line up to a sentence end, or, when the value starts on the line after
/// the label, up to six short lines. `None` when it holds no address.
fn labelled_value(text: &str, toks: &[Tok], v: usize) -> Option<usize> {
    let multi_line = toks.get(v)?.newline();
    let mut e = v;
    let mut lines = 1;
    let mut on_line = 0;
    while e < toks.len() && e < v + 40 {
        let t = &toks[e];
        if e > v && t.newline() {
            if !multi_line || lines == 6 || on_line > 8 {
                break;
            }
            lines += 1;
            on_line = 0;
        }
        if t.kind == Kind::Punct {
            let sentence_end = matches!(t.punct, b'.' | b'!' | b'?')
                && toks.get(e + 1).is_none_or(|n| {
                    n.newline() || (n.space() && n.kind == Kind::Word && n.case != Case::Lower)
                })
                // `Av. Corrientes`, `Flat No. 402`: abbreviation dots.
                && !(t.punct == b'.' && e > v && toks[e - 1].kind == Kind::Word && toks[e - 1].end - toks[e - 1].start <= 4);
            if sentence_end || matches!(t.punct, b';' | b'|' | b'@' | b'<' | b'>' | b'[' | b']') {
                break;
            }
        }
        on_line += 1;
        e += 1;
    }
    // Trailing punctuation and, in mixed case, trailing lower-case words
    // (`…, 68169 Mannheim pending an invoice`).
    let mixed = toks[v..e]
        .iter()
        .any(|t| t.kind == Kind::Word && t.case != Case::Lower);
    while e > v {
        let t = &toks[e - 1];
        let drop = t.kind == Kind::Punct && t.punct != b')'
            || (mixed
                && t.kind == Kind::Word
                && t.case == Case::Lower
                && t.cur(text) & PARTICLE == 0)
            // `…, 10036 pls`, `…, thanks`: chat after the address.
            || (t.kind == Kind::Word
                && (t.cur(text) & crate::lexicon::GREETING != 0
                    || ["pls", "plz", "please", "thx", "asap", "ya", "po", "ok", "lol"]
                        .iter()
                        .any(|w| w.eq_ignore_ascii_case(text_of(text, t)))));
        if !drop {
            break;
        }
        e -= 1;
    }
    let value = toks.get(v..e).filter(|v| !v.is_empty())?;
    let numbers = value.iter().filter(|t| t.kind == Kind::Num).count();
    let words = value
        .iter()
        .filter(|t| t.kind == Kind::Word && t.end - t.start >= 3)
        .count();
    let commas = value.iter().filter(|t| is_punct(t, b',')).count();
    let structured = commas >= 1 || lines >= 3;
    // Not an IP address, a version, a time or a URL: no digits joined by
    // `.` or `:` without a blank, no `/` after a `:`.
    let technical = value.windows(3).any(|w| {
        w[0].kind == Kind::Num
            && (is_punct(&w[1], b'.') || is_punct(&w[1], b':'))
            && !w[1].space()
            && w[2].kind == Kind::Num
            && !w[2].space()
    }) || value
        .windows(2)
        .any(|w| is_punct(&w[0], b':') && is_punct(&w[1], b'/'));
    // Something only addresses hold: a street or unit word, a postcode
    // (of digits only, next to a place: `ref 4412` is none), or a place
    // (capitalised, unless the whole value is in lower case).
    let place = |t: &Tok| {
        t.kind == Kind::Word
            && (t.case != Case::Lower || !mixed)
            && t.classes(text) & (PLACE | REGION) != 0
    };
    let evidence = value.iter().enumerate().any(|(k, t)| {
        (t.kind == Kind::Word
            && (t.cur(text) & (STREET_FIRST | STREET_LAST | UNIT) != 0
                || compound_street(text, t)
                || place(t)))
            || postcode_at(text, value, k, true).is_some_and(|p| {
                !all_digits(text_of(text, t).as_bytes())
                    || p > k + 1
                    || (k > 0 && place(&value[k - 1]))
                    || value.get(p).is_some_and(place)
            })
    });
    // `the Berlin office, desk 42` describes a site, not an address.
    let first = &value[0];
    let opens =
        !(first.kind == Kind::Word && first.case == Case::Lower && first.cur(text) & STOP != 0);
    (numbers >= 1 && words >= 2 && structured && evidence && opens && !technical && e - v <= 36)
        .then_some(e)
}

/// Addresses after a label (`Address:`, `Deliver to`, `Rechnungsanschrift:`)
/// whose value has the shape of one: a number, words, and commas or
/// lines. They need no street type: `Plot 1021, Cadastral Zone A6,
/// Maitama, Abuja`.
fn find_labelled(text: &str, toks: &[Tok], out: &mut Vec<NameSpan>) {
    let mut n = 0;
    // Each token is checked for a label once: `scanned` is where the last
    // look stopped, `last_label` the latest label seen.
    let mut scanned = 0;
    let mut last_label = None;
    while n < toks.len() {
        if toks[n].kind != Kind::Num {
            n += 1;
            continue;
        }
        // A label at most sixteen tokens before the number (`Deliver to:
        // Westlands Business Park, Block C, Waiyaki Way, Nairobi 00100`: a
        // named building and a block before the street).
        for l in scanned.max(n.saturating_sub(16))..n {
            if address_label(text, toks, l) {
                last_label = Some(l);
            }
        }
        scanned = scanned.max(n);
        let label = last_label.filter(|&l| l + 16 >= n);
        let found = label.and_then(|l| {
            let v = value_start(text, toks, l).filter(|&v| v <= n)?;
            let e = labelled_value(text, toks, v).filter(|&e| e > n)?;
            Some((v, e))
        });
        match found {
            Some((v, e)) => {
                out.push(NameSpan {
                    kind: NameKind::StreetAddress,
                    start: toks[v].start as usize,
                    end: toks[e - 1].end as usize,
                    confidence: 0.9,
                });
                n = e;
            }
            None => n += 1,
        }
    }
}

/// The start of a `c/o Name, ` line before an address starting at `s`,
/// else `s`.
fn care_of_prefix(text: &str, toks: &[Tok], s: usize) -> usize {
    if s < 2 || !is_punct(&toks[s - 1], b',') {
        return s;
    }
    // Back over at most seven tokens of the same line to `c/o`.
    let mut b = s - 1;
    while b > 0 && s - b < 8 {
        b -= 1;
        let t = &toks[b];
        if text_of(text, t).eq_ignore_ascii_case("c/o") {
            return b;
        }
        if t.newline() {
            break;
        }
    }
    s
}

/// Street addresses over the token stream.
pub(crate) fn find(text: &str, toks: &[Tok], out: &mut Vec<NameSpan>) {
    find_labelled(text, toks, out);
    // Every address has a number: find the first, and skip words more than
    // ten tokens before the next one (`Main Street, Ballyvaughan, Co. Clare, H91`).
    let Some(mut next_num) = toks.iter().position(|t| t.kind == Kind::Num) else {
        return;
    };
    let mut i = 0;
    while i < toks.len() {
        if next_num < i {
            match toks[i..].iter().position(|t| t.kind == Kind::Num) {
                Some(p) => next_num = i + p,
                None => return,
            }
        }
        if next_num > i + 10 {
            i = next_num - 10;
            continue;
        }
        let t = &toks[i];
        // Cheap gate: a number, or a word that can start a street.
        let gate = match t.kind {
            Kind::Num => true,
            // Lower-case street types (`rue`, `via`) follow a house number.
            Kind::Word => {
                t.case != Case::Lower
                    || matches!(t.bytes(text), b"ul" | b"jl" | b"al")
                    // `getreidegasse 9,`: a compound street in lower case,
                    // its number before a comma, a line's end, a postcode or
                    // a unit (`storgatan 8 lgh 1102`).
                    || (t.end - t.start >= 6
                        && toks.get(i + 1).is_some_and(|n| n.kind == Kind::Num)
                        && toks.get(i + 2).is_none_or(|n| {
                            is_punct(n, b',')
                                || n.newline()
                                || n.kind == Kind::Num
                                || (n.kind == Kind::Word && n.cur(text) & UNIT != 0)
                        })
                        && compound_street_any_case(text, t))
            }
            Kind::Punct => false,
        };
        if !gate {
            i += 1;
            continue;
        }
        let Some((start, core_end, needs_postcode)) = core_at(text, toks, i) else {
            i += 1;
            continue;
        };
        // A core of a number alone takes its case from the words for it
        // (`house no 45,`).
        let case_from = if core_end == start + 1 {
            number_word_before(text, toks, start)
        } else {
            start
        };
        let case = address_case(text, &toks[case_from..core_end]);
        let (end, postcode) = tail(text, toks, core_end, case);
        // A known town after the street vouches for it as a postcode would
        // (`Plot 112, Ali Hassan Mwinyi Road, Dar es Salaam`).
        let town = |k: usize| toks[k].classes(text) & (PLACE | REGION) != 0;
        let town_end = end > core_end
            && (town(end - 1)
                // `Dar es Salaam`: a town's first word before a particle.
                || (end >= core_end + 3 && city_particle(text, &toks[end - 2]) && town(end - 3)));
        if needs_postcode && !postcode && !town_end {
            i += 1;
            continue;
        }
        // A street with no number at all needs a postcode, not only a town.
        let numberless = !toks[start..core_end].iter().any(|t| t.kind == Kind::Num);
        if numberless && !postcode {
            i += 1;
            continue;
        }
        // `Flat 3, 27 Victoria Road`
        // `Suite 3, Level 9, 120 Collins Street`: units one before another.
        // `No. 88 Century Avenue` after `Room 1802,`: the number word first,
        // then the units before it.
        let mut s = if toks[start].kind == Kind::Num {
            number_word_before(text, toks, start)
        } else if start > 0
            && !toks[start].newline()
            && house_number(text, &toks[start - 1])
            && (toks[start].bytes(text) == b"Moo"
                || toks[start + 1..core_end]
                    .iter()
                    .any(|t| t.bytes(text) == b"Soi"))
        {
            // `99/45 Moo 4`: a house number before its Thai village number;
            // `199 Sukhumvit Soi 22`: before the road and its lane.
            start - 1
        } else {
            lot_before_block(text, toks, start).unwrap_or(start)
        };
        // `1500 - 701 W Georgia St`: a suite's number and a dash before the
        // civic number, as Canada writes it.
        if s >= 2
            && toks[s].kind == Kind::Num
            && is_punct(&toks[s - 1], b'-')
            && toks[s - 1].space()
            && toks[s - 2].kind == Kind::Num
            && toks[s - 2].end - toks[s - 2].start <= 5
            && all_digits(toks[s - 2].bytes(text))
            && !toks[s].newline()
        {
            s -= 2;
            // `Unit 1507 - 88 Harbour Street`
            if s >= 1 && toks[s - 1].kind == Kind::Word && toks[s - 1].cur(text) & UNIT != 0 {
                s -= 1;
            }
        }
        while let Some(u) = Some(unit_prefix(text, toks, s)).filter(|&u| u < s) {
            s = u;
        }
        // `van Woustraat 150hs`, `de Clercqstraat 12`: a Dutch street
        // named after a person keeps the name's particles.
        if s == start && compound_street(text, &toks[start]) {
            while s > 0
                && start - s < 2
                && !toks[s].newline()
                && toks[s - 1].kind == Kind::Word
                && toks[s - 1].case == Case::Lower
                && one_of(
                    toks[s - 1].bytes(text),
                    &["van", "de", "der", "den", "ter", "ten"],
                )
            {
                s -= 1;
            }
        }
        let s = if numberless {
            house_name_before(text, toks, s)
        } else {
            s
        };
        let s = care_of_prefix(text, toks, s);
        let s = rural_route_before(text, toks, s);
        let s = building_before(text, toks, s);
        let s = floor_before(text, toks, s);
        let s = unit_line_before(text, toks, s);
        let region_end = toks[end - 1].classes(text) & REGION != 0;
        out.push(NameSpan {
            kind: NameKind::StreetAddress,
            start: toks[s].start as usize,
            end: toks[end - 1].end as usize,
            confidence: if postcode || region_end || end > core_end {
                0.9
            } else {
                0.85
            },
        });
        i = end;
    }
}

/// The case an address is written in: lower, upper or mixed (title).
fn address_case(text: &str, toks: &[Tok]) -> Case {
    let words = || {
        toks.iter()
            .filter(|t| t.kind == Kind::Word && t.end - t.start > 1)
    };
    if words().count() > 0 && words().all(|t| t.case == Case::Lower) {
        Case::Lower
    } else if words().count() > 0 && words().all(|t| t.case == Case::Upper) {
        Case::Upper
    } else {
        let _ = text;
        Case::Title
    }
}

#[cfg(test)]
mod tests {
    use crate::{NameFinder, NameKind, NamesConfig};

    /// The street addresses found in `text`.
    fn addresses(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        NameFinder::new(NamesConfig::default())
            .expect("default config")
            .find(text, &mut out);
        out.iter()
            .filter(|s| s.kind == NameKind::StreetAddress)
            .map(|s| text[s.start..s.end].to_string())
            .collect()
    }

    #[test]
    fn korean_roads_suites_lots_plots_and_compass_dots() {
        for (text, address) in [
            (
                "Delivery: 45 Teheran-ro 8-gil, Gangnam-gu, Seoul 06236",
                "45 Teheran-ro 8-gil, Gangnam-gu, Seoul 06236",
            ),
            (
                "Ship-to: 1500 - 701 W Georgia St, Vancouver BC V7Y 1G5",
                "1500 - 701 W Georgia St, Vancouver BC V7Y 1G5",
            ),
            (
                "new address is Unit 1507 - 88 Harbour Street, Toronto ON M5J 0C3",
                "Unit 1507 - 88 Harbour Street, Toronto ON M5J 0C3",
            ),
            (
                "Siedziba: al. Jerozolimskie 65/79 lok. 12, 00-697 Warszawa",
                "al. Jerozolimskie 65/79 lok. 12, 00-697 Warszawa",
            ),
            (
                "Office: Plot 1090 Cadastral Zone, Wuse II, Abuja",
                "Plot 1090 Cadastral Zone, Wuse II, Abuja",
            ),
            (
                "pa-deliver po sa Lot 5 Blk 12, Mabini St., Brgy. San Isidro, Antipolo, Rizal",
                "Lot 5 Blk 12, Mabini St., Brgy. San Isidro, Antipolo, Rizal",
            ),
            (
                "BILL TO: 4100 W. 95TH STREET, SUITE 210, OAK LAWN, IL 60453",
                "4100 W. 95TH STREET, SUITE 210, OAK LAWN, IL 60453",
            ),
            (
                "kunde wohnt jetzt getreidegasse 9, 5020 salzburg",
                "getreidegasse 9, 5020 salzburg",
            ),
            (
                "The Old Rectory\nChurch Lane\nLittle Snoring\nNorfolk NR21 0JF",
                "The Old Rectory\nChurch Lane\nLittle Snoring\nNorfolk NR21 0JF",
            ),
        ] {
            assert_eq!(addresses(text), [address], "{text}");
        }
        // A lower-case compound street needs its postcode.
        assert!(addresses("the hauptstrasse 5 is closed").is_empty());
    }

    #[test]
    fn streets_without_numbers_need_a_postcode() {
        assert_eq!(
            addresses("Eircode lookup failed for Main Street, Ballyvaughan, Co. Clare, H91 X2E8"),
            ["Main Street, Ballyvaughan, Co. Clare, H91 X2E8"]
        );
        assert_eq!(
            addresses(
                "Deliver c/o The Old Rectory, Church Lane, Little Snoring, Fakenham NR21 0JB"
            ),
            ["The Old Rectory, Church Lane, Little Snoring, Fakenham NR21 0JB"]
        );
        // A town alone does not vouch for a street without a number.
        assert!(addresses("The meeting on Church Lane, Oxford was fine").is_empty());
    }

    #[test]
    fn towns_in_capitals_end_where_the_gazetteer_or_the_line_does() {
        for (text, address) in [
            (
                "ALAMAT: NO. 8, JALAN AMPANG, 50450 KUALA LUMPUR",
                "8, JALAN AMPANG, 50450 KUALA LUMPUR",
            ),
            (
                "OUR OFFICE MOVED TO BAHNHOFSTRASSE 21, 8001 ZÜRICH AS OF THIS MONTH.",
                "BAHNHOFSTRASSE 21, 8001 ZÜRICH",
            ),
            (
                "AYALA AVE, MAKATI CITY, 1226 METRO MANILA\nCONTACT NO. ON FILE",
                "AYALA AVE, MAKATI CITY, 1226 METRO MANILA",
            ),
            (
                "POSTAL ADDRESS: 14/37 CHAPEL STREET\nST KILDA VIC 3182",
                "14/37 CHAPEL STREET\nST KILDA VIC 3182",
            ),
        ] {
            assert_eq!(addresses(text), [address], "{text}");
        }
    }

    #[test]
    fn indian_house_numbers_and_numbered_roads() {
        assert_eq!(
            addresses(
                "landmark for H.No. 8-2-293/82, Road No. 10, Banjara Hills, Hyderabad, Telangana 500034"
            ),
            ["H.No. 8-2-293/82, Road No. 10, Banjara Hills, Hyderabad, Telangana 500034"]
        );
        assert_eq!(
            addresses("address - house no 45, sector 21c, faridabad, haryana 121001"),
            ["house no 45, sector 21c, faridabad, haryana 121001"]
        );
        // A numbered flat with nothing after to vouch for it is prose.
        assert!(addresses("flat no 3, 2nd floor, we will call").is_empty());
    }

    #[test]
    fn what_closes_a_town_and_other_separators() {
        for (text, address) in [
            (
                "Consegna: Piazza del Duomo 3, 50122 Firenze (FI)",
                "Piazza del Duomo 3, 50122 Firenze (FI)",
            ),
            (
                "Entrega: Blvd. Agua Caliente 4558, Int. 1201, Aviación, 22014 Tijuana, B.C.",
                "Blvd. Agua Caliente 4558, Int. 1201, Aviación, 22014 Tijuana, B.C.",
            ),
            (
                "Industriestr. 7\n85748 Garching b. München",
                "Industriestr. 7\n85748 Garching b. München",
            ),
            (
                "Siège: Rue de la Loi 155 bte 3, 1040 Bruxelles",
                "Rue de la Loi 155 bte 3, 1040 Bruxelles",
            ),
            (
                "Addr: 3300 NE 192nd St. - Unit 1108 - Aventura FL 33180",
                "3300 NE 192nd St. - Unit 1108 - Aventura FL 33180",
            ),
            (
                "Adres: ul. Piotrkowska 104 lok. 7; 90-926 Łódź",
                "ul. Piotrkowska 104 lok. 7; 90-926 Łódź",
            ),
            (
                "Rural route: RR 2, 4471 Highway 7, Kemptville, ON K0G 1J0",
                "RR 2, 4471 Highway 7, Kemptville, ON K0G 1J0",
            ),
        ] {
            assert_eq!(addresses(text), [address], "{text}");
        }
        assert_eq!(
            addresses("returns go to Unit 7, Riverside Industrial Estate, Dartford DA1 5BS"),
            ["Unit 7, Riverside Industrial Estate, Dartford DA1 5BS"]
        );
        // A semicolon ends the address unless a postcode follows it.
        assert_eq!(
            addresses("deliver to 3 church lane, little snoring, norfolk nr21 0aa; ring twice."),
            ["3 church lane, little snoring, norfolk nr21 0aa"]
        );
    }

    #[test]
    fn product_names_are_no_streets() {
        assert!(addresses("Model 'Oak Lane 3' bookcase arrived damaged.").is_empty());
        assert!(addresses("Quote for 12 Dell Latitude 5440 units attached.").is_empty());
        assert_eq!(
            addresses("Please ship to 3 Oak Lane, Leeds LS6 2AB."),
            ["3 Oak Lane, Leeds LS6 2AB"]
        );
    }

    #[test]
    fn numbered_avenues_blocks_and_lanes() {
        assert_eq!(
            addresses("Blk 456 Ang Mo Kio Ave 10, #08-1234, Singapore 560456"),
            ["Blk 456 Ang Mo Kio Ave 10, #08-1234, Singapore 560456"]
        );
        assert_eq!(
            addresses("Địa chỉ: Số 12 Phố Tràng Tiền, Hoàn Kiếm, Hà Nội"),
            ["Số 12 Phố Tràng Tiền, Hoàn Kiếm, Hà Nội"]
        );
        assert_eq!(
            addresses("Giao tới 12 Ngõ 34 Phố Huế, Hai Bà Trưng, Hà Nội giúp em."),
            ["12 Ngõ 34 Phố Huế, Hai Bà Trưng, Hà Nội"]
        );
        assert_eq!(
            addresses("New address is Unit 5/17 Smith St, Fitzroy VIC 3065 now"),
            ["Unit 5/17 Smith St, Fitzroy VIC 3065"]
        );
        // A number after the street type only before a comma or a unit.
        assert_eq!(
            addresses("We meet at 12 Main St 3 days a week"),
            ["12 Main St"]
        );
        assert!(addresses("Blk 12 items and Unit 5/17 tests passed").is_empty());
    }

    #[test]
    fn a_unit_in_a_named_complex_before_the_street() {
        assert_eq!(
            addresses("Courier to Unit 12 Sandton Close, 88 Rivonia Road, Sandhurst, Sandton 2196"),
            ["Unit 12 Sandton Close, 88 Rivonia Road, Sandhurst, Sandton 2196"]
        );
        // Two streets with no unit word stay two addresses.
        assert_eq!(
            addresses("from 12 Sandton Close, 88 Rivonia Road, Sandton 2196"),
            ["12 Sandton Close", "88 Rivonia Road, Sandton 2196"]
        );
    }

    #[test]
    fn a_lettered_building_after_the_street() {
        assert_eq!(
            addresses("at 2100 Commerce Pkwy, Building C, Reno, NV 89502."),
            ["2100 Commerce Pkwy, Building C, Reno, NV 89502"]
        );
        assert_eq!(
            addresses("at 2100 Commerce Pkwy, building a, then lunch"),
            ["2100 Commerce Pkwy"]
        );
    }

    #[test]
    fn chilean_and_argentine_postcodes_before_a_town() {
        assert_eq!(
            addresses("Despacho a Calle Prat 560, 2340000 Valparaíso"),
            ["Calle Prat 560, 2340000 Valparaíso"]
        );
        assert_eq!(
            addresses("se mudó a Calle San Martín 850, X5000 Córdoba"),
            ["Calle San Martín 850, X5000 Córdoba"]
        );
        // Not before an unknown word: a phone number, a part number.
        assert_eq!(
            addresses("Calle Prat 560, 2340000 units and 12 Main St, X5000 Printer"),
            ["Calle Prat 560", "12 Main St"]
        );
    }

    #[test]
    fn indonesian_malaysian_turkish_and_chilean_streets() {
        assert_eq!(
            addresses("Alamat: Jl. Jend. Sudirman Kav. 52-53, Senayan, Jakarta Selatan 12190"),
            ["Jl. Jend. Sudirman Kav. 52-53, Senayan, Jakarta Selatan 12190"]
        );
        assert_eq!(
            addresses("alamat kirim: jl. malioboro no. 60, yogyakarta 55271"),
            ["jl. malioboro no. 60, yogyakarta 55271"]
        );
        assert_eq!(
            addresses("Alamat: No. 8, Jalan SS 2/24, 47300 Petaling Jaya, Selangor"),
            ["No. 8, Jalan SS 2/24, 47300 Petaling Jaya, Selangor"]
        );
        assert_eq!(
            addresses("Teslimat adresi: Bağdat Cad. No:215 D:8, Kadıköy/İstanbul"),
            ["Bağdat Cad. No:215 D:8, Kadıköy/İstanbul"]
        );
        assert_eq!(
            addresses("Oficina: Av. Providencia 1760, Of. 502, Providencia, Santiago"),
            ["Av. Providencia 1760, Of. 502, Providencia, Santiago"]
        );
        assert!(addresses("Of. 502 tickets, 10 failed").is_empty());
        assert!(addresses("ticket s520045 closed, jl. 5 ok").is_empty());
    }

    #[test]
    fn houses_rooms_and_towers_before_the_street() {
        assert_eq!(
            addresses("Drop-off: House No. 7, Osu Badu Street, Airport West, Accra"),
            ["House No. 7, Osu Badu Street, Airport West, Accra"]
        );
        assert_eq!(
            addresses(
                "Invoice to Room 1802, No. 88 Century Avenue, Pudong New Area, Shanghai 200120."
            ),
            ["Room 1802, No. 88 Century Avenue, Pudong New Area, Shanghai 200120"]
        );
        assert_eq!(
            addresses("Site: Unit 12B, Tower 2, One Serendra, 11th Avenue, BGC, Taguig City 1634"),
            ["Unit 12B, Tower 2, One Serendra, 11th Avenue, BGC, Taguig City 1634"]
        );
        // A number and a comma alone do not make a street of the words after.
        assert!(addresses("Ticket No. 7, Osu Badu called back").is_empty());
        assert_eq!(
            addresses("Blk 5 Lot 12, Mabini St., Brgy. San Roque, Marikina City po"),
            ["Blk 5 Lot 12, Mabini St., Brgy. San Roque, Marikina City"]
        );
        assert!(addresses("Blk 5 Lot 12, sold out by noon").is_empty());
        assert_eq!(
            addresses(
                "Courier left a card at Office 1904, Al Habtoor Business Tower, Dubai Marina, Dubai but"
            ),
            ["Office 1904, Al Habtoor Business Tower, Dubai Marina, Dubai"]
        );
        assert_eq!(
            addresses("Install at 99/45 Moo 4, Sukhumvit Rd, Bang Na, Bangkok 10260 please"),
            ["99/45 Moo 4, Sukhumvit Rd, Bang Na, Bangkok 10260"]
        );
        assert_eq!(
            addresses(
                "Office moved to Shin-Marunouchi Bldg 10F, 1-5-1 Marunouchi, Chiyoda-ku, Tokyo 100-6510"
            ),
            ["Shin-Marunouchi Bldg 10F, 1-5-1 Marunouchi, Chiyoda-ku, Tokyo 100-6510"]
        );
        assert_eq!(
            addresses("Site address: Plot 112, Ali Hassan Mwinyi Road, Dar es Salaam"),
            ["Plot 112, Ali Hassan Mwinyi Road, Dar es Salaam"]
        );
    }

    #[test]
    fn unit_lines_above_and_landmarks_between() {
        assert_eq!(
            addresses("Bill to:\nAcme Widgets Inc.\nSuite 500\n2100 Ross Avenue\nDallas, TX 75201"),
            ["Suite 500\n2100 Ross Avenue\nDallas, TX 75201"]
        );
        assert_eq!(
            addresses("Lieferadresse:\nHinterhaus, 2. OG\nKastanienallee 7\n10435 Berlin"),
            ["Hinterhaus, 2. OG\nKastanienallee 7\n10435 Berlin"]
        );
        assert_eq!(
            addresses(
                "Customer location: House No. 7, Ring Road East, near Danquah Circle, Osu, Accra"
            ),
            ["House No. 7, Ring Road East, near Danquah Circle, Osu, Accra"]
        );
        // A line without a unit word is no unit line; a landmark alone no address.
        assert_eq!(
            addresses("Ticket 42\n12 Main Street\nSpringfield IL 62701"),
            ["12 Main Street\nSpringfield IL 62701"]
        );
        assert!(addresses("We live near Clock Tower, Ludhiana.").is_empty());
        assert_eq!(
            addresses("Office: 12F, 152 Teheran-ro, Gangnam-gu, Seoul 06236"),
            ["12F, 152 Teheran-ro, Gangnam-gu, Seoul 06236"]
        );
        assert_eq!(
            addresses("Seats 12A, 152 Teheran-ro, Gangnam-gu, Seoul 06236"),
            ["152 Teheran-ro, Gangnam-gu, Seoul 06236"]
        );
    }

    #[test]
    fn labelled_values_with_a_building_before_the_street() {
        assert_eq!(
            addresses("Deliver to: Westlands Business Park, Block C, Waiyaki Way, Nairobi 00100"),
            ["Westlands Business Park, Block C, Waiyaki Way, Nairobi 00100"]
        );
        assert_eq!(
            addresses("Property: The Old Rectory, Church Lane, Little Milton, Oxford OX44 7QB"),
            ["The Old Rectory, Church Lane, Little Milton, Oxford OX44 7QB"]
        );
    }

    #[test]
    fn units_and_flats_before_the_house_number() {
        assert_eq!(
            addresses("pls send it to unit 7/33 beach rd bondi nsw 2026 not the old one"),
            ["unit 7/33 beach rd bondi nsw 2026"]
        );
        assert_eq!(
            addresses("i'm at 3/2 14 Byres Road, Glasgow G11 5RD, buzzer broken"),
            ["3/2 14 Byres Road, Glasgow G11 5RD"]
        );
        assert_eq!(
            addresses("envoyer au Appt 12, 8 avenue Jean Jaurès, 31000 Toulouse"),
            ["Appt 12, 8 avenue Jean Jaurès, 31000 Toulouse"]
        );
        // A date is no flat.
        assert_eq!(
            addresses("on 3/2014 14 Byres Road, Glasgow G11 5RD"),
            ["14 Byres Road, Glasgow G11 5RD"]
        );
    }

    #[test]
    fn thai_house_numbers_before_the_road_and_soi() {
        assert_eq!(
            addresses("visit at 199 Sukhumvit Soi 22, Khlong Toei, Bangkok 10110 tomorrow"),
            ["199 Sukhumvit Soi 22, Khlong Toei, Bangkok 10110"]
        );
        assert_eq!(
            addresses("Site: 99/123 Sukhumvit Soi 39, Watthana, Bangkok 10110"),
            ["99/123 Sukhumvit Soi 39, Watthana, Bangkok 10110"]
        );
    }

    #[test]
    fn dutch_streets_named_after_people_and_lower_case_towns() {
        assert_eq!(
            addresses("mijn adres is van Woustraat 150hs 1073 LR amsterdam, niet het oude"),
            ["van Woustraat 150hs 1073 LR amsterdam"]
        );
        assert_eq!(
            addresses("naar van der Helststraat 12, 1072 NX Amsterdam"),
            ["van der Helststraat 12, 1072 NX Amsterdam"]
        );
        // A lower-case word after the postcode that is no town is left out.
        assert_eq!(addresses("Damrak 1, 1012 LG please"), ["Damrak 1, 1012 LG"]);
    }

    #[test]
    fn a_side_street_off_a_main_road() {
        assert_eq!(
            addresses(
                "Site visit at Plot 12, Ngong Lane, off Ngong Road, Nairobi - ask for the guard"
            ),
            ["Plot 12, Ngong Lane, off Ngong Road, Nairobi"]
        );
        assert_eq!(
            addresses("Site visit at 12 Ngong Lane, off we go, Nairobi"),
            ["12 Ngong Lane"]
        );
    }
}
