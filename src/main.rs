//! The `threatwright` command. All of it lives in `threatwright::cli`.

fn main() -> std::process::ExitCode {
    threatwright::cli::main()
}
