//! `threatwright threat ...`: the register of a project file.

use super::args::{StatusArg, StrideArg, ThreatCommand};
use super::{Failure, Outcome, print, render};
use crate::model::{Stride, ThreatStatus};
use crate::rank::Override;
use crate::store::Project;
use std::path::Path;

fn stride(s: StrideArg) -> Stride {
    match s {
        StrideArg::Spoofing => Stride::Spoofing,
        StrideArg::Tampering => Stride::Tampering,
        StrideArg::Repudiation => Stride::Repudiation,
        StrideArg::InformationDisclosure => Stride::InformationDisclosure,
        StrideArg::DenialOfService => Stride::DenialOfService,
        StrideArg::ElevationOfPrivilege => Stride::ElevationOfPrivilege,
    }
}

fn project(file: &Path) -> Result<Project, Failure> {
    super::lifecycle::open(file)
}

fn status(s: StatusArg) -> ThreatStatus {
    match s {
        StatusArg::Open => ThreatStatus::Open,
        StatusArg::MitigationPlanned => ThreatStatus::MitigationPlanned,
        StatusArg::Mitigated => ThreatStatus::Mitigated,
        StatusArg::Accepted => ThreatStatus::Accepted,
        StatusArg::Transferred => ThreatStatus::Transferred,
        StatusArg::NotApplicable => ThreatStatus::NotApplicable,
    }
}

pub fn run(cmd: ThreatCommand) -> Outcome {
    match cmd {
        ThreatCommand::Add { file, title, target, stride: s, likelihood, impact, description } => {
            let mut p = project(&file)?;
            let model = p.load_model()?;
            let who = p.user().to_owned();
            let threat = crate::lifecycle::manual_threat(
                &model,
                &target,
                title,
                description,
                stride(s),
                likelihood,
                impact,
                &who,
            )
            .map_err(Failure::input)?;
            let reference = p.add_manual_threat(threat)?;
            print(&format!("{reference}\n"))
        }
        ThreatCommand::Rank { file, reference, likelihood, impact, reason, rules } => {
            if likelihood.is_none() && impact.is_none() {
                return Err(Failure::input("give --likelihood, --impact or both"));
            }
            if reason.trim().is_empty() {
                return Err(Failure::input("an override needs a --reason"));
            }
            let mut p = project(&file)?;
            let o = Override { likelihood, impact, reason, by: p.user().to_owned() };
            let model = p.load_model()?;
            let library = super::analyze::library(&rules.dirs, rules.builtin())?;
            // The override and the re-ranking it causes are one action.
            let (t, _) = p.override_ranking(&reference, &o, &model, &library)?;
            print(&render::threat_text(&t))
        }
        ThreatCommand::Set { file, reference, status: s, approver, expires, reason, transferred_to, sign_with } => {
            let mut p = project(&file)?;
            let req = crate::lifecycle::Request { status: s.map(status), approver, reason, expires, transferred_to };
            if let Some(key) = sign_with {
                crate::workflow::sign_status_change(&mut p, &key, &reference, &req).map_err(Failure::input)?;
            }
            let t = p.set_status(&reference, &req, crate::lifecycle::today())?;
            print(&format!("{}: {}\n", t.reference, render::status_text(&t)))
        }
        ThreatCommand::Show { file, reference } => {
            let p = super::lifecycle::open_to_read(&file)?;
            let t = p
                .register()?
                .into_iter()
                .find(|t| t.reference == reference)
                .ok_or_else(|| Failure::input(format!("no threat {reference} in the register")))?;
            let model = p.load_model()?;
            let mitigations: Vec<_> =
                p.mitigations()?.into_iter().filter(|m| m.threats.contains(&t.reference)).collect();
            let signoffs: Vec<_> = p
                .reviews()?
                .into_iter()
                .filter(|r| r.threat.as_deref() == Some(t.reference.as_str()))
                .map(|r| {
                    let holds = crate::lifecycle::review::threat_fingerprint(&t, &model) == r.fingerprint;
                    (r, holds)
                })
                .collect();
            let mut out = render::threat_text(&t);
            out.push_str(&render::response_text(&t, &mitigations, &signoffs));
            print(&out)
        }
    }
}
