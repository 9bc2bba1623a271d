//! The "Method" text of every report: how the threats were found and ranked. Our words;
//! STRIDE is Microsoft's threat classification (Kohnfelder and Garg, 1999; Shostack,
//! "Threat Modeling: Designing for Security", 2014).

/// Paragraphs, in order.
pub fn paragraphs() -> [&'static str; 5] {
    [
        "The system was decomposed into a dataflow diagram: external entities, processes, data stores, the flows between them, the trust boundaries they sit in, the data assets each flow carries and each store holds, and the inventory of APIs the system exposes or consumes. Every property of an element is either stated or explicitly unknown; the analysis tells \"no\" from \"not stated\".",
        "Threats were found STRIDE-style, per element and per interaction: spoofing, tampering, repudiation, information disclosure, denial of service and elevation of privilege, checked by a declarative rule library (including the OWASP API Security Top 10, 2023 edition) against the stated properties and against facts derived from the diagram — which boundaries a flow crosses, what untrusted parties can reach, which data is exposed, and the attack paths from untrusted entities to stores of sensitive data with the weakest control on each.",
        "Each rule gives a default likelihood and impact (1 to 5). Likelihood is raised for targets exposed to the internet and for unauthenticated ones, and lowered for targets untrusted parties cannot reach or reach only through four or more flows; impact follows the most valuable data asset involved, in the dimension the STRIDE category attacks. People may override a ranking with a recorded reason. Severity is the band of likelihood × impact shown below.",
        "Every threat keeps a stable identity across analyses (derived from its rule and its targets), so its reference, response and history stay attached as the model changes. Responses are recorded as statuses with what each status requires (an acceptance needs an approver, a reason and an expiry; an expired acceptance counts as open), mitigations are tracked with owner, ticket and due date, and reviewers sign off threats and model versions. Every change is written to a hash-chained audit log.",
        "A report is reproducible: the same project state gives the same document. Its fingerprint is the SHA-256 of the canonical YAML of the model with its register; `threatwright verify-report` recomputes it from the project file and says whether the report matches the current state or a signed baseline.",
    ]
}
