//! Likelihood from exposure, impact from data: adjustments to a rule's defaults.

use super::bands;
use crate::model::props::{Classification, DataCategory, Need};
use crate::model::{DataAsset, RiskLevel, Stride};
use serde::Serialize;

/// The scheme, in words (printed by `threatwright rules ranking` and in reports).
pub const SCHEME: &str = "\
Likelihood starts from the rule's default and is adjusted by exposure:
  +1  the target is exposed to the internet (stated, or fed directly by an anonymous
      or internet entity)
   0  untrusted parties (users, partners, vendors) reach it through at most 3 flows
  -1  they reach it only through 4 or more flows (deep behind other components: an
      attack path that long needs several components to fail first)
  -1  no untrusted party can reach it through the flows of the model
  +1  it is reachable by untrusted parties and accepts calls without authentication
      (stated `authentication: none`)
Impact starts from the rule's default and is adjusted by the most valuable data asset
the target handles, in the dimension the threat attacks (information disclosure:
confidentiality; tampering and repudiation: integrity; denial of service:
availability; spoofing and elevation of privilege: the highest of the three):
  +1  a stated need of `high`, or restricted data, or cardholder data, credentials,
      secrets or health data (for confidentiality)
   0  a stated need of `medium`, or confidential, personal or financial data
  -1  a stated need of `low`, or internal data; public data for integrity
  -2  public data, for confidentiality
   0  no data assets stated: the default stands
A classification says how secret data is, not how much its loss of service hurts: for
availability only a stated `availability` need counts.
Both are kept between 1 and 5. A person may override either, with a reason that is
recorded and shown next to the threat.
";

/// Attack paths longer than this many flows lower the likelihood.
const DEEP: u32 = 3;

/// What makes a threat more or less likely.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Exposure {
    /// Applies at all (false for threats about external entities or the whole model).
    pub applies: bool,
    pub internet_exposed: bool,
    /// Distance in flows from the nearest untrusted entity, if any reaches.
    pub untrusted_distance: Option<u32>,
    /// Stated `authentication: none` on the target (or, for a flow, its receiver).
    pub unauthenticated: bool,
}

/// The data a threat puts at risk.
#[derive(Clone, Debug, Default)]
pub struct DataAtRisk<'a> {
    pub assets: Vec<&'a DataAsset>,
}

/// A person's override of the computed values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Override {
    pub likelihood: Option<u8>,
    pub impact: Option<u8>,
    pub reason: String,
    pub by: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ranking {
    pub likelihood: u8,
    pub impact: u8,
    pub severity: RiskLevel,
    pub rationale: Vec<String>,
}

fn clamp(v: i16) -> u8 {
    v.clamp(1, 5) as u8
}

/// Value of an asset (-2..=+1) in one dimension of confidentiality, integrity, availability.
fn asset_value(a: &DataAsset, dim: Dim) -> (i16, &'static str) {
    let need = match dim {
        Dim::Confidentiality => a.confidentiality,
        Dim::Integrity => a.integrity,
        Dim::Availability => a.availability,
    };
    if let Some(n) = need {
        return match n {
            Need::High => (1, "high"),
            Need::Medium => (0, "medium"),
            Need::Low => (-1, "low"),
        };
    }
    if matches!(dim, Dim::Availability) {
        return (0, "no stated availability need");
    }
    let critical_category = a.categories.iter().any(|c| {
        matches!(c, DataCategory::Cardholder | DataCategory::Credentials | DataCategory::Secrets | DataCategory::Health)
    });
    match (a.classification, dim) {
        (Some(Classification::Restricted), _) => (1, "restricted"),
        (_, Dim::Confidentiality) if critical_category => (1, "sensitive category"),
        (Some(Classification::Confidential), _) => (0, "confidential"),
        (_, Dim::Confidentiality)
            if a.categories.iter().any(|c| matches!(c, DataCategory::Personal | DataCategory::Financial)) =>
        {
            (0, "personal or financial")
        }
        (Some(Classification::Internal), Dim::Confidentiality) => (-1, "internal"),
        (Some(Classification::Internal), _) => (0, "internal"),
        (Some(Classification::Public), Dim::Confidentiality) => (-2, "public"),
        (Some(Classification::Public), _) => (-1, "public"),
        (None, _) => (0, "unclassified"),
    }
}

#[derive(Clone, Copy)]
enum Dim {
    Confidentiality,
    Integrity,
    Availability,
}

impl Dim {
    fn name(self) -> &'static str {
        match self {
            Dim::Confidentiality => "confidentiality",
            Dim::Integrity => "integrity",
            Dim::Availability => "availability",
        }
    }
}

fn dims(stride: Stride) -> &'static [Dim] {
    match stride {
        Stride::InformationDisclosure => &[Dim::Confidentiality],
        Stride::Tampering | Stride::Repudiation => &[Dim::Integrity],
        Stride::DenialOfService => &[Dim::Availability],
        Stride::Spoofing | Stride::ElevationOfPrivilege => &[Dim::Confidentiality, Dim::Integrity, Dim::Availability],
    }
}

/// Ranks a threat: the rule's defaults adjusted by exposure and data, then the override.
pub fn rank(
    default_likelihood: u8,
    default_impact: u8,
    stride: Stride,
    exposure: &Exposure,
    data: &DataAtRisk<'_>,
    over: Option<&Override>,
) -> Ranking {
    let mut rationale = Vec::new();
    let mut l = i16::from(default_likelihood);
    if exposure.applies {
        if exposure.internet_exposed {
            l += 1;
            rationale.push("likelihood +1: exposed to the internet".to_owned());
        } else if let Some(d) = exposure.untrusted_distance.filter(|&d| d <= DEEP) {
            rationale.push(format!(
                "likelihood +0: reachable from untrusted parties in {d} step{}",
                if d == 1 { "" } else { "s" }
            ));
        } else if let Some(d) = exposure.untrusted_distance {
            l -= 1;
            rationale.push(format!("likelihood -1: untrusted parties reach it only through {d} flows"));
        } else {
            l -= 1;
            rationale.push("likelihood -1: no untrusted party can reach it".to_owned());
        }
        if exposure.unauthenticated && (exposure.internet_exposed || exposure.untrusted_distance.is_some()) {
            l += 1;
            rationale.push("likelihood +1: reachable and accepts unauthenticated calls".to_owned());
        }
    }

    let mut i = i16::from(default_impact);
    let mut best: Option<(i16, String)> = None;
    for a in &data.assets {
        for &d in dims(stride) {
            let (v, why) = asset_value(a, d);
            if best.as_ref().is_none_or(|(b, _)| v > *b) {
                best = Some((v, format!("{} ({why} {})", a.key, d.name())));
            }
        }
    }
    match best {
        Some((v, what)) => {
            i += v;
            rationale.push(format!("impact {v:+}: most valuable data is {what}"));
        }
        None => rationale.push("impact +0: no data assets stated".to_owned()),
    }

    let mut likelihood = clamp(l);
    let mut impact = clamp(i);
    if let Some(o) = over {
        if let Some(ol) = o.likelihood {
            rationale.push(format!("likelihood set to {ol} (was {likelihood}) by {}: {}", o.by, o.reason));
            likelihood = ol.clamp(1, 5);
        }
        if let Some(oi) = o.impact {
            rationale.push(format!("impact set to {oi} (was {impact}) by {}: {}", o.by, o.reason));
            impact = oi.clamp(1, 5);
        }
    }
    Ranking { likelihood, impact, severity: bands::severity(likelihood, impact), rationale }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Key;
    use std::collections::BTreeSet;

    fn asset(class: Option<Classification>, cats: &[DataCategory], conf: Option<Need>) -> DataAsset {
        DataAsset {
            key: Key::from("a"),
            id: None,
            name: None,
            description: None,
            owner: None,
            classification: class,
            categories: cats.iter().copied().collect::<BTreeSet<_>>(),
            confidentiality: conf,
            integrity: None,
            availability: None,
            purpose: None,
            lifetime_minutes: None,
            tags: BTreeSet::new(),
        }
    }

    fn exposure(internet: bool, dist: Option<u32>, unauth: bool) -> Exposure {
        Exposure { applies: true, internet_exposed: internet, untrusted_distance: dist, unauthenticated: unauth }
    }

    #[test]
    fn likelihood_table() {
        let none = DataAtRisk::default();
        // (default, exposure, expected likelihood)
        let cases = [
            (3, exposure(true, Some(1), false), 4),
            (3, exposure(true, Some(1), true), 5),
            (5, exposure(true, Some(1), true), 5),
            (3, exposure(false, Some(3), false), 3),
            (3, exposure(false, Some(3), true), 4),
            (3, exposure(false, Some(4), false), 2),
            (3, exposure(false, Some(6), true), 3),
            (3, exposure(false, None, false), 2),
            (3, exposure(false, None, true), 2),
            (1, exposure(false, None, false), 1),
            (3, Exposure::default(), 3),
        ];
        for (default, e, want) in cases {
            assert_eq!(rank(default, 3, Stride::Spoofing, &e, &none, None).likelihood, want, "{e:?}");
        }
    }

    #[test]
    fn impact_table() {
        use Classification::*;
        use DataCategory::*;
        let e = Exposure::default();
        let cases = [
            (Stride::InformationDisclosure, asset(Some(Restricted), &[], None), 4),
            (Stride::InformationDisclosure, asset(Some(Internal), &[Cardholder], None), 4),
            (Stride::InformationDisclosure, asset(Some(Confidential), &[Personal], None), 3),
            (Stride::InformationDisclosure, asset(Some(Internal), &[], None), 2),
            (Stride::InformationDisclosure, asset(Some(Public), &[], None), 1),
            (Stride::InformationDisclosure, asset(Some(Public), &[], Some(Need::High)), 4),
            (Stride::Tampering, asset(Some(Public), &[], None), 2),
            (Stride::DenialOfService, asset(Some(Internal), &[Credentials], None), 3),
            // A classification is about secrecy: availability takes only a stated need.
            (Stride::DenialOfService, asset(Some(Restricted), &[Cardholder], None), 3),
            (Stride::DenialOfService, asset(Some(Public), &[], None), 3),
            (Stride::DenialOfService, DataAsset { availability: Some(Need::High), ..asset(None, &[], None) }, 4),
            (
                Stride::DenialOfService,
                DataAsset { availability: Some(Need::Low), ..asset(Some(Restricted), &[], None) },
                2,
            ),
            (Stride::Spoofing, asset(Some(Internal), &[Credentials], None), 4),
        ];
        for (stride, a, want) in cases {
            let data = DataAtRisk { assets: vec![&a] };
            assert_eq!(rank(3, 3, stride, &e, &data, None).impact, want, "{stride:?} {a:?}");
        }
        let none = rank(3, 3, Stride::Tampering, &e, &DataAtRisk::default(), None);
        assert_eq!((none.impact, none.rationale.last().unwrap().as_str()), (3, "impact +0: no data assets stated"));
    }

    #[test]
    fn the_most_valuable_asset_counts_and_overrides_are_explained() {
        let public = asset(Some(Classification::Public), &[], None);
        let secret = asset(Some(Classification::Restricted), &[DataCategory::Secrets], None);
        let data = DataAtRisk { assets: vec![&public, &secret] };
        let e = exposure(true, Some(1), false);
        let r = rank(3, 4, Stride::InformationDisclosure, &e, &data, None);
        assert_eq!((r.likelihood, r.impact, r.severity), (4, 5, RiskLevel::Critical));
        let o = Override { likelihood: Some(2), impact: None, reason: "WAF blocks it".into(), by: "ana".into() };
        let r = rank(3, 4, Stride::InformationDisclosure, &e, &data, Some(&o));
        assert_eq!((r.likelihood, r.impact, r.severity), (2, 5, RiskLevel::Medium));
        assert_eq!(r.rationale.last().unwrap(), "likelihood set to 2 (was 4) by ana: WAF blocks it");
    }
}
