//! `portal`: see `portal --help`.

fn main() -> std::process::ExitCode {
    portal_api::cli::main()
}
