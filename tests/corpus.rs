//! The bad-input corpus: every `tests/corpus/<case>/` is a tiny book with one mistake and an
//! `expect` file:
//!
//! ```text
//! exit: 1                      # 1 for content errors, 2 for usage errors, 0 for recoverable input
//! code: E012                   # the diagnostic code the build must report
//! at: content/01-a.md:6:32     # where (`file`, `file:line` or `file:line:col`)
//! setup: huge content/01-a.md  # optional: inputs that cannot be committed as files
//! ```
//!
//! Each case is built with the real binary, in human and JSON message formats, over a previous
//! `site/`. The run must exit with the expected code, name the code and the position, print no
//! panic or backtrace, and leave the previous site byte-identical.

mod common;

use std::path::Path;

use common::*;

struct Expect {
    exit: i32,
    code: Option<String>,
    at: Option<String>,
    setup: Option<String>,
}

fn expect(dir: &Path) -> Expect {
    let text = read(dir.join("expect"));
    let mut e = Expect {
        exit: 1,
        code: None,
        at: None,
        setup: None,
    };
    for line in text.lines() {
        let line = line.split(" #").next().unwrap().trim();
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim().to_string();
        match k.trim() {
            "exit" => e.exit = v.parse().unwrap(),
            "code" => e.code = Some(v),
            "at" => e.at = Some(v),
            "setup" => e.setup = Some(v),
            other => panic!("{}: unknown expect key {other}", dir.display()),
        }
    }
    e
}

/// Inputs that cannot be committed: a file over the size limit, symlinks.
fn setup(book: &Path, setup: &str) {
    let words: Vec<&str> = setup.split_whitespace().collect();
    match words.as_slice() {
        ["huge", file] => {
            let line = "All work and no play makes a very large chapter. ".repeat(20) + "\n";
            let text = line.repeat(9 * 1024 * 1024 / line.len() + 1);
            std::fs::write(book.join(file), text).unwrap();
        }
        ["symlink-loop", file] => {
            let a = book.join(file);
            let b = book.join(format!("{file}.other"));
            std::os::unix::fs::symlink(&b, &a).unwrap();
            std::os::unix::fs::symlink(&a, &b).unwrap();
        }
        ["symlink", link, target] => {
            std::os::unix::fs::symlink(target, book.join(link)).unwrap();
        }
        _ => panic!("unknown setup {setup}"),
    }
}

/// A previous site the failed build must leave alone.
fn previous_site(book: &Path) {
    let site = book.join("site");
    std::fs::create_dir_all(site.join("figures")).unwrap();
    std::fs::write(site.join("index.html"), "<p>the previous site</p>\n").unwrap();
    std::fs::write(
        site.join("manifest.json"),
        "{\"nnbook_version\": \"old\"}\n",
    )
    .unwrap();
    std::fs::write(site.join("figures/a.svg"), "<svg/>\n").unwrap();
}

fn cases() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect").is_file())
        .collect();
    cases.sort();
    cases
}

fn check_case(case: &Path) -> Result<(), String> {
    let name = case.file_name().unwrap().to_string_lossy().to_string();
    let e = expect(case);
    let dir = TempDir::new(&format!("corpus-{name}"));
    let book = dir.path().join("book");
    copy_dir(case, &book);
    std::fs::remove_file(book.join("expect")).unwrap();
    std::fs::create_dir_all(book.join("content")).unwrap();
    if let Some(s) = &e.setup {
        setup(&book, s);
    }
    previous_site(&book);
    let before = read_tree(&book.join("site"));
    let root = book.to_str().unwrap();
    let mut problems = Vec::new();
    for json in [false, true] {
        let mut args = vec!["build", "--root", root];
        if json {
            args.extend(["--message-format", "json"]);
        }
        let run = nnbook(&args);
        let all = format!("{}{}", run.stdout, run.stderr);
        let mode = if json { "json" } else { "human" };
        if run.code != e.exit {
            problems.push(format!("{mode}: exit {} (want {})", run.code, e.exit));
        }
        for bad in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
            if all.contains(bad) {
                problems.push(format!("{mode}: output contains `{bad}`"));
            }
        }
        if let Some(code) = &e.code {
            if json {
                let diags: Vec<serde_json::Value> = run
                    .stdout
                    .lines()
                    .filter_map(|l| serde_json::from_str(l).ok())
                    .collect();
                let hit = diags.iter().any(|d| {
                    let pos = match (d["file"].as_str(), d["line"].as_u64(), d["col"].as_u64()) {
                        (Some(f), Some(0), _) | (Some(f), None, _) => f.to_string(),
                        (Some(f), Some(l), Some(0)) => format!("{f}:{l}"),
                        (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}"),
                        _ => String::new(),
                    };
                    d["code"] == code.as_str() && e.at.as_ref().is_none_or(|at| &pos == at)
                });
                if !hit {
                    problems.push(format!("json: no {code} at {:?} in {diags:?}", e.at));
                }
            } else {
                if !run.stderr.contains(&format!("[{code}]")) {
                    problems.push(format!("human: no [{code}]"));
                }
                if let Some(at) = &e.at
                    && !run.stderr.contains(&format!("--> {at}\n"))
                {
                    problems.push(format!("human: no `--> {at}`"));
                }
                if !run.stderr.contains("help:") {
                    problems.push("human: no help line".into());
                }
            }
        }
        if e.exit != 0 && read_tree(&book.join("site")) != before {
            problems.push(format!("{mode}: the previous site changed"));
        }
        if !problems.is_empty() {
            problems.push(format!("output:\n{}{}", run.stdout, run.stderr));
            break;
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{name}:\n  {}", problems.join("\n  ")))
    }
}

#[test]
fn every_corpus_case_fails_cleanly_where_expected() {
    let cases = cases();
    assert!(cases.len() >= 60, "only {} corpus cases", cases.len());
    let only = std::env::var("NNBOOK_CORPUS").ok();
    let failures: Vec<String> = cases
        .iter()
        .filter(|c| only.as_ref().is_none_or(|o| c.ends_with(o)))
        .filter_map(|c| check_case(c).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn explain_covers_every_code_the_corpus_expects() {
    for case in cases() {
        if let Some(code) = expect(&case).code {
            let run = nnbook(&["explain", &code]);
            assert_eq!(run.code, 0, "{code}: {}", run.stderr);
            assert!(
                run.stdout.starts_with(&format!("{code}: ")),
                "{}",
                run.stdout
            );
            assert!(run.stdout.contains("Example"), "{code} has no example");
        }
    }
    let run = nnbook(&["explain", "E999"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no explanation"), "{}", run.stderr);
}
