//! A generator of realistic support records for benchmarks and tests:
//! nested JSON cases with customer details, free-text descriptions and
//! internal notes holding PII in standard and evasive spellings, and decoys
//! (versions, error codes, ticket numbers, timestamps, GUIDs).

/// A small deterministic PRNG (xorshift64*), so corpora are reproducible.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next pseudo-random number.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FIRST: &[&str] = &[
    "John", "Jane", "Ahmed", "Maria", "Wei", "Olga", "Kofi", "Lucia", "Sven", "Priya",
];
const LAST: &[&str] = &[
    "Doe", "Roe", "Khan", "Garcia", "Chen", "Ivanova", "Mensah", "Rossi", "Berg", "Patel",
];
const DOMAINS: &[&str] = &[
    "contoso.com",
    "example.org",
    "fabrikam.net",
    "northwind.co.uk",
    "tailspin.io",
];
const PRODUCTS: &[&str] = &[
    "Mail Sync",
    "Billing Portal",
    "Mobile App",
    "Desktop Agent",
    "Reports API",
];
const ISSUES: &[&str] = &[
    "The export job fails after the upgrade to version 10.0.19041.1 with error 0x80070005.",
    "Dashboard totals look doubled since the March invoice run; KB5005565 was installed yesterday.",
    "Sync stops after about an hour; the agent log shows timeouts at 10:22:11 and 10:41:03.",
    "Customer cannot log in after the password reset link expired; request id 3f2504e0-4f89-11d3-9a0c-0305e82c3301.",
    "Mobile app crashes when opening settings on build 4.2.17; crash rate about 3 percent.",
    "Invoice INV-2024-0042 shows the wrong tax rate for the EU entity.",
];

fn email(rng: &mut Rng, first: &str, last: &str) -> String {
    let local = format!("{}.{}", first.to_lowercase(), last.to_lowercase());
    let domain = rng.pick(DOMAINS);
    let (tld_dot, tld_word) = (domain.replacen('.', " . ", 1), domain.replace('.', " dot "));
    match rng.below(10) {
        0 => format!("{local} @ {domain}"),
        1 => format!("{local}[at]{}", domain.replace('.', "[dot]")),
        2 => format!("{local} at {tld_word}"),
        3 => format!("{local}\\u0040{domain}"),
        4 => format!("{local}@ {tld_dot}"),
        5 => format!("{local}&#64;{domain}"),
        _ => format!("{local}@{domain}"),
    }
}

fn phone(rng: &mut Rng) -> String {
    let (a, b, c) = (200 + rng.below(700), 200 + rng.below(700), rng.below(10000));
    match rng.below(4) {
        0 => format!("({a}) {b} {c:04}"),
        1 => format!("{a}.{b}.{c:04}"),
        2 => format!("+1 {a} {b} {c:04}"),
        _ => format!("{a}-{b}-{c:04}"),
    }
}

/// One support case as an NDJSON line (without the newline).
pub fn support_case(rng: &mut Rng, id: usize) -> String {
    let first = rng.pick(FIRST);
    let last = rng.pick(LAST);
    let contact = email(rng, first, last);
    let agent_name = rng.pick(FIRST);
    let agent = email(rng, agent_name, "support");
    let issue = rng.pick(ISSUES);
    let product = rng.pick(PRODUCTS);
    let mut note = String::from("Asked the customer to clear the cache and retry; issue persists.");
    match rng.below(6) {
        0 => note.push_str(&format!(
            " Customer asked us to call back on {}.",
            phone(rng)
        )),
        1 => note.push_str(" Card on file 4111 1111-1111 1111 was declined twice."),
        2 => note.push_str(&format!(
            " Server 10 . 0 . {} . {} refused the connection.",
            rng.below(255),
            1 + rng.below(254)
        )),
        3 => note.push_str(" User wrote: my password is Summer2024! and it stopped working."),
        4 => note.push_str(&format!(" Forwarded from {contact} to tier 2.")),
        _ => note.push_str(" No personal data in this note."),
    }
    // Names, places, addresses and internal hosts in free text.
    match rng.below(5) {
        0 => note.push_str(&format!(
            " Spoke with {} {} in Lyon, France; escalated to {}.",
            rng.pick(FIRST),
            rng.pick(LAST),
            agent_name
        )),
        1 => note.push_str(" Ship the replacement to 4 Rue de la Paix, 75002 Paris."),
        2 => note.push_str(
            r" Export on \\\\FS-FIN-02\\payroll fails; dc01.corp.contoso.local is unreachable.",
        ),
        _ => {}
    }
    let day = 1 + rng.below(28);
    format!(
        concat!(
            r#"{{"case_id":"CS{:07}","created_at":"2024-03-{:02}T10:22:11Z","status":"open","priority":{},"#,
            r#""customer":{{"name":"{} {}","email":"{}","phone":"{}","plan":"business"}},"#,
            r#""agent_email":"{}","product":{{"name":"{}","version":"10.0.19041.{}"}},"#,
            r#""description":"{}","internal_notes":["{}","Escalated per runbook section 4.2.1."],"tags":["billing","sync"]}}"#
        ),
        id,
        day,
        1 + rng.below(4),
        first,
        last,
        contact,
        phone(rng),
        agent,
        product,
        rng.below(5000),
        issue,
        note
    )
}

/// About `bytes` of NDJSON support cases.
pub fn ndjson(seed: u64, bytes: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(bytes + 1024);
    let mut id = 0;
    while out.len() < bytes {
        out.push_str(&support_case(&mut rng, id));
        out.push('\n');
        id += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_are_valid_json_and_deterministic() {
        let a = ndjson(7, 20_000);
        assert_eq!(a, ndjson(7, 20_000));
        for line in a.lines() {
            serde_json::from_str::<serde_json::Value>(line).expect("valid JSON");
        }
    }
}
