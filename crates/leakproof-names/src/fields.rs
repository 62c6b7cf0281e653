//! Values whose field name says what they are: `first_name`, `city`,
//! `shipping_address`, `hostname`. In a record a name stands alone in its
//! field, with none of the words around it that free text has, so the
//! field's name is the cue.

use crate::lexicon::{PLACE, REGION, one_of};
use crate::{NameKind, NameSpan};

/// What a field holds, judged by its name: see [`FieldCue::of`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldCue {
    kind: NameKind,
    /// The name is a weaker cue (`location`, `region`, `country`): only a
    /// place the gazetteers know is taken.
    known_only: bool,
}

/// The longest field name looked at, folded.
const MAX_KEY: usize = 40;

/// Words before `name` in a field name (`customer_name`, `agentName`), and
/// parents of a bare `name` field (`customer.name`), that make it a
/// person's.
const PERSON_OWNERS: &[&str] = &[
    "customer",
    "contact",
    "client",
    "agent",
    "caller",
    "requester",
    "requestor",
    "reporter",
    "assignee",
    "owner",
    "employee",
    "patient",
    "guest",
    "tenant",
    "holder",
    "cardholder",
    "accountholder",
    "recipient",
    "sender",
    "author",
    "user",
    "member",
    "person",
    "beneficiary",
    "applicant",
    "driver",
    "rider",
    "approver",
    "manager",
    "supervisor",
    "technician",
    "engineer",
    "rep",
    "salesrep",
    "passenger",
    "student",
    "subscriber",
    "policyholder",
    "buyer",
    "seller",
    "shipto",
    "billto",
];

/// Field names whose value is a town or region, known or not.
const PLACE_KEYS: &[&str] = &[
    "city",
    "town",
    "locality",
    "municipality",
    "county",
    "province",
    "district",
    "suburb",
    "village",
    "hometown",
    "birthplace",
    "placeofbirth",
    "cityofbirth",
];

/// Words before `address` in a field name that make it a network address,
/// not a postal one (`ip_address`, `emailAddress`).
const NETWORK_ADDRESS_OWNERS: &[&str] = &[
    "ip",
    "ipv4",
    "ipv6",
    "mac",
    "email",
    "mail",
    "web",
    "remote",
    "local",
    "server",
    "host",
    "bind",
    "listen",
    "wallet",
    "contract",
    "hardware",
    "physical",
    "network",
    "source",
    "destination",
    "src",
    "dst",
    "gateway",
    "proxy",
    "public",
    "private",
    "client",
    "peer",
    "forwarded",
    "realip",
    "nat",
    "vip",
    "virtual",
    "bluetooth",
    "bt",
    "wifi",
    "memory",
    "base",
];

/// Values that stand for no one and nowhere.
const PLACEHOLDERS: &[&str] = &[
    "n/a",
    "na",
    "none",
    "null",
    "nil",
    "unknown",
    "unassigned",
    "anonymous",
    "test",
    "tbd",
    "system",
    "admin",
    "support",
    "localhost",
    "default",
    "other",
];

/// Words that make a name-field value a team or a system, not a person.
const GROUP_WORDS: &[&str] = &[
    "team",
    "queue",
    "group",
    "desk",
    "department",
    "dept",
    "support",
    "helpdesk",
    "bot",
    "system",
    "automation",
    "service",
    "services",
];

impl FieldCue {
    /// The cue of a field named `key` (a JSON key or a CSV column header)
    /// inside a field named `parent`, if its name says it holds a
    /// person's name, a place, a postal address or a host. Case, `_`,
    /// `-`, `.` and spaces do not matter (`First Name`, `firstName`).
    pub fn of(key: &str, parent: Option<&str>) -> Option<FieldCue> {
        let mut buf = [0u8; MAX_KEY];
        let key = fold_key(key, &mut buf)?;
        // One `match` on the whole name first: it runs for every string of
        // every record, and most field names are none of these.
        let (kind, known_only) = match key {
            // A person's name.
            b"firstname" | b"lastname" | b"fullname" | b"givenname" | b"familyname"
            | b"middlename" | b"maidenname" | b"surname" | b"forename" | b"forenames"
            | b"legalname" | b"displayname" | b"assignee" | b"assignedto" | b"requester"
            | b"requestor" | b"requestedby" | b"reporter" | b"reportedby" | b"submittedby"
            | b"openedby" | b"closedby" | b"resolvedby" | b"caller" | b"agent" | b"author"
            | b"recipient" | b"cardholder" | b"accountholder" | b"beneficiary"
            | b"contactperson" | b"emergencycontact" | b"nextofkin" | b"spouse" => {
                (NameKind::Person, false)
            }
            // A host (before the `…name` fields below).
            b"host" | b"hostname" | b"server" | b"servername" | b"computer" | b"computername"
            | b"machine" | b"machinename" | b"netbiosname" | b"nodename" | b"workstation"
            | b"domaincontroller" => (NameKind::InternalHostname, false),
            // A place only if it is a known one (`region` may be
            // `eu-west-1`, `location` may be `Building 4`).
            b"location" | b"region" | b"state" | b"country" | b"origin" | b"destination"
            | b"area" | b"site" | b"office" => (NameKind::Location, true),
            b"name" => {
                let mut parent_buf = [0u8; MAX_KEY];
                let parent = parent.and_then(|p| fold_key(p, &mut parent_buf))?;
                // `customers.*.name` as `customer.name`.
                let owner = parent.strip_suffix(b"s").unwrap_or(parent);
                (one_of(owner, PERSON_OWNERS) || one_of(parent, PERSON_OWNERS))
                    .then_some((NameKind::Person, false))?
            }
            _ => by_suffix(key)?,
        };
        Some(FieldCue { kind, known_only })
    }

    /// What the field holds.
    pub fn kind(self) -> NameKind {
        self.kind
    }

    /// The whole of `value` (trimmed) as one span, when it has the shape
    /// of what the field's name says it holds: a name of letters, a place,
    /// an address with a number, a host name of one word. The field's name
    /// outranks what the value's words alone suggest (`Calauan` in a `city`
    /// field, `LICSRV` in `hostname`), so this span replaces what
    /// [`crate::NameFinder::find`] found in the value.
    pub fn span(self, value: &str) -> Option<NameSpan> {
        let start = value.len() - value.trim_start().len();
        let trimmed = value.trim();
        if trimmed.is_empty()
            || trimmed.len() > 200
            || PLACEHOLDERS.iter().any(|p| trimmed.eq_ignore_ascii_case(p))
        {
            return None;
        }
        let shaped = match self.kind {
            NameKind::Person => person_shaped(trimmed),
            // `CA` and `OK` in a `state` field may be statuses.
            NameKind::Location if self.known_only => {
                trimmed.len() > 2 && known_place(&trimmed.to_lowercase())
            }
            NameKind::Location => place_shaped(trimmed),
            NameKind::StreetAddress => address_shaped(trimmed),
            NameKind::InternalHostname => host_shaped(trimmed),
        };
        shaped.then_some(NameSpan {
            kind: self.kind,
            start,
            end: start + trimmed.len(),
            confidence: crate::MAX_CONFIDENCE,
        })
    }
}

/// The cue of a field name by its ending: `customer_name`, `billing_city`,
/// `shipping_address` (not `ip_address`).
fn by_suffix(key: &[u8]) -> Option<(NameKind, bool)> {
    if let Some(owner) = key.strip_suffix(b"name") {
        return one_of(owner, PERSON_OWNERS).then_some((NameKind::Person, false));
    }
    if ends_with_one_of(key, PLACE_KEYS) {
        return Some((NameKind::Location, false));
    }
    let owner = key
        .strip_suffix(b"address")
        .or_else(|| key.strip_suffix(b"addressline1"))
        .or_else(|| key.strip_suffix(b"addressline2"))
        .or_else(|| key.strip_suffix(b"address1"))
        .or_else(|| key.strip_suffix(b"address2"))
        .or_else(|| key.strip_suffix(b"street"))?;
    (!one_of(owner, NETWORK_ADDRESS_OWNERS) && !owner.ends_with(b"ip"))
        .then_some((NameKind::StreetAddress, false))
}

/// `key` in ASCII lower case without `_`, `-`, `.`, spaces and quotes,
/// or `None` when it is too long or not ASCII.
fn fold_key<'b>(key: &str, buf: &'b mut [u8; MAX_KEY]) -> Option<&'b [u8]> {
    let mut len = 0;
    for &b in key.as_bytes() {
        if matches!(b, b'_' | b'-' | b'.' | b' ' | b'"') {
            continue;
        }
        if !b.is_ascii_alphanumeric() || len == MAX_KEY {
            return None;
        }
        buf[len] = b.to_ascii_lowercase();
        len += 1;
    }
    Some(&buf[..len])
}

/// `billing_city`, `shipToCity`: a place key, perhaps after an owner.
fn ends_with_one_of(key: &[u8], list: &[&str]) -> bool {
    list.iter().any(|w| key.ends_with(w.as_bytes()))
}

/// Words of letters (any script), with `.`, `-`, `'`, `’` and one comma
/// (`O'Brien, Sean`, `J. R. Mbeki`, `María José García-López`), at most
/// six, none a word of a team or a system.
fn person_shaped(value: &str) -> bool {
    let mut words = 0;
    let mut letters = 0;
    let mut commas = 0;
    let mut in_word = false;
    for c in value.chars() {
        if c.is_whitespace() {
            in_word = false;
            continue;
        }
        if !in_word {
            words += 1;
            in_word = true;
        }
        if c.is_alphabetic() {
            letters += 1;
        } else if c == ',' {
            commas += 1;
        } else if !matches!(c, '.' | '-' | '\'' | '’') {
            return false;
        }
    }
    (1..=6).contains(&words)
        && letters >= 2
        && commas <= 1
        && value.chars().next().is_some_and(char::is_alphabetic)
        && !value
            .split(|c: char| !c.is_alphabetic())
            .any(|w| w.len() >= 3 && GROUP_WORDS.iter().any(|g| w.eq_ignore_ascii_case(g)))
}

/// One to five words of letters, with `.`, `-`, `'` and `’`
/// (`Saint-Étienne`, `St. Gallen`, `Dar es Salaam`).
fn place_shaped(value: &str) -> bool {
    let words = value.split_whitespace().count();
    (1..=5).contains(&words)
        && value.chars().next().is_some_and(char::is_alphabetic)
        && value
            .chars()
            .all(|c| c.is_alphabetic() || c.is_whitespace() || matches!(c, '.' | '-' | '\'' | '’'))
}

/// A place or region the gazetteers know, written whole.
fn known_place(lower: &str) -> bool {
    let words: Vec<&str> = lower.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && crate::tokens::lookup(&words.join(" ")) & (PLACE | REGION) != 0
}

/// Two words or more, a number, and a word of two letters or more; no
/// e-mail address or URL.
fn address_shaped(value: &str) -> bool {
    value.split_whitespace().count() >= 2
        && value.bytes().any(|b| b.is_ascii_digit())
        && value
            .split(|c: char| !c.is_alphabetic())
            .any(|w| w.chars().count() >= 2)
        && !value.contains('@')
        && !value.contains("://")
}

/// One word of ASCII letters, digits and `-`, starting with a letter, with
/// a digit, a dash or only capitals, as machines are named (`LICSRV`,
/// `web01`, `fs-fin-02`), not software or a setting (`nginx`, `prod`);
/// dotted names are the free-text finder's, which knows the internal
/// suffixes.
fn host_shaped(value: &str) -> bool {
    let bytes = value.as_bytes();
    (2..=63).contains(&bytes.len())
        && bytes[0].is_ascii_alphabetic()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && !value.ends_with('-')
        && (bytes.iter().any(|b| b.is_ascii_digit() || *b == b'-')
            || bytes.iter().all(|b| !b.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(key: &str, parent: Option<&str>) -> Option<NameKind> {
        FieldCue::of(key, parent).map(FieldCue::kind)
    }

    #[test]
    fn field_names_in_any_spelling() {
        for key in [
            "first_name",
            "firstName",
            "First Name",
            "LAST-NAME",
            "surname",
        ] {
            assert_eq!(kind_of(key, None), Some(NameKind::Person), "{key}");
        }
        assert_eq!(kind_of("customer_name", None), Some(NameKind::Person));
        assert_eq!(kind_of("name", Some("customer")), Some(NameKind::Person));
        assert_eq!(kind_of("name", Some("product")), None);
        assert_eq!(kind_of("name", None), None);
        assert_eq!(kind_of("product_name", None), None);
        assert_eq!(kind_of("billing_city", None), Some(NameKind::Location));
        assert_eq!(kind_of("country", None), Some(NameKind::Location));
        assert_eq!(
            kind_of("shipping_address", None),
            Some(NameKind::StreetAddress)
        );
        assert_eq!(
            kind_of("address_line1", None),
            Some(NameKind::StreetAddress)
        );
        assert_eq!(kind_of("ip_address", None), None);
        assert_eq!(kind_of("emailAddress", None), None);
        assert_eq!(kind_of("client_ip_address", None), None);
        assert_eq!(kind_of("hostname", None), Some(NameKind::InternalHostname));
        assert_eq!(kind_of("status", None), None);
        assert_eq!(kind_of("ключ", None), None);
    }

    fn value_of(key: &str, parent: Option<&str>, value: &str) -> Option<String> {
        let cue = FieldCue::of(key, parent)?;
        cue.span(value).map(|s| value[s.start..s.end].to_string())
    }

    #[test]
    fn values_of_the_shape_their_field_names() {
        for (key, value, found) in [
            ("first_name", "Tadeusz", Some("Tadeusz")),
            ("contact_name", " O'Brien, Sean ", Some("O'Brien, Sean")),
            ("agent", "priya", Some("priya")),
            (
                "assignee",
                "María José García-López",
                Some("María José García-López"),
            ),
            ("assignee", "Billing Team", None),
            ("agent", "n/a", None),
            ("requester", "jane.doe@contoso.com", None),
            ("reporter", "user 4411", None),
            ("city", "Calauan", Some("Calauan")),
            ("city", "Saint-Étienne", Some("Saint-Étienne")),
            ("city", "Unknown", None),
            ("location", "Bavaria", Some("Bavaria")),
            ("location", "Santa Clara", Some("Santa Clara")),
            ("state", "CA", None),
            ("state", "closed", None),
            ("location", "Building 4", None),
            ("region", "eu-west-1", None),
            ("country", "Philippines", Some("Philippines")),
            (
                "address",
                "4 Rue de la Paix, 75002 Paris",
                Some("4 Rue de la Paix, 75002 Paris"),
            ),
            ("address", "10.0.0.5", None),
            ("street", "Keizersgracht 318", Some("Keizersgracht 318")),
            ("hostname", "LICSRV", Some("LICSRV")),
            ("server", "fs-fin-02", Some("fs-fin-02")),
            ("server", "localhost", None),
            ("server", "nginx", None),
            ("host", "prod", None),
            ("hostname", "web01", Some("web01")),
            ("host", "10.1.2.3", None),
        ] {
            assert_eq!(
                value_of(key, None, value).as_deref(),
                found,
                "{key}: {value}"
            );
        }
    }
}
