//! `nnbook init`'s book and its Pages workflow. The workflow's shell steps run here with bash,
//! as GitHub's runner would, against an archive made by the release workflow's own packaging
//! step from the freshly built binary and served on loopback: install (checksum checked),
//! `nnbook test`, `nnbook build`. GitHub is not reachable from here; everything else is real.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use common::{TempDir, nnbook, read};
use serde::Deserialize;

#[derive(Deserialize)]
struct Workflow {
    #[serde(default)]
    env: BTreeMap<String, String>,
    #[serde(default)]
    defaults: Option<serde_json::Value>,
    jobs: BTreeMap<String, Job>,
}

#[derive(Deserialize)]
struct Job {
    #[serde(rename = "if")]
    cond: Option<String>,
    #[serde(default)]
    needs: Option<serde_json::Value>,
    #[serde(default)]
    strategy: Option<serde_json::Value>,
    #[serde(default)]
    steps: Vec<Step>,
}

#[derive(Deserialize)]
struct Step {
    name: Option<String>,
    uses: Option<String>,
    run: Option<String>,
    #[serde(rename = "if")]
    cond: Option<String>,
    #[serde(default)]
    with: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    env: BTreeMap<String, String>,
}

fn parse(path: &Path) -> Workflow {
    serde_saphyr::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const VERSION: &str = env!("CARGO_PKG_VERSION");
const TARGET: &str = "x86_64-unknown-linux-gnu";
const ON_MAIN: &str = "github.event_name == 'push' && github.ref == 'refs/heads/main'";

/// A new book from `nnbook init` in `dir/book`.
fn init(dir: &TempDir) -> PathBuf {
    let book = dir.path().join("book");
    let run = nnbook(&["init", book.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    book
}

#[test]
fn the_workflow_pins_this_release_tests_before_deploying_and_keeps_the_cache() {
    let dir = TempDir::new("init-workflow");
    let book = init(&dir);
    let wf = parse(&book.join(".github/workflows/pages.yml"));
    assert_eq!(wf.env["NNBOOK_VERSION"], VERSION);
    assert_eq!(
        wf.env["NNBOOK_RELEASES"],
        format!("{}/releases/download", env!("CARGO_PKG_REPOSITORY"))
    );
    assert_eq!(
        env!("CARGO_PKG_REPOSITORY"),
        "https://github.com/nnbook/nnbook"
    );
    assert_eq!(wf.defaults.unwrap()["run"]["shell"], "bash");
    let text = read(book.join(".github/workflows/pages.yml"));
    assert!(
        text.contains("\n  pull_request:\n"),
        "runs on pull requests"
    );
    assert!(
        !text.contains("cargo install"),
        "nnbook is not on crates.io"
    );

    let steps = &wf.jobs["book"].steps;
    let position = |pred: &dyn Fn(&Step) -> bool| steps.iter().position(pred).unwrap();
    let install = position(&|s| s.name.as_deref() == Some("Install nnbook"));
    let cache = position(&|s| s.uses.as_deref() == Some("actions/cache@v6"));
    let test = position(&|s| s.run.as_deref() == Some("nnbook test"));
    let report = position(&|s| s.uses.as_deref() == Some("actions/upload-artifact@v7"));
    let build = position(&|s| s.run.as_deref() == Some("nnbook build --strict"));
    let upload = position(&|s| s.uses.as_deref() == Some("actions/upload-pages-artifact@v5"));
    assert!(install < cache && cache < test && test < report && report < build && build < upload);
    // The snapshot check runs on every event; only the upload and the deploy are main's.
    assert_eq!(steps[test].cond, None);
    assert_eq!(steps[build].cond, None);
    assert_eq!(steps[upload].cond.as_deref(), Some(ON_MAIN));
    assert_eq!(wf.jobs["deploy"].cond.as_deref(), Some(ON_MAIN));
    assert_eq!(steps[report].cond.as_deref(), Some("failure()"));
    assert_eq!(steps[report].with["path"], "nnbook-test-report/");
    // The cache: the book's cache folder, a key that changes with what experiments read, and
    // a prefix that restores the latest cache after any change.
    let with = &steps[cache].with;
    assert_eq!(with["path"], ".nnbook-cache");
    let key = with["key"].as_str().unwrap();
    assert!(
        key.starts_with("nnbook-cache-${{ hashFiles(")
            && ["'book.yaml'", "'content/**'", "'**/*.csv'"]
                .iter()
                .all(|f| key.contains(f)),
        "{key}"
    );
    assert_eq!(with["restore-keys"], "nnbook-cache-");

    let ignore = read(book.join(".gitignore"));
    assert!(
        ignore.lines().any(|l| l == "/nnbook-test-report"),
        "{ignore}"
    );
    assert!(ignore.lines().any(|l| l == "/.nnbook-cache"), "{ignore}");
}

/// A file server on loopback: `/v<version>/<file>` from a folder; the requests, in order.
struct Releases {
    base: String,
    hits: Arc<Mutex<Vec<String>>>,
}

impl Releases {
    fn serve(dist: PathBuf) -> Releases {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&hits);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
                loop {
                    let mut header = String::new();
                    match reader.read_line(&mut header) {
                        Ok(n) if n > 2 => {}
                        _ => break,
                    }
                }
                log.lock().unwrap().push(target.clone());
                let file = target
                    .strip_prefix(&format!("/v{VERSION}/"))
                    .filter(|f| !f.contains('/'))
                    .and_then(|f| std::fs::read(dist.join(f)).ok());
                let mut out = &stream;
                let _ = match file {
                    Some(body) => write!(
                        out,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .and_then(|()| out.write_all(&body)),
                    None => write!(
                        out,
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    ),
                };
            }
        });
        Releases { base, hits }
    }
}

/// Runs a workflow's `run:` steps as the runner does: `bash --noprofile --norc -eo pipefail`
/// on the script, the workflow's environment, `$GITHUB_PATH` lines put before `PATH`.
struct Runner {
    workspace: PathBuf,
    env: BTreeMap<String, String>,
    github_path: PathBuf,
    /// `PATH` without any folder that already holds an `nnbook`.
    path: String,
}

struct StepRun {
    ok: bool,
    output: String,
}

impl Runner {
    fn new(dir: &Path, workspace: &Path, env: BTreeMap<String, String>) -> Runner {
        let temp = dir.join("runner-temp");
        std::fs::create_dir_all(&temp).unwrap();
        let github_path = dir.join("github-path");
        std::fs::write(&github_path, "").unwrap();
        let path = std::env::var("PATH")
            .unwrap_or_default()
            .split(':')
            .filter(|p| !p.is_empty() && !Path::new(p).join("nnbook").exists())
            .collect::<Vec<_>>()
            .join(":");
        let mut env = env;
        env.insert("RUNNER_TEMP".into(), temp.to_str().unwrap().into());
        env.insert("GITHUB_PATH".into(), github_path.to_str().unwrap().into());
        env.insert(
            "GITHUB_WORKSPACE".into(),
            workspace.to_str().unwrap().into(),
        );
        env.insert("CI".into(), "true".into());
        Runner {
            workspace: workspace.to_path_buf(),
            env,
            github_path,
            path,
        }
    }

    fn run(&self, script: &str, step_env: &BTreeMap<String, String>) -> StepRun {
        let file = self.workspace.with_extension("step.sh");
        std::fs::write(&file, script).unwrap();
        let mut path: Vec<String> = read(&self.github_path)
            .lines()
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        path.reverse();
        path.push(self.path.clone());
        let out = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&file)
            .current_dir(&self.workspace)
            .env_clear()
            .envs(&self.env)
            .envs(step_env)
            .env("PATH", path.join(":"))
            .env("HOME", std::env::var("HOME").unwrap_or_default())
            .env("NO_COLOR", "1")
            .output()
            .expect("run bash");
        StepRun {
            ok: out.status.success(),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }

    fn step(&self, step: &Step) -> StepRun {
        self.run(step.run.as_deref().unwrap(), &step.env)
    }
}

fn step<'a>(wf: &'a Workflow, job: &str, name: &str) -> &'a Step {
    wf.jobs[job]
        .steps
        .iter()
        .find(|s| s.name.as_deref() == Some(name) || s.run.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no step {name} in job {job}"))
}

/// The release archive and its .sha256, made by release.yml's own Package step from the
/// binary under test.
fn package(dir: &Path) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let release = parse(&repo.join(".github/workflows/release.yml"));
    let checkout = dir.join("checkout");
    let bin = checkout.join(format!("target/{TARGET}/release"));
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_nnbook"), bin.join("nnbook")).unwrap();
    std::fs::copy(repo.join("README.md"), checkout.join("README.md")).unwrap();
    let runner = Runner::new(dir, &checkout, release.env.clone());
    let package = step(&release, "build", "Package");
    // The values the step's `env:` takes from the matrix and the tag on GitHub.
    assert_eq!(package.env["TARGET"], "${{ matrix.target }}");
    assert_eq!(package.env["TAG"], "${{ github.ref_name }}");
    let env = BTreeMap::from([
        ("TARGET".to_string(), TARGET.to_string()),
        ("TAG".to_string(), format!("v{VERSION}")),
    ]);
    let run = runner.run(package.run.as_deref().unwrap(), &env);
    assert!(run.ok, "{}", run.output);
    let dist = checkout.join("dist");
    let asset = format!("nnbook-v{VERSION}-{TARGET}.tar.gz");
    let mut names: Vec<String> = std::fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [asset.clone(), format!("{asset}.sha256")]);
    dist
}

#[test]
fn the_workflow_installs_the_released_binary_then_tests_and_builds_the_book() {
    let dir = TempDir::new("init-steps");
    let book = init(&dir);
    let dist = package(dir.path());
    let releases = Releases::serve(dist.clone());
    let wf = parse(&book.join(".github/workflows/pages.yml"));
    let mut env = wf.env.clone();
    // The one change from GitHub: the releases come from loopback.
    env.insert("NNBOOK_RELEASES".into(), releases.base.clone());
    let runner = Runner::new(dir.path(), &book, env);

    // A damaged archive is refused by its checksum, and nothing is installed.
    let asset = dist.join(format!("nnbook-v{VERSION}-{TARGET}.tar.gz"));
    let good = std::fs::read(&asset).unwrap();
    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    std::fs::write(&asset, &bad).unwrap();
    let install = step(&wf, "book", "Install nnbook");
    let refused = runner.step(install);
    assert!(
        !refused.ok && refused.output.contains("FAILED"),
        "{}",
        refused.output
    );
    assert_eq!(read(&runner.github_path), "");
    std::fs::write(&asset, &good).unwrap();

    let installed = runner.step(install);
    assert!(installed.ok, "{}", installed.output);
    assert_eq!(
        releases.hits.lock().unwrap()[2..],
        [
            format!("/v{VERSION}/nnbook-v{VERSION}-{TARGET}.tar.gz"),
            format!("/v{VERSION}/nnbook-v{VERSION}-{TARGET}.tar.gz.sha256"),
        ]
    );
    let which = runner.run("command -v nnbook && nnbook --version", &BTreeMap::new());
    assert!(which.ok, "{}", which.output);
    let temp = runner.env["RUNNER_TEMP"].clone();
    assert!(
        which.output.starts_with(&format!("{temp}/nnbook/")),
        "{}",
        which.output
    );

    // The snapshots `init` wrote pass; the build reuses the experiments the test trained.
    let test = step(&wf, "book", "nnbook test");
    let passed = runner.step(test);
    assert!(passed.ok, "{}", passed.output);
    assert!(
        passed
            .output
            .contains("snapshots: 3 passed, 0 failed, 0 skipped"),
        "{}",
        passed.output
    );
    let build = step(&wf, "book", "nnbook build --strict");
    let built = runner.step(build);
    assert!(built.ok, "{}", built.output);
    assert!(
        built.output.contains("1 experiments (1 cached"),
        "{}",
        built.output
    );
    assert!(book.join("site/index.html").is_file());
    assert!(book.join("site/01-first-network.html").is_file());

    // A changed figure fails the check and leaves the report the failure step uploads.
    let snapshot = book.join("snapshots/xor-summary.html");
    let committed = read(&snapshot);
    std::fs::write(
        &snapshot,
        committed.replace("</table>", "<tr></tr></table>"),
    )
    .unwrap();
    let failed = runner.step(test);
    assert!(!failed.ok, "{}", failed.output);
    assert!(
        book.join("nnbook-test-report/index.html").is_file(),
        "{}",
        failed.output
    );
    // Fixed, the next check passes and removes the stale report.
    std::fs::write(&snapshot, &committed).unwrap();
    let again = runner.step(test);
    assert!(again.ok, "{}", again.output);
    assert!(!book.join("nnbook-test-report").exists());

    // As after a restored cache: a prose edit retrains nothing.
    let chapter = book.join("content/01-first-network.md");
    std::fs::write(
        &chapter,
        read(&chapter).replace("classic problem", "classic puzzle"),
    )
    .unwrap();
    let rebuilt = runner.step(build);
    assert!(
        rebuilt.ok && rebuilt.output.contains("(1 cached"),
        "{}",
        rebuilt.output
    );
    assert!(read(book.join("site/01-first-network.html")).contains("classic puzzle"));
}

#[test]
fn init_writes_the_snapshots_its_workflow_checks() {
    let dir = TempDir::new("init-snapshots");
    let book = init(&dir);
    let mut names: Vec<String> = std::fs::read_dir(book.join("snapshots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["xor-curve.svg", "xor-regions.svg", "xor-summary.html"]
    );
    let root = book.to_str().unwrap();
    let run = nnbook(&["test", "--root", root, "--strict"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_folder_named_like_the_report_that_nnbook_did_not_write_is_kept() {
    let dir = TempDir::new("init-report");
    let book = init(&dir);
    let mine = book.join("nnbook-test-report");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "mine").unwrap();
    let root = book.to_str().unwrap();
    // A passing run leaves it alone.
    assert_eq!(nnbook(&["test", "--root", root]).code, 0);
    assert_eq!(read(mine.join("notes.txt")), "mine");
    // A failing run refuses to replace it.
    std::fs::remove_file(book.join("snapshots/xor-summary.html")).unwrap();
    std::fs::write(book.join("snapshots/xor-curve.svg"), "<svg/>").unwrap();
    let failed = Command::new(env!("CARGO_BIN_EXE_nnbook"))
        .args(["test", "--root", "book"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&failed.stderr),
        "error[E050]: cannot write the report: book/nnbook-test-report exists and nnbook did not write it
 --> book/nnbook-test-report
  = help: move or rename that folder; nnbook replaces only a nnbook-test-report/ it wrote

build failed: 1 error
"
    );
    assert_eq!(read(mine.join("notes.txt")), "mine");
    assert_eq!(std::fs::read_dir(&mine).unwrap().count(), 1);
}

/// `init --shards 2`: the shard jobs each train one shard on a runner of their own and upload
/// only the entries they wrote; the book job, with their artefacts merged into its cache,
/// trains nothing, passes the snapshot check and builds the site. Every `run:` step runs here;
/// the artefact upload and download are done as copies.
#[test]
fn the_sharded_workflow_trains_in_shards_and_builds_from_the_merged_cache() {
    let dir = TempDir::new("init-shards");
    let book = dir.path().join("book");
    let run = nnbook(&["init", "--shards", "2", book.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A second experiment, so each shard has one to train.
    let chapter = book.join("content/01-first-network.md");
    let second = "\n```nn\nid: xor-relu\ndata: {generator: xor}\nmodel: [{dense: 6, activation: relu}, {dense: 1, activation: sigmoid}]\ntrain: {optimizer: adam, lr: 0.05, epochs: 300, batch: full, seed: 4}\nshow:\n  - {table: summary, id: relu-summary}\n```\n";
    std::fs::write(&chapter, read(&chapter) + second).unwrap();
    let root = book.to_str().unwrap();
    let updated = nnbook(&["test", "--root", root, "--update", "--no-cache"]);
    assert_eq!(updated.code, 0, "{}", updated.stderr);
    // A fresh checkout: the cache is not committed (the restored-cache case is the plain
    // workflow's test).
    std::fs::remove_dir_all(book.join(".nnbook-cache")).unwrap();

    let path = book.join(".github/workflows/pages.yml");
    let wf = parse(&path);
    let text = read(&path);
    // One install step, the plain workflow's, in both jobs that run nnbook.
    let plain = {
        let d = TempDir::new("init-plain");
        parse(&init(&d).join(".github/workflows/pages.yml"))
    };
    let install = step(&wf, "book", "Install nnbook").run.clone().unwrap();
    assert_eq!(
        step(&wf, "shard", "Install nnbook").run.as_deref(),
        Some(install.as_str())
    );
    assert_eq!(step(&plain, "book", "Install nnbook").run, Some(install));
    assert_eq!(text.matches("name: Install nnbook").count(), 2);
    let strategy = wf.jobs["shard"].strategy.clone().unwrap();
    assert_eq!(strategy["matrix"]["shard"], serde_json::json!([1, 2]));
    assert_eq!(wf.jobs["book"].needs, Some(serde_json::json!("shard")));
    let upload = wf.jobs["shard"]
        .steps
        .iter()
        .find(|s| s.uses.as_deref() == Some("actions/upload-artifact@v7"))
        .unwrap();
    assert_eq!(upload.with["name"], "nnbook-cache-${{ matrix.shard }}");
    assert_eq!(upload.with["path"], "shard-cache/");
    let download = wf.jobs["book"]
        .steps
        .iter()
        .find(|s| s.uses.as_deref() == Some("actions/download-artifact@v8"))
        .unwrap();
    assert_eq!(download.with["pattern"], "nnbook-cache-*");
    assert_eq!(download.with["path"], ".nnbook-cache");
    assert_eq!(download.with["merge-multiple"], true);

    let dist = package(dir.path());
    let releases = Releases::serve(dist);
    let mut env = wf.env.clone();
    env.insert("NNBOOK_RELEASES".into(), releases.base.clone());
    let train = step(&wf, "shard", "Train this shard");
    assert_eq!(train.env["SHARD"], "${{ matrix.shard }}");
    let merged = dir.path().join("merged");
    for k in 1..=2 {
        // A runner of its own: a fresh checkout, an empty cache.
        let runner_dir = dir.path().join(format!("runner-{k}"));
        let workspace = runner_dir.join("book");
        common::copy_dir(&book, &workspace);
        let runner = Runner::new(&runner_dir, &workspace, env.clone());
        let installed = runner.step(step(&wf, "shard", "Install nnbook"));
        assert!(installed.ok, "{}", installed.output);
        let shard_env = BTreeMap::from([("SHARD".to_string(), k.to_string())]);
        let trained = runner.run(train.run.as_deref().unwrap(), &shard_env);
        assert!(trained.ok, "{}", trained.output);
        assert!(
            trained.output.contains(&format!("shard {k}/2"))
                && trained
                    .output
                    .contains("1 of the book's 2 experiments (0 cached")
                && !trained.output.contains("\n0 cache entries written"),
            "{}",
            trained.output
        );
        assert!(!workspace.join("site").exists());
        // upload-artifact, then download-artifact with merge-multiple: the files, copied.
        common::copy_dir(&workspace.join("shard-cache"), &merged);
    }
    assert!(!common::read_tree(&merged).is_empty());

    let workspace = dir.path().join("final/book");
    common::copy_dir(&book, &workspace);
    common::copy_dir(&merged, &workspace.join(".nnbook-cache"));
    let runner = Runner::new(&dir.path().join("final"), &workspace, env);
    let installed = runner.step(step(&wf, "book", "Install nnbook"));
    assert!(installed.ok, "{}", installed.output);
    let tested = runner.step(step(&wf, "book", "nnbook test"));
    assert!(tested.ok, "{}", tested.output);
    assert!(
        tested.output.contains("snapshots: 4 passed, 0 failed"),
        "{}",
        tested.output
    );
    let built = runner.step(step(&wf, "book", "nnbook build --strict"));
    assert!(
        built.ok && built.output.contains("2 experiments (2 cached"),
        "{}",
        built.output
    );
    assert!(workspace.join("site/index.html").is_file());
}

#[test]
fn init_refuses_a_shard_count_out_of_range() {
    let dir = TempDir::new("init-bad-shards");
    for bad in ["1", "65", "-2", "x"] {
        let book = dir.path().join(format!("book{bad}"));
        let run = nnbook(&["init", "--shards", bad, book.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
        assert!(run.stderr.contains("--shards"), "{}", run.stderr);
        assert!(!book.exists());
    }
}
