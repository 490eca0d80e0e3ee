//! The bad-input corpus: every `tests/corpus/<case>/` is a tiny book with one mistake, an
//! `expect` file and an `expected.txt`:
//!
//! ```text
//! exit: 1                      # 1 for content errors, 2 for usage errors, 0 for recoverable input
//! code: E012                   # the diagnostic code the build must report
//! at: content/01-a.md:6:32     # where (`file`, `file:line`, `file:line:col`, `<command line>`)
//! setup: huge content/01-a.md  # optional: inputs that cannot be committed as files (huge,
//!                              # symlink-loop, symlink LINK TARGET, mkdir DIR such as `.git`)
//! command: clean               # optional: build (default), clean, test, or serve (usage errors only)
//! args: --out ..               # optional: more arguments; `{book}` is the book's folder, and
//!                              # `--root` here replaces the default `--root {book}`
//! ```
//!
//! Each case is run with the real binary, in human and JSON message formats, over a previous
//! `site/`. The run must exit with the expected code, name the code and the position, print no
//! panic or backtrace, print only JSON objects on stdout in JSON mode, and leave the previous
//! site byte-identical. The human run's whole stderr must equal `expected.txt`, with the book's
//! temporary folder written `{book}`, the `--jobs` cap `{max_jobs}` and a build's time `{time}`.
//!
//! To write (bless) the `expected.txt` of new or changed cases, then read the diff:
//!
//! ```text
//! NNBOOK_BLESS=1 cargo test --test corpus
//! ```
//!
//! (`NNBOOK_CORPUS=<case>` runs one case.)

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

struct Expect {
    exit: i32,
    code: Option<String>,
    at: Option<String>,
    setup: Option<String>,
    command: String,
    args: Vec<String>,
}

fn expect(dir: &Path) -> Expect {
    let text = read(dir.join("expect"));
    let mut e = Expect {
        exit: 1,
        code: None,
        at: None,
        setup: None,
        command: "build".into(),
        args: Vec::new(),
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
            "command" => e.command = v,
            "args" => e.args = v.split_whitespace().map(str::to_string).collect(),
            other => panic!("{}: unknown expect key {other}", dir.display()),
        }
    }
    assert!(
        ["build", "clean", "test", "serve"].contains(&e.command.as_str()),
        "{}: unknown command {}",
        dir.display(),
        e.command
    );
    // A serve that starts never exits: only its usage errors belong here.
    assert!(
        e.command != "serve" || e.exit == 2,
        "{}: serve cases must be usage errors (exit: 2)",
        dir.display()
    );
    e
}

/// The human stderr with what differs between runs and machines written as placeholders.
fn normalise(stderr: &str, book: &Path) -> String {
    let mut text = stderr.to_string();
    let canonical = book.canonicalize().unwrap();
    for b in [canonical.as_path(), book] {
        text = text.replace(b.to_str().unwrap(), "{book}");
    }
    let max_jobs = 4 * std::thread::available_parallelism().map_or(1, |n| n.get());
    text = text.replace(&format!("1..={max_jobs}"), "1..={max_jobs}");
    text.lines()
        .map(
            |line| match (line.starts_with("built "), line.split_once(" in ")) {
                (true, Some((head, rest))) => match rest.split_once("s: ") {
                    Some((_, tail)) => format!("{head} in {{time}}s: {tail}\n"),
                    None => format!("{line}\n"),
                },
                _ => format!("{line}\n"),
            },
        )
        .collect()
}

fn blessing() -> bool {
    std::env::var_os("NNBOOK_BLESS").is_some_and(|v| v == "1")
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
        ["mkdir", dir] => std::fs::create_dir_all(book.join(dir)).unwrap(),
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

/// Every entry of the book (see `whole_tree`); the cache and the test report are the build's
/// to write.
fn book_tree(book: &Path) -> BTreeMap<String, Vec<u8>> {
    whole_tree(book, &[".nnbook-cache", "nnbook-test-report"])
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
    let _ = std::fs::remove_file(book.join("expected.txt"));
    std::fs::create_dir_all(book.join("content")).unwrap();
    if let Some(s) = &e.setup {
        setup(&book, s);
    }
    previous_site(&book);
    let before = book_tree(&book);
    let root = book.to_str().unwrap();
    let mut problems = Vec::new();
    for json in [false, true] {
        let mut args = vec![e.command.clone()];
        if !e.args.iter().any(|a| a == "--root") {
            args.extend(["--root".into(), root.to_string()]);
        }
        args.extend(e.args.iter().map(|a| a.replace("{book}", root)));
        if json {
            args.extend(["--message-format".into(), "json".into()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
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
        if json {
            for line in run.stdout.lines().filter(|l| !l.trim().is_empty()) {
                if !serde_json::from_str::<serde_json::Value>(line).is_ok_and(|v| v.is_object()) {
                    problems.push(format!("json: stdout line is not a JSON object: {line}"));
                }
            }
        } else {
            let got = normalise(&run.stderr, &book);
            let file = case.join("expected.txt");
            let want = std::fs::read_to_string(&file).ok();
            if want.as_deref() != Some(got.as_str()) {
                if blessing() {
                    std::fs::write(&file, &got).unwrap();
                } else if want.is_none() {
                    problems.push(
                        "human: no expected.txt (write it with `NNBOOK_BLESS=1 cargo test --test corpus`)".into(),
                    );
                } else {
                    problems.push(format!(
                        "human: stderr differs from expected.txt (`NNBOOK_BLESS=1 cargo test --test corpus` rewrites it); got:\n{got}"
                    ));
                }
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
        if e.exit != 0 && book_tree(&book) != before {
            problems.push(format!("{mode}: the book or its previous site changed"));
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
