//! Threat status: the transitions people may make, and what each status requires. The
//! one place that decides; the CLI and the desktop app only ask.

use super::{Date, parse_date};
use crate::model::{Mitigation, Response, Threat, ThreatStatus};

use ThreatStatus::*;

/// Which statuses a person may move a threat to, from each status. `Obsolete` is the
/// engine's alone: a threat becomes obsolete when its rule stops firing, and gets its
/// previous status back when the rule fires again.
pub const TRANSITIONS: &[(ThreatStatus, &[ThreatStatus])] = &[
    (Open, &[MitigationPlanned, Mitigated, Accepted, Transferred, NotApplicable]),
    (MitigationPlanned, &[Open, Mitigated, Accepted, Transferred, NotApplicable]),
    // A mitigation that stops working reopens the threat, or plans a new one.
    (Mitigated, &[Open, MitigationPlanned]),
    // An acceptance can be renewed (accepted again, with a new expiry) or replaced.
    (Accepted, &[Open, MitigationPlanned, Mitigated, Accepted, Transferred, NotApplicable]),
    (Transferred, &[Open, MitigationPlanned, Accepted]),
    (NotApplicable, &[Open]),
    (Obsolete, &[]),
];

/// Whether a person may move a threat from `from` to `to`.
pub fn allowed(from: ThreatStatus, to: ThreatStatus) -> bool {
    TRANSITIONS.iter().any(|(f, tos)| *f == from && tos.contains(&to))
}

/// The decision fields a status needs (the names of `Response`'s fields, as in YAML),
/// besides linked mitigations (see [`needs_mitigation`]). `requirements` enforces them.
pub fn fields_needed(status: ThreatStatus) -> &'static [&'static str] {
    match status {
        Accepted => &["approver", "reason", "expires"],
        Transferred => &["transferred_to"],
        NotApplicable => &["reason"],
        _ => &[],
    }
}

/// Whether a status needs a linked mitigation (mitigated: one implemented or verified).
pub fn needs_mitigation(status: ThreatStatus) -> bool {
    matches!(status, MitigationPlanned | Mitigated)
}

/// Where a person may move a threat from `from`.
pub fn next_statuses(from: ThreatStatus) -> &'static [ThreatStatus] {
    TRANSITIONS.iter().find(|(f, _)| *f == from).map_or(&[], |(_, tos)| tos)
}

/// What a person asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    pub status: Option<ThreatStatus>,
    pub approver: Option<String>,
    pub reason: Option<String>,
    pub expires: Option<String>,
    pub transferred_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("{reference} cannot go from {from} to {to}; from {from} it can go to {allowed}")]
    Forbidden { reference: String, from: &'static str, to: &'static str, allowed: String },
    #[error("{reference} is obsolete: its rule no longer fires; obsolete threats change only when the model does")]
    Obsolete { reference: String },
    #[error("only the analysis marks threats obsolete")]
    EngineOnly,
    #[error("{status} needs {what}")]
    Missing { status: &'static str, what: &'static str },
    #[error("`{value}` is not a date; write it as YYYY-MM-DD")]
    BadDate { value: String },
    #[error("the acceptance would expire on {expires}, which is not after today ({today})")]
    ExpiryPassed { expires: String, today: String },
    #[error("{status} needs at least one linked mitigation")]
    NeedsMitigation { status: &'static str },
    #[error("mitigated needs a linked mitigation that is implemented or verified; {count} linked, none in place")]
    NeedsImplemented { count: usize },
    #[error("a ranking override needs {0}")]
    Override(&'static str),
    #[error("a mitigation needs a title")]
    Untitled,
    #[error("a sign-off needs a reviewer")]
    NoReviewer,
    #[error("{reference} is obsolete: there is nothing to sign off")]
    NothingToSign { reference: String },
    /// An approval (an acceptance, a sign-off, a baseline) recorded by, or naming, nobody.
    #[error("{what} needs a known person: {why}")]
    Anonymous { what: &'static str, why: &'static str },
}

/// What a status can need, in words (the front doors say how to give it).
pub struct Needed;

impl Needed {
    pub const APPROVER: &'static str = "an approver";
    pub const REASON: &'static str = "a reason";
    pub const EXPIRY: &'static str = "an expiry date";
    pub const PARTY: &'static str = "the party it is transferred to";
}

/// A mitigation's title as it is kept (trimmed); refused when blank.
pub fn mitigation_title(title: &str) -> Result<&str, LifecycleError> {
    Some(title.trim()).filter(|t| !t.is_empty()).ok_or(LifecycleError::Untitled)
}

/// Refuses a sign-off without a reviewer, or of a threat that is obsolete.
pub fn check_sign_off(reviewer: &str, threat: Option<&Threat>) -> Result<(), LifecycleError> {
    if reviewer.trim().is_empty() {
        return Err(LifecycleError::NoReviewer);
    }
    match threat {
        Some(t) if t.status == Obsolete => Err(LifecycleError::NothingToSign { reference: t.reference.clone() }),
        _ => Ok(()),
    }
}

/// Whether a name says nobody: empty, or the placeholder an unconfigured user gets.
pub fn is_anonymous(name: &str) -> bool {
    let n = name.trim();
    n.is_empty() || n.eq_ignore_ascii_case("unknown")
}

/// Refuses an approval recorded by nobody in particular (see [`is_anonymous`]).
pub fn check_approver(what: &'static str, who: &str) -> Result<(), LifecycleError> {
    if is_anonymous(who) {
        return Err(LifecycleError::Anonymous { what, why: "the user's name is not set" });
    }
    Ok(())
}

/// Checks a person's override of a threat's ranking: a likelihood or an impact (or both),
/// each from 1 to 5, and the reason for it.
pub fn check_override(o: &crate::rank::Override) -> Result<(), LifecycleError> {
    if o.likelihood.is_none() && o.impact.is_none() {
        return Err(LifecycleError::Override("a likelihood, an impact or both"));
    }
    if [o.likelihood, o.impact].into_iter().flatten().any(|v| !(1..=5).contains(&v)) {
        return Err(LifecycleError::Override("values from 1 to 5"));
    }
    if o.reason.trim().is_empty() {
        return Err(LifecycleError::Override("a reason"));
    }
    Ok(())
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_ref().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Checks that `status` with `response` and the linked `mitigations` is complete. Used for
/// a person's change (with `today` to refuse expired acceptances) and to check registers
/// read from YAML (without `today`: an expired acceptance in a file is a fact to report,
/// not a mistake in the file).
pub fn requirements(
    status: ThreatStatus,
    response: &Response,
    mitigations: &[&Mitigation],
    today: Option<Date>,
) -> Result<(), LifecycleError> {
    let missing = |what| Err(LifecycleError::Missing { status: status.as_str(), what });
    match status {
        Accepted => {
            if non_empty(&response.approver).is_none() {
                return missing(Needed::APPROVER);
            }
            if non_empty(&response.reason).is_none() {
                return missing(Needed::REASON);
            }
            let Some(expires) = non_empty(&response.expires) else {
                return missing(Needed::EXPIRY);
            };
            let Some(date) = parse_date(&expires) else {
                return Err(LifecycleError::BadDate { value: expires });
            };
            if let Some(today) = today
                && date <= today
            {
                return Err(LifecycleError::ExpiryPassed { expires, today: today.to_string() });
            }
        }
        Transferred if non_empty(&response.transferred_to).is_none() => {
            return missing(Needed::PARTY);
        }
        NotApplicable if non_empty(&response.reason).is_none() => return missing(Needed::REASON),
        MitigationPlanned if mitigations.is_empty() => {
            return Err(LifecycleError::NeedsMitigation { status: status.as_str() });
        }
        Mitigated if mitigations.is_empty() => return Err(LifecycleError::NeedsMitigation { status: status.as_str() }),
        Mitigated if !mitigations.iter().any(|m| m.status.in_place()) => {
            return Err(LifecycleError::NeedsImplemented { count: mitigations.len() });
        }
        _ => {}
    }
    Ok(())
}

/// Applies a person's request to a threat: the new status and response, or why not.
/// Fields that do not belong to the new status are cleared, so the response always
/// describes the current decision.
pub fn apply(
    threat: &Threat,
    req: &Request,
    mitigations: &[&Mitigation],
    today: Date,
    who: &str,
    now: &str,
) -> Result<(ThreatStatus, Response), LifecycleError> {
    let to = req.status.unwrap_or(threat.status);
    if to == Obsolete {
        return Err(LifecycleError::EngineOnly);
    }
    if to == Accepted {
        check_approver("an acceptance", who)?;
        if req.approver.as_deref().is_some_and(is_anonymous) {
            return Err(LifecycleError::Anonymous { what: "an acceptance", why: "its approver is named \"unknown\"" });
        }
    }
    if threat.status == Obsolete {
        return Err(LifecycleError::Obsolete { reference: threat.reference.clone() });
    }
    // Keeping the status while changing its fields (a new expiry, another approver) is
    // not a move; a move must be in the table.
    if to != threat.status && !allowed(threat.status, to) {
        let allowed: Vec<&str> = TRANSITIONS
            .iter()
            .find(|(f, _)| *f == threat.status)
            .map(|(_, tos)| tos.iter().map(|s| s.as_str()).collect())
            .unwrap_or_default();
        return Err(LifecycleError::Forbidden {
            reference: threat.reference.clone(),
            from: threat.status.as_str(),
            to: to.as_str(),
            allowed: if allowed.is_empty() { "nothing".to_owned() } else { allowed.join(", ") },
        });
    }
    // Start from the current decision when the status stays; from nothing when it moves.
    let base = if to == threat.status { threat.response.clone() } else { Response::default() };
    let pick = |new: &Option<String>, old: Option<String>| non_empty(new).or(old);
    let mut r = Response {
        approver: None,
        reason: None,
        expires: None,
        transferred_to: None,
        decided_by: Some(who.to_owned()),
        decided_at: Some(now.to_owned()),
    };
    match to {
        Accepted => {
            r.approver = pick(&req.approver, base.approver);
            r.reason = pick(&req.reason, base.reason);
            r.expires = pick(&req.expires, base.expires).map(|e| parse_date(&e).map_or(e, |d| d.to_string()));
        }
        Transferred => {
            r.transferred_to = pick(&req.transferred_to, base.transferred_to);
            r.reason = pick(&req.reason, base.reason);
        }
        NotApplicable => r.reason = pick(&req.reason, base.reason),
        Open | MitigationPlanned | Mitigated => r.reason = non_empty(&req.reason),
        Obsolete => {}
    }
    requirements(to, &r, mitigations, Some(today))?;
    Ok((to, r))
}

/// Whether an acceptance has run out (its expiry date is before `today`).
pub fn is_expired(t: &Threat, today: Date) -> bool {
    expired(t.status, &t.response, today)
}

/// Whether a threat with this status and response is an acceptance past its expiry (or
/// without a readable one).
pub fn expired(status: ThreatStatus, response: &Response, today: Date) -> bool {
    status == Accepted && response.expires.as_deref().and_then(parse_date).is_none_or(|d| d < today)
}

/// The status that counts: an expired acceptance counts as open.
pub fn effective_status(t: &Threat, today: Date) -> ThreatStatus {
    if is_expired(t, today) { Open } else { t.status }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MitigationStatus, Target, TargetKind};

    fn threat(status: ThreatStatus) -> Threat {
        Threat {
            id: uuid::Uuid::nil(),
            reference: "TW-0007".into(),
            rule: Some("R".into()),
            title: "t".into(),
            description: String::new(),
            stride: crate::model::Stride::Spoofing,
            also_stride: Vec::new(),
            target: Target { kind: TargetKind::Process, key: "api".into(), id: uuid::Uuid::nil(), name: "api".into() },
            likelihood: 3,
            impact: 3,
            severity: crate::model::RiskLevel::Medium,
            rationale: Vec::new(),
            references: Default::default(),
            controls: Default::default(),
            mitigations: Default::default(),
            attack_path: Vec::new(),
            weakest_control: None,
            status,
            response: Response::default(),
            previous_status: None,
            obsolete_since: None,
        }
    }

    fn mitigation(status: MitigationStatus) -> Mitigation {
        Mitigation {
            reference: "M-0001".into(),
            id: uuid::Uuid::nil(),
            title: "m".into(),
            description: String::new(),
            status,
            owner: None,
            ticket: None,
            due: None,
            template: None,
            threats: vec!["TW-0007".into()],
        }
    }

    fn today() -> Date {
        parse_date("2026-11-27").unwrap()
    }

    #[test]
    fn the_transition_table() {
        // Every (from, to) pair, as a table: 1 = allowed.
        let expected = [
            // open, planned, mitigated, accepted, transferred, n/a, obsolete
            (Open, [0, 1, 1, 1, 1, 1, 0]),
            (MitigationPlanned, [1, 0, 1, 1, 1, 1, 0]),
            (Mitigated, [1, 1, 0, 0, 0, 0, 0]),
            (Accepted, [1, 1, 1, 1, 1, 1, 0]),
            (Transferred, [1, 1, 0, 1, 0, 0, 0]),
            (NotApplicable, [1, 0, 0, 0, 0, 0, 0]),
            (Obsolete, [0, 0, 0, 0, 0, 0, 0]),
        ];
        for (from, row) in expected {
            for (to, want) in ThreatStatus::ALL.iter().zip(row) {
                assert_eq!(allowed(from, *to), want == 1, "{} -> {}", from.as_str(), to.as_str());
            }
        }
    }

    #[test]
    fn accepting_needs_approver_reason_and_a_future_expiry() {
        let t = threat(Open);
        let req = |a: Option<&str>, r: Option<&str>, e: Option<&str>| Request {
            status: Some(Accepted),
            approver: a.map(str::to_owned),
            reason: r.map(str::to_owned),
            expires: e.map(str::to_owned),
            transferred_to: None,
        };
        let run = |rq: Request| apply(&t, &rq, &[], today(), "ana", "now").map(|(s, _)| s);
        assert_eq!(
            run(req(None, Some("r"), Some("2027-01-01"))),
            Err(LifecycleError::Missing { status: "accepted", what: Needed::APPROVER })
        );
        assert_eq!(
            run(req(Some("cto"), Some("  "), Some("2027-01-01"))),
            Err(LifecycleError::Missing { status: "accepted", what: Needed::REASON })
        );
        assert_eq!(
            run(req(Some("cto"), Some("r"), None)),
            Err(LifecycleError::Missing { status: "accepted", what: Needed::EXPIRY })
        );
        assert_eq!(
            run(req(Some("cto"), Some("r"), Some("next year"))),
            Err(LifecycleError::BadDate { value: "next year".into() })
        );
        assert!(matches!(
            run(req(Some("cto"), Some("r"), Some("2026-11-27"))),
            Err(LifecycleError::ExpiryPassed { .. })
        ));
        let (s, r) = apply(
            &t,
            &req(Some("cto"), Some("compensating WAF rule"), Some("2027-03-31")),
            &[],
            today(),
            "ana",
            "2026-11-27T10:00:00Z",
        )
        .unwrap();
        assert_eq!(s, Accepted);
        assert_eq!(
            (r.approver.as_deref(), r.expires.as_deref(), r.decided_by.as_deref()),
            (Some("cto"), Some("2027-03-31"), Some("ana"))
        );
    }

    #[test]
    fn other_statuses_and_their_requirements() {
        let open = threat(Open);
        let to = |s: ThreatStatus| Request { status: Some(s), ..Request::default() };
        assert!(matches!(apply(&open, &to(Transferred), &[], today(), "a", "n"), Err(LifecycleError::Missing { .. })));
        let mut rq = to(Transferred);
        rq.transferred_to = Some("cyber insurer".into());
        assert!(apply(&open, &rq, &[], today(), "a", "n").is_ok());
        assert!(matches!(
            apply(&open, &to(NotApplicable), &[], today(), "a", "n"),
            Err(LifecycleError::Missing { .. })
        ));
        assert_eq!(
            apply(&open, &to(MitigationPlanned), &[], today(), "a", "n").unwrap_err(),
            LifecycleError::NeedsMitigation { status: "mitigation-planned" }
        );
        let planned = mitigation(MitigationStatus::Planned);
        assert!(apply(&open, &to(MitigationPlanned), &[&planned], today(), "a", "n").is_ok());
        assert_eq!(
            apply(&open, &to(Mitigated), &[&planned], today(), "a", "n").unwrap_err(),
            LifecycleError::NeedsImplemented { count: 1 }
        );
        let done = mitigation(MitigationStatus::Implemented);
        assert!(apply(&open, &to(Mitigated), &[&planned, &done], today(), "a", "n").is_ok());
        // Forbidden moves say what is allowed.
        let na = threat(NotApplicable);
        assert_eq!(
            apply(&na, &to(Mitigated), &[&done], today(), "a", "n").unwrap_err().to_string(),
            "TW-0007 cannot go from not-applicable to mitigated; from not-applicable it can go to open"
        );
        assert_eq!(apply(&open, &to(Obsolete), &[], today(), "a", "n").unwrap_err(), LifecycleError::EngineOnly);
        assert!(matches!(
            apply(&threat(Obsolete), &to(Open), &[], today(), "a", "n"),
            Err(LifecycleError::Obsolete { .. })
        ));
    }

    #[test]
    fn expired_acceptances_count_as_open() {
        let mut t = threat(Accepted);
        t.response.expires = Some("2026-11-26".into());
        assert!(is_expired(&t, today()));
        assert_eq!(effective_status(&t, today()), Open);
        t.response.expires = Some("2026-11-27".into());
        assert!(!is_expired(&t, today()), "valid through its expiry day");
        assert_eq!(effective_status(&t, today()), Accepted);
        assert_eq!(effective_status(&threat(Mitigated), today()), Mitigated);
    }
}
