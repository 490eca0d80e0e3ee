//! The `nnbook` command: arguments are defined in `cli`, the commands run in `cmd`.

fn main() -> std::process::ExitCode {
    nnbook::cmd::main()
}
