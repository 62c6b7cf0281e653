"""Generated support records for the Spark job's test and benchmark.

A small Python port of leakproof's own corpus generator
(crates/leakproof-redact/src/corpus.rs): nested customer details, free-text
descriptions and notes holding PII in standard and evasive spellings, and
decoys (versions, error codes, ticket numbers). Deterministic for a seed.
"""

import json
import random

FIRST = ["John", "Jane", "Ahmed", "Maria", "Wei", "Olga", "Kofi", "Lucia", "Sven", "Priya"]
LAST = ["Doe", "Roe", "Khan", "Garcia", "Chen", "Ivanova", "Mensah", "Rossi", "Berg", "Patel"]
DOMAINS = ["contoso.com", "example.org", "fabrikam.net", "northwind.co.uk", "tailspin.io"]
ISSUES = [
    "The export job fails after the upgrade to version 10.0.19041.1 with error 0x80070005.",
    "Dashboard totals look doubled since the March invoice run; KB5005565 was installed yesterday.",
    "Sync stops after about an hour; the agent log shows timeouts at 10:22:11 and 10:41:03.",
    "Invoice INV-2024-0042 shows the wrong tax rate for the EU entity.",
]


def _email(rng, local, domain, evasive):
    if not evasive:
        return f"{local}@{domain}"
    return rng.choice([
        f"{local} @ {domain}",
        f"{local}[at]{domain.replace('.', '[dot]')}",
        f"{local} at {domain.replace('.', ' dot ')}",
        f"{local}&#64;{domain}",
        f"{local}\uff20{domain}",
    ])


def _phone(rng):
    a, b, c = rng.randint(200, 899), rng.randint(200, 899), rng.randint(0, 9999)
    return rng.choice([f"({a}) {b} {c:04}", f"{a}.{b}.{c:04}", f"+1 {a} {b} {c:04}", f"{a}-{b}-{c:04}"])


def record(rng, i):
    """One support case as a dict. The customer's address is in its plain
    spelling in `customer.email` and in an evasive one in the notes."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    local = f"{first.lower()}.{last.lower()}{i}"
    domain = rng.choice(DOMAINS)
    note = rng.choice([
        f"Customer asked us to call back on {_phone(rng)}.",
        "Card on file 4111 1111-1111 1111 was declined twice.",
        f"Server 10 . 0 . {rng.randint(0, 254)} . {rng.randint(1, 254)} refused the connection.",
        f"Forwarded from {_email(rng, local, domain, True)} to tier 2.",
        "No personal data in this note.",
    ])
    return {
        "case_id": f"CS{i:07d}",
        "created_at": f"2024-03-{1 + i % 28:02d}T10:22:11Z",
        "priority": 1 + i % 4,
        "customer": {
            "name": f"{first} {last}",
            "email": _email(rng, local, domain, False),
            "phone": _phone(rng),
        },
        "description": f"{rng.choice(ISSUES)} Contact: {_email(rng, local, domain, True)}",
        "internal_notes": [note, "Escalated per runbook section 4.2.1."],
        "tags": ["billing", "sync"],
    }


def generate(n, seed=1):
    """`n` records, deterministic for `seed`."""
    rng = random.Random(seed)
    return [record(rng, i) for i in range(n)]


def write_ndjson(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    import sys

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    for r in generate(count):
        print(json.dumps(r, ensure_ascii=False))
