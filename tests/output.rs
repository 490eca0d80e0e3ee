//! Where the site may go (src/output.rs): the output folder may be anywhere `--out` names, but a
//! build or a clean never replaces the book, anything it reads or keeps, or a folder nnbook did
//! not write. Every refusal is checked against the whole book, hidden files included, byte for
//! byte.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

const BOOK_YAML: &str =
    "title: Protected\nchapters: [01-a.md]\ndatasets: data\ntheme: theme\nsnapshots: snaps\n";

/// The block reads a CSV file outside the datasets folder, so the file is protected on its own.
const CHAPTER: &str = "# A\n\n```nn
id: pts
data: {csv: tables/points.csv, target: label}
model: [{dense: 1, activation: sigmoid}]
train: {optimizer: adam, lr: 0.05, epochs: 3, batch: full, seed: 1}
show:
  - {table: summary, id: pts-summary}
```
";

/// A book (`book/` in a temporary folder of its own, so that `..` is ours too) with every kind
/// of path a book reads or keeps, built once so that its cache and a previous site exist.
struct Book {
    _dir: TempDir,
    path: std::path::PathBuf,
}

impl Book {
    fn path(&self) -> &Path {
        &self.path
    }
}

fn book() -> Book {
    let dir = TempDir::new("output");
    let path = dir.path().join("book");
    let b = path.as_path();
    let files = [
        ("book.yaml", BOOK_YAML),
        ("content/01-a.md", CHAPTER),
        (
            "tables/points.csv",
            "x1,x2,label\n0,0,0\n1,1,1\n0,1,0\n1,0,1\n",
        ),
        ("data/notes.txt", "data the book keeps\n"),
        ("theme/static/extra.css", "p { margin: 0 }\n"),
        ("snaps/pts-summary.html", "<table></table>\n"),
        (".git/HEAD", "ref: refs/heads/main\n"),
    ];
    for (rel, text) in files {
        std::fs::create_dir_all(b.join(rel).parent().unwrap()).unwrap();
        std::fs::write(b.join(rel), text).unwrap();
    }
    build_ok(b, &[]);
    assert!(b.join(".nnbook-cache").is_dir() && b.join("site/manifest.json").is_file());
    Book { _dir: dir, path }
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    whole_tree(dir, &[])
}

/// The sibling folders of the book (where `..` would write, and temporary folders would go).
fn siblings(book: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(book.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

/// Build with the output set through book.yaml (`via_config`) or `--out`, expecting a refusal
/// that names `message`, points at the value, and changes nothing.
fn refused(book: &Path, out: &str, via_config: bool, message: &str) {
    let root = book.to_str().unwrap();
    let (args, at) = if via_config {
        let text = format!("{BOOK_YAML}output: \"{out}\"\n");
        std::fs::write(book.join("book.yaml"), text).unwrap();
        (vec!["build", "--root", root], "--> book.yaml:6:9\n")
    } else {
        std::fs::write(book.join("book.yaml"), BOOK_YAML).unwrap();
        (
            vec!["build", "--root", root, "--out", out],
            "--> <command line>\n",
        )
    };
    let before = tree(book);
    let around = siblings(book);
    let run = nnbook(&args);
    let how = if via_config { "output:" } else { "--out" };
    assert_eq!(run.code, 1, "{how} {out}: {}", run.stderr);
    assert!(
        run.stderr.starts_with("error[E008]: ") && run.stderr.contains(message),
        "{how} {out}: want `{message}` in\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(at),
        "{how} {out}: want `{at}` in\n{}",
        run.stderr
    );
    assert!(run.stderr.contains("= help: "), "{}", run.stderr);
    assert!(tree(book) == before, "{how} {out}: the book changed");
    assert_eq!(
        siblings(book),
        around,
        "{how} {out}: the book's folder gained a neighbour"
    );
}

#[test]
fn every_protected_path_is_refused_through_book_yaml_and_out() {
    let dir = book();
    let b = dir.path();
    let parent = b.parent().unwrap().to_str().unwrap().to_string();
    let cases: Vec<(&str, &str, &str)> = vec![
        // (output, refusal through book.yaml, refusal through --out)
        ("book.yaml", "is the book's configuration `book.yaml`", ""),
        ("content", "is the chapters folder `content`", ""),
        (
            "content/01-a.md",
            "is inside the chapters folder `content`",
            "",
        ),
        ("data", "is the datasets folder `data`", ""),
        (
            "tables/points.csv",
            "is the data file `tables/points.csv`",
            "",
        ),
        ("tables", "holds the data file `tables/points.csv`", ""),
        ("snaps", "is the snapshots folder `snaps`", ""),
        (
            ".nnbook-cache",
            "is the experiment cache `.nnbook-cache`",
            "",
        ),
        (".git", "is the git repository `.git`", ""),
        ("theme", "is the theme folder `theme`", ""),
        ("theme/static", "is inside the theme folder `theme`", ""),
        (".", "is the book's folder", ""),
        ("./", "is the book's folder", ""),
        ("..", "leaves the book's folder", "holds the book's folder"),
        (
            &parent,
            "leaves the book's folder",
            "holds the book's folder",
        ),
        ("/", "leaves the book's folder", "holds the book's folder"),
    ];
    for (out, config_message, cli_message) in cases {
        let cli_message = if cli_message.is_empty() {
            config_message
        } else {
            cli_message
        };
        refused(b, out, true, config_message);
        refused(b, out, false, cli_message);
    }
}

#[test]
fn output_book_yaml_no_longer_leaves_a_hidden_copy() {
    // The old failure: the build moved book.yaml aside to `.book.yaml.old-PID` and put the site
    // in its place, exit 0.
    let dir = book();
    refused(dir.path(), "book.yaml", true, "is the book's configuration");
    let hidden: Vec<String> = tree(dir.path())
        .into_keys()
        .filter(|k| k.starts_with(".book.yaml"))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
    assert_eq!(
        read(dir.path().join("book.yaml")),
        format!("{BOOK_YAML}output: \"book.yaml\"\n")
    );
}

#[test]
fn out_may_be_a_folder_outside_the_book() {
    let dir = book();
    let elsewhere = TempDir::new("elsewhere");
    let site = elsewhere.path().join("public");
    let site_s = site.to_str().unwrap();
    let root = dir.path().to_str().unwrap();
    let before = tree(dir.path());
    let run = build_ok(dir.path(), &["--out", site_s]);
    assert!(
        run.stderr.starts_with(&format!("built {site_s} in ")),
        "{}",
        run.stderr
    );
    assert!(site.join("index.html").is_file() && site.join("manifest.json").is_file());
    assert!(tree(dir.path()) == before, "the book is untouched");
    // The same site as in the book's own output folder.
    assert!(tree(&site) == tree(&dir.path().join("site")));

    // A site nnbook wrote there before is replaced, stale files and all.
    std::fs::write(site.join("stale.html"), "old").unwrap();
    build_ok(dir.path(), &["--out", site_s]);
    assert!(!site.join("stale.html").exists());
    assert!(tree(&site) == tree(&dir.path().join("site")));
    let left: Vec<String> = siblings(&site);
    assert_eq!(left, ["public"], "no temporary folder is left beside it");

    // `clean --out` deletes it, and only it.
    let run = nnbook(&["clean", "--root", root, "--out", site_s]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!site.exists() && elsewhere.path().is_dir());
    assert!(dir.path().join("site/manifest.json").is_file());

    // A relative `--out` is relative to the book's root, wherever nnbook runs from.
    build_ok(dir.path(), &["--out", "../public"]);
    assert!(dir.path().join("../public/index.html").is_file());
    let run = nnbook(&["clean", "--root", root, "--out", "../public"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!dir.path().join("../public").exists());
}

#[test]
fn an_empty_folder_is_filled_and_a_foreign_one_left_alone() {
    let dir = book();
    let b = dir.path();
    std::fs::create_dir(b.join("empty")).unwrap();
    build_ok(b, &["--out", "empty"]);
    assert!(b.join("empty/index.html").is_file());

    let other = TempDir::new("foreign");
    std::fs::write(other.path().join("thesis.tex"), "my thesis").unwrap();
    let before = tree(other.path());
    let out = other.path().to_str().unwrap();
    let run = nnbook(&["build", "--root", b.to_str().unwrap(), "--out", out]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("holds files nnbook did not write (it has no nnbook manifest.json)"),
        "{}",
        run.stderr
    );
    let run = nnbook(&["clean", "--root", b.to_str().unwrap(), "--out", out]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("does not look like a site nnbook built")
    );
    assert!(tree(other.path()) == before);

    // A manifest that is not nnbook's (no `nnbook_version`) does not make a folder nnbook's.
    std::fs::write(other.path().join("manifest.json"), "{\"name\": \"app\"}").unwrap();
    let run = nnbook(&[
        "build",
        "--root",
        b.to_str().unwrap(),
        "--out",
        other.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(other.path().join("thesis.tex").is_file());

    // A file is never replaced.
    let file = other.path().join("thesis.tex");
    let run = nnbook(&[
        "build",
        "--root",
        b.to_str().unwrap(),
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("is a file"), "{}", run.stderr);
    assert_eq!(read(&file), "my thesis");
}

#[test]
fn a_site_holding_a_git_repository_is_not_replaced() {
    // A gh-pages worktree: nnbook's manifest, and a `.git` file pointing at the repository.
    let dir = book();
    let site = dir.path().join("site");
    std::fs::write(site.join(".git"), "gitdir: ../.git/worktrees/site\n").unwrap();
    let before = tree(dir.path());
    let run = nnbook(&["build", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("holds a git repository (`.git`)"),
        "{}",
        run.stderr
    );
    let run = nnbook(&["clean", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(tree(dir.path()) == before);
}

#[test]
fn the_home_folder_is_refused() {
    let dir = book();
    let home = TempDir::new("home");
    std::fs::write(home.path().join(".bashrc"), "# mine\n").unwrap();
    // Even an empty home folder, or one holding an nnbook site, is never replaced.
    std::fs::write(
        home.path().join("manifest.json"),
        "{\"nnbook_version\": \"0.1.0\"}",
    )
    .unwrap();
    let before = tree(home.path());
    let h = home.path().to_str().unwrap();
    let run = nnbook_env(
        &["build", "--root", dir.path().to_str().unwrap(), "--out", h],
        &[("HOME", Some(h))],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("is your home folder"), "{}", run.stderr);
    let run = nnbook_env(
        &["clean", "--root", dir.path().to_str().unwrap(), "--out", h],
        &[("HOME", Some(h))],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(tree(home.path()) == before);
}

#[test]
fn clean_obeys_the_same_rules() {
    let dir = book();
    let b = dir.path();
    let root = b.to_str().unwrap();
    for (out, message) in [
        ("..", "holds the book's folder"),
        (".", "is the book's folder"),
        ("content", "is the chapters folder `content`"),
        (".git", "is the git repository `.git`"),
        (".nnbook-cache", "is the experiment cache `.nnbook-cache`"),
    ] {
        let before = tree(b);
        let run = nnbook(&["clean", "--root", root, "--out", out]);
        assert_eq!(run.code, 1, "{out}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{out}: {}", run.stderr);
        assert!(
            run.stderr.contains("--> <command line>\n"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.ends_with("clean failed: 1 error\n"),
            "{}",
            run.stderr
        );
        assert!(tree(b) == before, "{out}");
    }
    std::fs::write(b.join("book.yaml"), format!("{BOOK_YAML}output: data\n")).unwrap();
    let before = tree(b);
    let run = nnbook(&["clean", "--root", root]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("--> book.yaml:6:9\n"), "{}", run.stderr);
    assert!(tree(b) == before);
    std::fs::write(b.join("book.yaml"), BOOK_YAML).unwrap();
    assert_eq!(nnbook(&["clean", "--root", root]).code, 0);
    assert!(!b.join("site").exists() && b.join("content/01-a.md").is_file());
}

#[test]
fn jobs_is_bounded_and_the_bound_documented() {
    let dir = book();
    let root = dir.path().to_str().unwrap();
    let max = 4 * std::thread::available_parallelism().map_or(1, |n| n.get());
    build_ok(dir.path(), &["--jobs", &max.to_string()]);
    for bad in [
        "0".to_string(),
        (max + 1).to_string(),
        "99999".into(),
        "-1".into(),
    ] {
        let run = nnbook(&["build", "--root", root, "--jobs", &bad]);
        assert_eq!(run.code, 2, "--jobs {bad}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("invalid value '{bad}' for '--jobs <JOBS>'")),
            "{}",
            run.stderr
        );
    }
    let help = nnbook(&["build", "--help"]).stdout;
    assert!(
        help.contains(&format!("from 1 to 4 × the available cores ({max} here)")),
        "{help}"
    );
}
