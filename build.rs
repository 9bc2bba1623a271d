//! Embeds the built-in rule library (`models/rules/**/*.yaml`) in the binary, and derives
//! its version hash from the files' contents.

use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let rules = root.join("models/rules");
    println!("cargo::rerun-if-changed=models/rules");
    let mut files = Vec::new();
    collect(&rules, &mut files);
    files.sort();
    // FNV-1a over paths and contents: a short, stable fingerprint of the library.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut code = String::from("&[\n");
    for f in &files {
        println!("cargo::rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&root).expect("under the manifest dir").to_string_lossy().replace('\\', "/");
        let text = std::fs::read(f).expect("rule file readable");
        for byte in rel.as_bytes().iter().chain(text.iter()) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        code.push_str(&format!("    ({rel:?}, include_str!({:?})),\n", f.display().to_string()));
    }
    code.push_str("]\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("builtin_rules.rs"), code).expect("OUT_DIR writable");
    println!("cargo::rustc-env=THREATWRIGHT_RULES_HASH={:08x}", hash >> 32);
}
