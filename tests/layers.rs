//! The layering of ../shared/DESIGN.md, enforced: every `src/**/*.rs` is read, the modules it
//! reaches through `crate::…` (in `use` lines or inline, `$crate::` and `super::` climbing out
//! of its module included) are collected, and an edge the design forbids fails the test. Code
//! in comments, strings and character literals is not code and is skipped.
//!
//! - the engine and the figures are crates of their own (crates/engine, crates/figures) that
//!   depend on nothing of nnbook, so the compiler rejects any edge out of them; this test
//!   checks their manifests say so, and that they name no `std::fs`, `std::path` or `std::net`
//!   (the engine takes arrays and returns arrays, the figures take data and return SVG; both
//!   build for wasm32);
//! - the show stage (a block's `show:` entries and results → figures, tables and their markup)
//!   reaches no page assembly or command (`site`, `cli`, `cmd`, `pipeline`, `serve`);
//! - the datasets layer reaches no training driver, plotting or page code (`run`, `figures`,
//!   `raster`, `site`, `pipeline`, `serve`, `cli`, `cmd`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Top-level modules a layer must not reach.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("show", &["site", "cli", "cmd", "pipeline", "serve"]),
    (
        "datasets",
        &[
            "run", "figures", "raster", "site", "pipeline", "serve", "cli", "cmd",
        ],
    ),
];

/// Paths of the standard library the engine and the figures must not name.
const CORE_STD: &[&str] = &["fs", "path", "net"];

/// The source with comments, string literals and character literals blanked out (newlines
/// kept), so only code is searched.
fn code_only(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    while i < c.len() {
        let next = c.get(i + 1).copied();
        if c[i] == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && next == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if c[i] == 'r'
            && (next == Some('"') || next == Some('#'))
            && !c[..i]
                .last()
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"…", r#"…"#, …
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            j += 1;
            while j < c.len() {
                if c[j] == '"' && (1..=hashes).all(|h| c.get(j + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                blank(&mut out, c[j]);
                j += 1;
            }
            i = j;
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                if let Some(&ch) = c.get(i) {
                    blank(&mut out, ch);
                }
                i += 1;
            }
            i += 1;
        } else if c[i] == '\'' {
            // A character literal ('x', '\n', '\u{1F600}'), else a lifetime or label.
            if next == Some('\\') {
                let end = (i + 2..c.len()).find(|&j| c[j] == '\'').unwrap_or(c.len());
                i = end + 1;
            } else if c.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                out.push(c[i]);
                i += 1;
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

fn is_ident(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_'
}

/// The identifiers starting each path in a `{…}` group (after its opening brace), at its top
/// level: `{diag::X, engine, self}` → diag, engine, self.
fn group_heads(rest: &str) -> Vec<String> {
    let mut heads: Vec<String> = Vec::new();
    let mut depth = 0;
    // Reading a head (Some), or waiting for the next one after a comma (None with `expect`).
    let mut head: Option<String> = None;
    let mut expect = true;
    for ch in rest.chars() {
        if let Some(h) = head.as_mut() {
            if is_ident(ch) {
                h.push(ch);
                continue;
            }
            heads.extend(head.take());
        }
        match ch {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => expect = true,
            c if depth == 0 && expect && is_ident(c) => {
                head = Some(c.to_string());
                expect = false;
            }
            _ => {}
        }
    }
    heads.extend(head);
    heads
}

/// Every path starting `prefix::` in `code` (not preceded by an identifier character), as the
/// identifiers that follow it (one, or a group's heads).
fn heads_after(code: &str, prefix: &str) -> Vec<String> {
    let pat = format!("{prefix}::");
    let mut out = Vec::new();
    for (at, _) in code.match_indices(&pat) {
        if code[..at].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let rest = code[at + pat.len()..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            out.extend(group_heads(group));
        } else {
            let head: String = rest.chars().take_while(|c| is_ident(*c)).collect();
            if !head.is_empty() {
                out.push(head);
            }
        }
    }
    out
}

/// The module path of a file under src/: `engine/data/csv.rs` → [engine, data, csv];
/// `engine/mod.rs` → [engine]; `lib.rs` → [].
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// Top-level modules a file's code reaches outside its own: through `crate::`, `$crate::` and
/// `super::` chains that climb out of it.
fn reached(module: &[String], code: &str) -> BTreeSet<String> {
    let own = module.first().cloned().unwrap_or_default();
    let mut out: BTreeSet<String> = heads_after(code, "crate").into_iter().collect();
    // `super::super::x`: climb from the file's module, then `x` is reached.
    let pat = "super::";
    for (at, _) in code.match_indices(pat) {
        if code[..at].chars().next_back().is_some_and(is_ident)
            || code[..at].trim_end().ends_with("::")
        {
            continue;
        }
        let mut rest = &code[at..];
        let mut depth: usize = 0;
        while let Some(r) = rest.strip_prefix(pat) {
            depth += 1;
            rest = r.trim_start();
        }
        // Inside `mod tests` of a file, `super` is the file's module: one level less.
        let inner = inline_depth(&code[..at]);
        let climbed = depth.saturating_sub(inner);
        if climbed < module.len() {
            continue;
        }
        if climbed > module.len() {
            out.insert("<above the crate>".into());
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            out.extend(group_heads(group));
        } else {
            let head: String = rest.chars().take_while(|c| is_ident(*c)).collect();
            out.insert(head);
        }
    }
    out.retain(|m| *m != own && m != "self" && m != "super" && !m.is_empty());
    out
}

/// How many inline `mod name {` blocks are open at the end of `code`.
fn inline_depth(code: &str) -> usize {
    let mut open: Vec<bool> = Vec::new();
    let mut pending_mod = false;
    let mut word = String::new();
    for ch in code.chars() {
        if is_ident(ch) {
            word.push(ch);
            continue;
        }
        if word == "mod" {
            pending_mod = true;
        }
        word.clear();
        match ch {
            '{' => {
                open.push(pending_mod);
                pending_mod = false;
            }
            '}' => {
                open.pop();
            }
            ';' => pending_mod = false,
            _ => {}
        }
    }
    open.iter().filter(|m| **m).count()
}

/// Names of `std` paths the code uses: `std::fs`, `use std::{fs, io}` → fs, io.
fn std_paths(code: &str) -> BTreeSet<String> {
    heads_after(code, "std").into_iter().collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Every forbidden edge of the source tree as `file → module` lines.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    assert!(
        files.len() > 50,
        "found only {} files in {src:?}",
        files.len()
    );
    let mut bad = Vec::new();
    for path in files {
        let rel = path.strip_prefix(src).unwrap();
        let shown = rel.to_string_lossy().replace('\\', "/");
        let module = module_of(rel);
        let code = code_only(&std::fs::read_to_string(&path).unwrap());
        let top = module.first().map_or("", String::as_str);
        let reach = reached(&module, &code);
        for (layer, forbidden) in FORBIDDEN {
            if top != *layer {
                continue;
            }
            for m in reach.iter().filter(|m| forbidden.contains(&m.as_str())) {
                bad.push(format!("{shown} → crate::{m} (forbidden for {layer})"));
            }
        }
    }
    bad
}

#[test]
fn the_layering_of_design_md_holds() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = violations(&src);
    assert!(
        bad.is_empty(),
        "edges ../shared/DESIGN.md forbids:\n{}",
        bad.join("\n")
    );
}

/// A crate of crates/ that depends on nothing of nnbook and names no files, paths or network.
fn knows_no_files(name: &str, at_least: usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("crates").join(name);
    assert!(
        !root.join("src").join(name).exists(),
        "{name} lives in crates/{name}, not src/{name}"
    );
    // Its dependencies: none of them nnbook's, and no path dependency at all (the workspace's
    // other crates are nnbook's).
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let deps = manifest
        .split("\n[")
        .filter(|t| t.starts_with("dependencies]") || t.contains("dependencies."))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        !deps.contains("nnbook") && !deps.contains("path"),
        "{name} depends on nnbook:\n{deps}"
    );
    let mut files = Vec::new();
    rust_files(&dir.join("src"), &mut files);
    assert!(
        files.len() >= at_least,
        "found only {} {name} files",
        files.len()
    );
    let mut bad = Vec::new();
    for path in files {
        let code = code_only(&std::fs::read_to_string(&path).unwrap());
        for s in std_paths(&code) {
            if CORE_STD.contains(&s.as_str()) {
                bad.push(format!("{} → std::{s}", path.display()));
            }
        }
    }
    assert!(bad.is_empty(), "{name} knows no files:\n{}", bad.join("\n"));
}

#[test]
fn the_engine_is_a_crate_that_knows_no_files() {
    knows_no_files("engine", 15);
}

#[test]
fn the_figures_are_a_crate_that_knows_no_files_or_pages() {
    knows_no_files("figures", 14);
}

#[test]
fn the_reader_finds_every_kind_of_edge() {
    let m = |s: &str| module_of(Path::new(s));
    let reach = |file: &str, src: &str| -> Vec<String> {
        reached(&m(file), &code_only(src)).into_iter().collect()
    };
    assert_eq!(m("engine/data/csv.rs"), ["engine", "data", "csv"]);
    assert_eq!(m("engine/mod.rs"), ["engine"]);
    assert!(m("lib.rs").is_empty());
    assert_eq!(
        reach("engine/a.rs", "use crate::diag::Diagnostic;"),
        ["diag"]
    );
    assert_eq!(
        reach(
            "engine/a.rs",
            "use crate::{engine::x, diag::{A, B}, spec::{self, C}};"
        ),
        ["diag", "spec"]
    );
    assert_eq!(
        reach("engine/a.rs", "fn f() { crate::diag::suggest(a, b) }"),
        ["diag"]
    );
    assert_eq!(reach("engine/a.rs", "$crate::run::x!()"), ["run"]);
    // Climbing out with `super::`, from a file and from its tests module.
    assert_eq!(
        reach("engine/data/a.rs", "use super::super::Dataset;"),
        [] as [&str; 0]
    );
    assert_eq!(reach("engine/a.rs", "use super::super::diag;"), ["diag"]);
    assert_eq!(reach("engine/mod.rs", "use super::config::X;"), ["config"]);
    assert_eq!(
        reach(
            "engine/a.rs",
            "mod tests { use super::super::super::spec::X; }"
        ),
        ["spec"]
    );
    assert_eq!(
        reach("engine/a.rs", "mod tests { use super::super::x; }"),
        [] as [&str; 0]
    );
    // Comments, strings and characters are not code.
    assert_eq!(
        reach(
            "engine/a.rs",
            "// crate::diag\n/* crate::spec */ let s = \"crate::run\"; let c = '\"'; let r = r#\"crate::site\"#; let q = b'\\''; fn f<'a>(x: &'a str) { crate::config::x() }"
        ),
        ["config"]
    );
    let uses = |src: &str| -> Vec<String> { std_paths(&code_only(src)).into_iter().collect() };
    assert_eq!(uses("use std::fs::File;"), ["fs"]);
    assert_eq!(uses("use std::{fmt, path::Path};"), ["fmt", "path"]);
    assert_eq!(uses("let p = std::net::TcpStream::connect(a);"), ["net"]);
    assert_eq!(uses("// std::fs\nlet x = nostd::fs::x;"), [] as [&str; 0]);
}
