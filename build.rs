//! Builds the live-figures module (crates/live) for `wasm32-wasip1`, which the nnbook binary
//! embeds (src/live.rs), so a book author needs no tool beyond nnbook. WASI rather than
//! `wasm32-unknown-unknown` because the module draws figures: plotters measures text there
//! with the same estimate as natively (on unknown-unknown it asks a canvas, absent in a
//! Worker), so the browser's SVG can be the build's byte for byte. The page gives it the few
//! WASI imports it needs (themes/default/static/live-wasi.js).
//!
//! Without the wasm32 target (`rustup target add wasm32-wasip1`) or when that build
//! fails, it warns and embeds nothing: nnbook itself still builds, and books with `live:`
//! get pages without the control and a warning.

use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip1";

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    for path in ["crates/live", "crates/engine", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-env-changed=NNBOOK_NO_LIVE");
    let wasm = match build(&root, &out) {
        Ok(bytes) => bytes,
        Err(why) => {
            println!("cargo:warning=live figures are off in this nnbook: {why}");
            Vec::new()
        }
    };
    if let Err(e) = std::fs::write(out.join("nnbook-live.wasm"), wasm) {
        // Without the file include_bytes! fails with a clear message of its own.
        println!("cargo:warning=cannot write the live module: {e}");
    }
}

fn build(root: &Path, out: &Path) -> Result<Vec<u8>, String> {
    if std::env::var_os("NNBOOK_NO_LIVE").is_some() {
        return Err("NNBOOK_NO_LIVE is set".into());
    }
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
    if !sysroot.join("lib/rustlib").join(TARGET).is_dir() {
        return Err(format!(
            "the {TARGET} target is not installed (`rustup target add {TARGET}`)"
        ));
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // A target folder of its own, so this build never waits for the lock of the build that
    // runs this script.
    let target_dir = out.join("live-target");
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args([
            "build",
            "--release",
            "--locked",
            "--offline",
            "-p",
            "nnbook-live",
        ])
        .args(["--target", TARGET])
        .arg("--target-dir")
        .arg(&target_dir);
    // The host build's settings (profile, flags, target folder, clippy's wrapper) must not
    // leak into this one; the jobserver (CARGO_MAKEFLAGS) is kept so the two share the cores.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        let keep = key == "CARGO_HOME" || key == "CARGO_MAKEFLAGS";
        if (key.starts_with("CARGO_") && !keep)
            || key.starts_with("RUSTC_")
            || key == "RUSTFLAGS"
            || key == "RUSTDOCFLAGS"
        {
            cmd.env_remove(key.as_ref());
        }
    }
    // Size and speed: one codegen unit with LTO (measured: ~300 kB, ~120 kB gzipped).
    cmd.env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3")
        .env("CARGO_PROFILE_RELEASE_LTO", "true")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_STRIP", "true");
    // Cargo reads this script's stdout for instructions: the inner build's goes to stderr.
    let status = cmd
        .stdout(std::io::stderr())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "building crates/live for {TARGET} failed ({status})"
        ));
    }
    let wasm = target_dir.join(TARGET).join("release/nnbook_live.wasm");
    std::fs::read(&wasm).map_err(|e| format!("cannot read {}: {e}", wasm.display()))
}
