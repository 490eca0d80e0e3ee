//! The guide chapter documents everything an author can write: every key the parsers accept
//! (experiment blocks, book.yaml, front matter) and every name a key takes (generators,
//! activations, figure kinds, ...). A key added to the parser without a word in the guide
//! fails here.

use nnbook::spec;

fn guide() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/content/04-writing-with-nnbook.md"
    );
    std::fs::read_to_string(path).expect("the guide chapter")
}

/// The guide names `word` in a code span of its prose: `` `word` ``, `` `word:` ``,
/// `` `word: …` `` or `` `{word: …` ``. Examples inside code blocks do not count, as they
/// explain nothing.
fn documented(prose: &str, word: &str) -> bool {
    [
        format!("`{word}`"),
        format!("`{word}:`"),
        format!("`{word}: "),
        format!("`{{{word}: "),
    ]
    .iter()
    .any(|form| prose.contains(form.as_str()))
}

/// The guide's text outside fenced code blocks.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut fence: Option<String> = None;
    for line in text.lines() {
        let t = line.trim_start();
        let marker: String = t.chars().take_while(|c| *c == '`' || *c == '~').collect();
        match &fence {
            Some(open) if marker.len() >= open.len() && t.trim() == marker => fence = None,
            Some(_) => {}
            None if marker.len() >= 3 => fence = Some(marker),
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn the_guide_names_every_key_the_parsers_accept() {
    let prose = prose(&guide());
    let mut missing = Vec::new();
    let mut sections = spec::accepted_keys();
    sections.push(("book.yaml".into(), nnbook::config::KEYS));
    sections.push(("book.yaml limits".into(), nnbook::config::LIMIT_KEYS));
    sections.push(("front matter".into(), nnbook::content::FRONT_KEYS));
    for (section, keys) in &sections {
        for key in *keys {
            if !documented(&prose, key) {
                missing.push(format!("{section}: `{key}`"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the guide does not name these keys:\n{}",
        missing.join("\n")
    );
    // The check can fail: a key the parser does not know is not in the guide.
    assert!(!documented(&prose, "learning-rate"));
}

#[test]
fn the_guide_names_every_value_a_key_takes() {
    let prose = prose(&guide());
    let names: Vec<(&str, Vec<&str>)> = vec![
        ("generator", spec::Generator::names()),
        ("task", spec::Task::NAMES.to_vec()),
        ("activation", spec::Activation::NAMES.to_vec()),
        ("loss", spec::Loss::NAMES.to_vec()),
        ("optimizer", spec::Optimizer::NAMES.to_vec()),
        ("model", spec::Classic::NAMES.to_vec()),
        ("layout", spec::Layout::NAMES.to_vec()),
        ("figure", spec::FigureKind::NAMES.to_vec()),
        ("table", spec::TableKind::NAMES.to_vec()),
        ("metric", spec::Metric::NAMES.to_vec()),
        ("references", nnbook::config::References::NAMES.to_vec()),
    ];
    let missing: Vec<String> = names
        .iter()
        .flat_map(|(what, names)| {
            names
                .iter()
                .filter(|n| !documented(&prose, n))
                .map(move |n| format!("{what}: `{n}`"))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "the guide does not name these values:\n{}",
        missing.join("\n")
    );
}
