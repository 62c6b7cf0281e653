//! Support-case sentences shared by the criterion bench and the
//! throughput example: most without names, some with names, places,
//! addresses and internal hosts.

pub const SENTENCES: &[&str] = &[
    "Customer reports that the export job fails after the upgrade to version 10.0.19041.1 with error 0x80070005.",
    "Agent note: asked the customer to clear the cache and retry; issue persists on build 4.2.17.",
    "Ticket INC0012345 escalated to tier 2 at 2024-03-05T10:22:11Z after KB5005565 was installed.",
    "The dashboard shows the wrong totals for the March invoice; numbers look doubled since Tuesday.",
    "Hi Priya, my colleague shaun leon in Calauan, PH cannot log in to Microsoft Teams either.",
    "Logs attached. Request id 3f2504e0-4f89-11d3-9a0c-0305e82c3301, region eu-west-1, latency 340 ms.",
    "Please ship the replacement to 4 Rue de la Paix, 75002 Paris before Friday.",
    "The payroll export on \\\\FS-FIN-02\\payroll cannot be reached from dc01.corp.contoso.local.",
    "Follow-up scheduled for next week; customer satisfied with the workaround for now.",
    "Order 123456789 shipped on 05/03/2024, tracking number pending from the carrier.",
    "Windows Server 2019 keeps rebooting after the cumulative update; the sync service stops.",
    "Thanks,\nMarcus Hoffmann\nSenior Systems Engineer",
];

/// The sentences repeated up to about `bytes` bytes.
pub fn corpus(bytes: usize) -> Vec<String> {
    SENTENCES
        .iter()
        .cycle()
        .scan(0usize, |total, s| {
            *total += s.len();
            (*total <= bytes).then(|| (*s).to_string())
        })
        .collect()
}
