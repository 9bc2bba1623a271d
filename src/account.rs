//! Who runs this program, as the operating system knows them: recorded in every audit
//! entry beside the name the person configured, which anyone can set to anything.

/// The operating-system account: `name (uid N)` on Unix — the name looked up for the real
/// user id in `/etc/passwd`, else `$USER` — and `$USERNAME` elsewhere; "unknown" when
/// nothing says.
pub fn os_account() -> String {
    #[cfg(unix)]
    {
        // SAFETY: getuid has no preconditions and cannot fail.
        let uid = unsafe { libc::getuid() };
        let name = passwd_name(uid).or_else(|| env("USER")).or_else(|| env("LOGNAME"));
        match name {
            Some(n) => format!("{n} (uid {uid})"),
            None => format!("uid {uid}"),
        }
    }
    #[cfg(not(unix))]
    {
        env("USERNAME").unwrap_or_else(|| "unknown".to_owned())
    }
}

/// The operating-system account's name alone (`$USER` and friends, else the password
/// database), when known.
pub fn os_name() -> Option<String> {
    #[cfg(unix)]
    {
        // SAFETY: getuid has no preconditions and cannot fail.
        let uid = unsafe { libc::getuid() };
        env("USER").or_else(|| env("LOGNAME")).or_else(|| passwd_name(uid))
    }
    #[cfg(not(unix))]
    {
        env("USERNAME")
    }
}

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The account name of `uid` in `/etc/passwd` (`name:x:uid:...`).
#[cfg(unix)]
fn passwd_name(uid: u32) -> Option<String> {
    let text = std::fs::read_to_string("/etc/passwd").ok()?;
    text.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id = fields.nth(1)?;
        (id.parse::<u32>().ok()? == uid && !name.is_empty()).then(|| name.to_owned())
    })
}
