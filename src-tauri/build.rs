fn main() {
    // The built UI is embedded at compile time (custom-protocol): a new `npm run build`
    // must rebuild the app, which tauri-build does not ask Cargo for by itself (seen: an
    // E2E run against the previous UI).
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::build()
}
