//! Fuzz targets: each takes arbitrary bytes and must return without panicking, whatever they
//! are. `fuzz/` runs them under AFL; `tests/fuzz_seeds.rs` runs them on the committed seeds and
//! on every crash found so far, in `cargo test`.

use std::path::Path;

/// A fuzz target: any bytes in, no panic out.
pub type Target = fn(&[u8]);

/// Every target by name (the folder of its seeds under `fuzz/seeds/`).
pub const TARGETS: &[(&str, Target)] = &[
    ("block", block),
    ("book_yaml", book_yaml),
    ("markdown", markdown),
    ("idx", idx),
    ("latex", latex),
    ("csv", csv),
];

/// The target called `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// The experiment-block parser (YAML → validated spec).
pub fn block(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let src = crate::spec::BlockSource {
        file: Path::new("content/fuzz.md"),
        first_line: 1,
        chapter_text: text,
    };
    if let Err(d) = crate::spec::parse_block(text, &src) {
        let _ = d.render(false);
    }
}

/// book.yaml.
pub fn book_yaml(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(d) = crate::config::Config::parse(text)
    {
        let _ = d.render(false);
    }
}

/// A chapter: front matter, nn blocks, Markdown → HTML with math and cross-references.
pub fn markdown(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(ch) = crate::content::chapter_from_text(Path::new("content/fuzz.md"), text.into())
    else {
        return;
    };
    let mut labels = crate::content::Labels::new();
    for show in ch.blocks.iter().flat_map(|b| &b.show) {
        labels.insert(
            show.id.clone(),
            crate::content::Label {
                page: ch.page.clone(),
                anchor: show.id.clone(),
                text: "Figure 1.1".into(),
            },
        );
    }
    if let Err(ds) = crate::content::render_chapter(&ch, &labels) {
        for d in ds {
            let _ = d.render(false);
        }
    }
}

/// The IDX reader, gzip included.
pub fn idx(data: &[u8]) {
    if let Ok(bytes) = crate::engine::data::idx::decompress(data) {
        let _ = crate::engine::data::idx::parse(&bytes);
    }
}

/// LaTeX → MathML, inline and display.
pub fn latex(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::content::math::to_mathml(text, false);
        let _ = crate::content::math::to_mathml(text, true);
    }
}

/// The CSV reader: the header's last name as the target (every column but it as features,
/// the task inferred), then as a regression target of the first column, then as a classifier's
/// target mapped to the classes found the first time.
pub fn csv(data: &[u8]) {
    use crate::engine::data::csv::{Select, Task, read};
    let first = data.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let first = String::from_utf8_lossy(first);
    let names: Vec<String> = first
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .collect();
    let target = names.last().cloned().unwrap_or_default();
    let inferred = Select {
        target: &target,
        features: None,
        task: None,
        min_classes: 0,
        classes: None,
    };
    let classes = match read(data, &inferred) {
        Ok(t) => t.classes,
        Err(e) => {
            let _ = e.to_string();
            None
        }
    };
    let one = names.first().cloned().into_iter().collect::<Vec<_>>();
    let _ = read(
        data,
        &Select {
            features: Some(&one),
            task: Some(Task::Regression),
            ..inferred
        },
    );
    let _ = read(
        data,
        &Select {
            task: Some(Task::Classification),
            min_classes: 2,
            classes: classes.as_ref(),
            ..inferred
        },
    );
}
