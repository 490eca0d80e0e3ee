//! `nnbook explain E012`: print a diagnostic code's explanation (src/explain.rs); an unknown
//! code is a usage error with the nearest known one.

use std::process::ExitCode;

pub fn run(code: &str) -> ExitCode {
    match crate::explain::find(code) {
        Some(e) => {
            print!("{}", crate::explain::render(e));
            ExitCode::SUCCESS
        }
        None => {
            let codes: Vec<&str> = crate::explain::EXPLANATIONS
                .iter()
                .map(|e| e.code)
                .collect();
            eprintln!(
                "error: no explanation for `{code}`\n  = help: {}",
                crate::diag::did_you_mean(&code.to_ascii_uppercase(), &codes)
            );
            ExitCode::from(2)
        }
    }
}
