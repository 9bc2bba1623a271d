//! Signing and checking approvals with OpenSSH's own `ssh-keygen -Y` (SSHSIG): the key
//! stays in the user's agent or key file — Threatwright hands the statement to
//! `ssh-keygen` and keeps the signature it prints. The only module that runs `ssh-keygen`.

use crate::lifecycle::approval::{NAMESPACE, Signature};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn run(args: &[&std::ffi::OsStr], input: &[u8]) -> Result<std::process::Output, String> {
    let mut child = Command::new("ssh-keygen")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run ssh-keygen (OpenSSH's, to sign with an SSH key): {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input).map_err(|e| format!("ssh-keygen: {e}"))?;
    }
    child.wait_with_output().map_err(|e| format!("ssh-keygen: {e}"))
}

/// Signs `statement` with `key`: a private key file, or a public key file whose private
/// half is in the running ssh-agent.
pub fn sign(key: &Path, statement: &str) -> Result<Signature, String> {
    if !key.exists() {
        return Err(format!("{}: no such key file", key.display()));
    }
    let o = run(
        &[
            "-Y".as_ref(),
            "sign".as_ref(),
            "-q".as_ref(),
            "-n".as_ref(),
            NAMESPACE.as_ref(),
            "-f".as_ref(),
            key.as_os_str(),
        ],
        statement.as_bytes(),
    )?;
    if !o.status.success() {
        return Err(format!(
            "{}: ssh-keygen could not sign: {}",
            key.display(),
            String::from_utf8_lossy(&o.stderr).trim()
        ));
    }
    let sshsig = String::from_utf8_lossy(&o.stdout).into_owned();
    let f = run(&["-l".as_ref(), "-f".as_ref(), key.as_os_str()], b"")?;
    let fp = String::from_utf8_lossy(&f.stdout);
    // "256 SHA256:abc… comment (ED25519)": the fingerprint and the type.
    let words: Vec<&str> = fp.split_whitespace().collect();
    let key_id = match (words.get(1), words.last()) {
        (Some(fp), Some(kind)) if fp.starts_with("SHA256:") => format!("{fp} {kind}"),
        _ => "unknown key".to_owned(),
    };
    Ok(Signature { statement: statement.to_owned(), sshsig, key: key_id, namespace: NAMESPACE.to_owned() })
}

/// Whether `signature` is a good SSHSIG signature of its statement (by whichever key it
/// names: whose key that is, an allowed-signers file says — `ssh-keygen -Y verify`).
/// `Ok(text)`: ssh-keygen's word for it; `Err`: why not.
pub fn check(signature: &Signature) -> Result<String, String> {
    let mut file = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
    file.write_all(signature.sshsig.as_bytes()).map_err(|e| e.to_string())?;
    let o = run(
        &[
            "-Y".as_ref(),
            "check-novalidate".as_ref(),
            "-n".as_ref(),
            signature.namespace.as_ref(),
            "-s".as_ref(),
            file.path().as_os_str(),
        ],
        signature.statement.as_bytes(),
    )?;
    let said = format!("{}{}", String::from_utf8_lossy(&o.stdout).trim(), String::from_utf8_lossy(&o.stderr).trim());
    if o.status.success() { Ok(said) } else { Err(said) }
}
