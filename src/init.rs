//! `nnbook init`: a working book with one chapter holding one experiment block, its committed
//! snapshots, and a GitHub Actions workflow that tests it, builds it and deploys it to GitHub
//! Pages.

use std::path::Path;

use crate::diag::{Diagnostic, Location, display_path};
use crate::pipeline::BuildOptions;

const BOOK_YAML: &str = "\
title: My neural-network book
authors: [Your Name]
description: Small networks, trained while the book builds.
language: en
# site_url: https://USER.github.io/REPO/
";

const CHAPTER: &str = r#"# A first network

XOR is the classic problem a single neuron cannot solve: no straight line separates the
inputs whose output is 1 from those whose output is 0. One hidden layer of four tanh units is
enough. The block below trains that network while the book builds; @xor-regions shows how it
splits the plane and @xor-curve how its loss fell.

```nn
id: xor
data: {generator: xor}
model: [{dense: 4, activation: tanh}, {dense: 1, activation: sigmoid}]
train: {loss: binary-crossentropy, optimizer: adam, lr: 0.05, epochs: 400, batch: full, seed: 3}
show:
  - {figure: decision-regions, id: xor-regions, caption: "The hidden layer bends the boundary around the two 1s.", x: [-0.5, 1.5], y: [-0.5, 1.5]}
  - {figure: training-curve, id: xor-curve, metric: loss, caption: "Binary cross-entropy per epoch."}
  - {table: summary, id: xor-summary, caption: "Layers and parameters."}
```

The output unit is a sigmoid, so the model gives a probability $p$; a point is classed as 1
when $p \ge 0.5$, that is where $w_0 + \sum_i w_i a_i \ge 0$.
"#;

/// The Pages workflow; `@REPOSITORY@` and `@VERSION@` are filled in from Cargo.toml so the
/// workflow installs the very release that wrote it.
const WORKFLOW: &str = include_str!("init/pages.yml");

/// Where nnbook's releases live (Cargo.toml's `repository`).
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The `.github/workflows/pages.yml` that `init` writes.
pub fn workflow() -> String {
    WORKFLOW
        .replace("@REPOSITORY@", REPOSITORY)
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"))
}

/// Create a new book in `dir` (created if needed). Refuses to overwrite an existing book.
pub fn init(dir: &Path) -> Result<(), Diagnostic> {
    if dir.join("book.yaml").exists() {
        return Err(Diagnostic::error(
            "E007",
            format!("{} already holds a book", display_path(dir)),
        )
        .at(Location::file(dir.join("book.yaml")))
        .hint("choose a new folder, e.g. `nnbook init my-book`"));
    }
    let workflow = workflow();
    let files: [(&str, &str); 4] = [
        ("book.yaml", BOOK_YAML),
        ("content/01-first-network.md", CHAPTER),
        (".github/workflows/pages.yml", &workflow),
        (".gitignore", "/site\n/.nnbook-cache\n/nnbook-test-report\n"),
    ];
    for (rel, text) in files {
        let path = dir.join(rel);
        let write = || -> std::io::Result<()> {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, text)
        };
        write().map_err(|e| {
            Diagnostic::error("E007", format!("cannot write {}: {e}", display_path(&path)))
                .at(Location::file(&path))
        })?;
    }
    // The workflow runs `nnbook test` before deploying, so the first push needs the snapshots.
    let opts = BuildOptions {
        root: dir.to_path_buf(),
        out: None,
        strict: true,
        jobs: None,
        no_cache: false,
        download: false,
        cache_dir: None,
    };
    crate::snapshot::test(&opts, true).map_err(|diags| {
        diags.into_iter().next().unwrap_or_else(|| {
            Diagnostic::error(
                "E007",
                "cannot write the starter book's snapshots".to_string(),
            )
        })
    })?;
    Ok(())
}
