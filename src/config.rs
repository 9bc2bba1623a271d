//! The user's settings (who they are, for the audit log), in a small YAML file:
//! `$THREATWRIGHT_CONFIG`, else `$XDG_CONFIG_HOME/threatwright/config.yaml`, else
//! `~/.config/threatwright/config.yaml`.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default, skip_serializing_if = "User::is_empty")]
    pub user: User,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// The name written into the audit log and on sign-offs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl User {
    fn is_empty(&self) -> bool {
        self.name.is_none()
    }
}

/// Where the settings file is.
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("THREATWRIGHT_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|p| !p.is_empty()).map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("threatwright").join("config.yaml"))
}

/// Who is acting: `THREATWRIGHT_USER`, else the configured `user.name`, else the
/// operating-system user (`account::os_name`), else "unknown".
pub fn who(config: &Config) -> String {
    let env = |k: &str| std::env::var(k).ok().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    env("THREATWRIGHT_USER")
        .or_else(|| config.user.name.clone().filter(|s| !s.trim().is_empty()))
        .or_else(crate::account::os_name)
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The settings from [`path`]; defaults when there is no file or it cannot be read.
pub fn load() -> Option<Config> {
    let p = path()?;
    crate::io::yaml::read_settings::<Config>(&p).ok().flatten()
}
