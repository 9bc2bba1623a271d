//! The one way integration tests run the `threatwright` binary: hermetic, so that no test
//! reads the developer's own settings or identity. Every run gets the same user name
//! ("Ana Architect"), a settings path that does not exist, and no `SOURCE_DATE_EPOCH`
//! unless the test gives one.
#![allow(dead_code)] // each test crate uses the part it needs

use std::path::Path;
use std::process::{Command, Output};

/// The name every test run acts as.
pub const USER: &str = "Ana Architect";

/// A hermetic command for the binary, with `args`.
pub fn command(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_threatwright"));
    c.args(args)
        .env("THREATWRIGHT_USER", USER)
        .env("THREATWRIGHT_CONFIG", "/nonexistent/threatwright-test-config.yaml")
        .env_remove("SOURCE_DATE_EPOCH");
    c
}

/// Runs the binary with `args`.
pub fn tw(args: &[&str]) -> Output {
    command(args).output().expect("the threatwright binary runs")
}

/// Runs the binary with `args` under file-creation mask `umask` (through `sh`, which
/// sets it and then becomes the binary).
pub fn tw_umask(umask: u32, args: &[&str]) -> Output {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!("umask {umask:03o} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_threatwright"))
        .args(args)
        .env("THREATWRIGHT_USER", USER)
        .env("THREATWRIGHT_CONFIG", "/nonexistent/threatwright-test-config.yaml")
        .env_remove("SOURCE_DATE_EPOCH");
    c.output().expect("sh runs the threatwright binary")
}

/// Runs the binary with `args` and extra environment variables.
pub fn tw_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = command(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("the threatwright binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The exit code (-1 when killed by a signal).
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Runs `args` and asserts it exits 0; returns standard output.
pub fn ok(args: &[&str]) -> String {
    let o = tw(args);
    assert_eq!(code(&o), 0, "threatwright {}: {}{}", args.join(" "), stdout(&o), stderr(&o));
    stdout(&o)
}

/// The reference (`TW-0007`) of the live threat `rule` raised on `target` in a project
/// file, read from its JSON report: tests name threats by what they are, so a rule added
/// to the library (which renumbers the register) does not break them.
#[allow(dead_code)]
pub fn reference(project: &str, rule: &str, target: &str) -> String {
    let json: serde_json::Value = serde_json::from_str(&ok(&["report", project, "--format", "json"])).unwrap();
    let threats = json["threats"].as_array().expect("the report lists threats");
    threats
        .iter()
        .find(|t| t["rule"] == rule && t["target"]["key"] == target)
        .and_then(|t| t["reference"].as_str())
        .unwrap_or_else(|| panic!("no {rule} on {target} in {project}"))
        .to_owned()
}

/// A path as a `&str` argument.
pub fn arg(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

/// Runs SQL on a project file with the real `sqlite3` shell, as someone editing the file
/// by hand would.
pub fn sqlite3(db: &Path, sql: &str) {
    let o = Command::new("sqlite3").arg(db).arg(sql).output().expect("the sqlite3 shell is installed");
    assert!(o.status.success(), "sqlite3 {sql}: {}", String::from_utf8_lossy(&o.stderr));
}

/// One value out of a project file, read with the `sqlite3` shell.
pub fn sqlite3_value(db: &Path, sql: &str) -> String {
    let o = Command::new("sqlite3").arg(db).arg(sql).output().expect("the sqlite3 shell is installed");
    assert!(o.status.success(), "sqlite3 {sql}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// The SHA-256 of a file's bytes (to show a file was left untouched).
pub fn file_hash(p: &Path) -> String {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(p).expect("readable");
    Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
}
