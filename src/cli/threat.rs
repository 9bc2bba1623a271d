//! `threatwright threat ...`: the register of a project file.

use super::args::{StatusArg, StrideArg, ThreatCommand};
use super::{Failure, Outcome, print, render};
use crate::model::{Item, Key, Stride, Target, TargetKind, Threat, ThreatStatus};
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
            let key = Key::new(target.clone());
            let found = model
                .elements()
                .find(|e| *e.key() == key)
                .map(|e| {
                    let kind = match e.kind() {
                        crate::model::ElementKind::ExternalEntity => TargetKind::ExternalEntity,
                        crate::model::ElementKind::Process => TargetKind::Process,
                        crate::model::ElementKind::DataStore => TargetKind::DataStore,
                    };
                    Target { kind, key: key.clone(), id: e.id(), name: e.name().to_owned() }
                })
                .or_else(|| {
                    model.flows.iter().find(|f| f.key == key).map(|f| Target {
                        kind: TargetKind::Flow,
                        key: key.clone(),
                        id: f.id(),
                        name: f.display_name().to_owned(),
                    })
                })
                .or_else(|| {
                    model.apis.iter().find(|a| a.key == key).map(|a| Target {
                        kind: TargetKind::Api,
                        key: key.clone(),
                        id: a.id(),
                        name: a.display_name().to_owned(),
                    })
                })
                .or_else(|| {
                    model.data_assets.iter().find(|a| a.key == key).map(|a| Target {
                        kind: TargetKind::DataAsset,
                        key: key.clone(),
                        id: a.id(),
                        name: a.display_name().to_owned(),
                    })
                });
            let Some(target) = found else {
                let keys: Vec<String> = model.elements().map(|e| e.key().to_string()).collect();
                let hint = crate::model::suggest(&target, keys.iter().map(String::as_str))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(Failure::input(format!("the model has no item `{target}`{hint}")));
            };
            if title.trim().is_empty() {
                return Err(Failure::input("a threat needs a title"));
            }
            let threat = Threat {
                id: uuid::Uuid::new_v4(),
                reference: String::new(),
                rule: None,
                title,
                description,
                stride: stride(s),
                target,
                likelihood,
                impact,
                severity: crate::rank::severity(likelihood, impact),
                rationale: vec![format!("entered by hand by {}", p.user())],
                references: Default::default(),
                controls: Default::default(),
                mitigations: Default::default(),
                attack_path: Vec::new(),
                weakest_control: None,
                status: ThreatStatus::Open,
                response: Default::default(),
                previous_status: None,
                obsolete_since: None,
            };
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
            let t = p.override_ranking(&reference, &o)?;
            // Rule threats take the override when analysed: do it now, so the register is current.
            let t = if t.rule.is_some() {
                let library = super::analyze::library(&rules.dirs)?;
                p.analyze(&library)?;
                p.register()?.into_iter().find(|x| x.id == t.id).unwrap_or(t)
            } else {
                t
            };
            print(&render::threat_text(&t))
        }
        ThreatCommand::Set { file, reference, status: s, approver, expires, reason, transferred_to } => {
            let mut p = project(&file)?;
            let req = crate::lifecycle::Request { status: s.map(status), approver, reason, expires, transferred_to };
            let t = p.set_status(&reference, &req, crate::lifecycle::today())?;
            print(&format!("{}: {}\n", t.reference, render::status_text(&t)))
        }
        ThreatCommand::Show { file, reference } => {
            let p = project(&file)?;
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
