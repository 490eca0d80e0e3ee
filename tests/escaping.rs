//! Text from book.yaml, front matter and blocks (captions, titles, axis labels, diagram labels)
//! is escaped in every HTML, SVG, XML and JSON file of the site; an author's raw HTML in prose
//! is kept as written.

mod common;

use common::*;

const PAYLOAD: &str = r#"</svg><script>alert(1)</script> "><img src=x onerror=alert(2)> {{ 7*7 }} {% if true %}T{% endif %} & ]]>"#;

fn quoted() -> String {
    // YAML single quotes: only `'` would need doubling.
    format!("'{PAYLOAD}'")
}

fn hostile_book() -> TempDir {
    let dir = TempDir::new("escaping");
    let root = dir.path();
    std::fs::create_dir_all(root.join("content")).unwrap();
    let q = quoted();
    std::fs::write(
        root.join("book.yaml"),
        format!(
            "title: {q}\nauthors: [{q}]\ndescription: {q}\nsite_url: https://example.github.io/x\n"
        ),
    )
    .unwrap();
    let chapter = format!(
        r#"---
title: {q}
---

# Hostile

<div class="author-raw"><b>kept</b> as written</div>

```nn
id: xor
data: {{generator: xor}}
model: [{{dense: 4, activation: tanh}}, {{dense: 1, activation: sigmoid}}]
train: {{optimizer: adam, lr: 0.05, epochs: 20, batch: full, seed: 3}}
show:
  - {{figure: scatter, id: pts, caption: {q}, title: {q}, x-label: {q}, y-label: {q}}}
  - {{figure: training-curve, id: curve, caption: {q}, title: {q}}}
  - {{figure: decision-regions, id: regions, caption: {q}, title: {q}, x-label: {q}, y-label: {q}, grid: 20}}
  - {{figure: network-diagram, id: net, caption: {q}, captions: [{q}, {q}], node-labels: [[{q}, {q}]]}}
  - {{table: summary, id: summary, caption: {q}}}
  - {{table: data, id: data, caption: {q}}}
```

See @pts and @summary.
"#
    );
    std::fs::write(root.join("content/01-hostile.md"), chapter).unwrap();
    dir
}

/// Whether a JSON value holds the string `s` anywhere.
fn holds(v: &serde_json::Value, s: &str) -> bool {
    match v {
        serde_json::Value::String(t) => t == s,
        serde_json::Value::Array(a) => a.iter().any(|x| holds(x, s)),
        serde_json::Value::Object(o) => o.values().any(|x| holds(x, s)),
        _ => false,
    }
}

#[test]
fn hostile_text_is_escaped_everywhere() {
    let book = hostile_book();
    build_ok(book.path(), &[]);
    let site = read_tree(&book.path().join("site"));
    let mut checked = 0;
    for (name, bytes) in &site {
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        if name.ends_with(".json") {
            // JSON is data: escaped by JSON's rules, and it reads back as the author wrote it.
            let v: serde_json::Value = serde_json::from_str(text).expect(name);
            if name == "manifest.json" {
                assert!(holds(&v, PAYLOAD), "{v}");
            }
            continue;
        }
        for raw in [
            "<script>alert(1)",
            "<img src=x onerror",
            "onerror=alert(2)>",
            // The payload's own `"><img`; the page's markup has `"><img src="figures/…` of its
            // own (the link that opens a figure full size).
            "\"><img src=x",
        ] {
            assert!(!text.contains(raw), "{name} contains raw `{raw}`");
        }
        // Template syntax in text is text: never evaluated by tera.
        assert!(!text.contains(">49<") && !text.contains(" 49 "), "{name}");
        // Figures (the theme's own SVGs, such as the favicon, hold no book text).
        if name.ends_with(".svg") && name.starts_with("figures/") {
            checked += 1;
            assert!(
                resvg::usvg::Tree::from_str(text, &resvg::usvg::Options::default()).is_ok(),
                "{name} is not well-formed SVG"
            );
            assert!(text.contains("{{ 7*7 }}"), "{name} lost the text");
        }
    }
    assert!(checked >= 4, "only {checked} SVG files");
    let page = String::from_utf8(site["01-hostile.html"].clone()).unwrap();
    assert!(
        page.contains("&lt;&#x2F;svg&gt;&lt;script&gt;")
            || page.contains("&lt;/svg&gt;&lt;script&gt;"),
        "the caption is shown, escaped"
    );
    assert!(page.contains("{{ 7*7 }}") && page.contains("{% if true %}T{% endif %}"));
    // The author's own HTML in prose is the author's page: kept as written.
    assert!(
        page.contains("<div class=\"author-raw\"><b>kept</b> as written</div>"),
        "{page}"
    );
}
