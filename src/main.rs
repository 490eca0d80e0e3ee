//! The `nnbook` command: argument parsing lives in `cli`.

fn main() -> std::process::ExitCode {
    nnbook::cli::main()
}
