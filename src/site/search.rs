//! The client-side search index, written at build time as `search-index.js` (a script that
//! hands the index to `book.js`: loaded only when the reader opens search, and it works from
//! `file://` too, where `fetch` of a JSON file would be refused).
//!
//! It is built from what rendering knows, never from the HTML: each chapter's outline (the
//! text under each heading, recorded by `content::render`) with the figures and tables of its
//! experiment blocks put where they stand (their numbered captions, their text and the
//! experiment's metadata: dataset, architecture, optimizer, loss). Every page is cut into
//! documents: the part before the first heading, one per heading (h1–h3), one per figure or
//! table. Words are lower-cased runs of letters and digits; Chinese, Japanese and Korean text,
//! written without spaces, becomes overlapping character bigrams. `book.js` tokenises the
//! query the same way.
//!
//! The output is deterministic: documents in page order, terms in a sorted map.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Page;
use crate::content::outline::{Outline, Run, collapse};

/// Longest snippet kept per document, in characters.
const SNIPPET: usize = 180;

/// One search result target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Doc {
    /// Page path relative to the site root.
    pub page: String,
    /// Fragment (heading or figure id); empty for the top of the page.
    pub anchor: String,
    /// Heading text, or "Figure 2.1: caption".
    pub title: String,
    /// `page`, `section` or `figure`.
    pub kind: &'static str,
    /// The chapter's title, shown beside section and figure results.
    pub chapter: String,
    /// The first words of the document's text.
    pub snippet: String,
}

#[derive(Debug, Serialize)]
struct Index<'a> {
    version: u32,
    /// Each document as [page, anchor, title, kind, chapter, snippet].
    docs: Vec<[&'a str; 6]>,
    /// Term → sorted document numbers.
    terms: BTreeMap<String, Vec<usize>>,
}

/// Documents and their text, before indexing.
#[derive(Debug, Default)]
pub struct Collected {
    pub docs: Vec<Doc>,
    texts: Vec<String>,
}

/// A piece of a page's searchable text, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A heading (h1–h3) starts a section.
    Heading { anchor: String, title: String },
    /// Text of the current section.
    Text(String),
    /// A figure or table: a document of its own; its numbered caption (`title`) is part of the
    /// section's text as well.
    Item {
        anchor: String,
        title: String,
        text: String,
    },
}

/// A chapter's outline with the items of its experiment blocks in place: `blocks[k]` holds
/// what the k-th fenced block shows (figures and tables as [`Part::Item`], notices as text).
/// The outline's values and citations are filled in by now; a marker still left is skipped.
pub fn parts(outline: &Outline, blocks: &[Vec<Part>]) -> Vec<Part> {
    let mut out = Vec::new();
    for (i, section) in outline.sections.iter().enumerate() {
        if i > 0 {
            out.push(Part::Heading {
                anchor: section.anchor.clone(),
                title: section.title.clone(),
            });
        }
        for run in &section.runs {
            match run {
                Run::Text(t) => out.push(Part::Text(t.clone())),
                Run::Block(k) => out.extend(blocks.get(*k).into_iter().flatten().cloned()),
                Run::Value(_) | Run::Cite(_) => {}
            }
        }
    }
    out
}

/// Cut every page into documents.
pub fn collect(pages: &[Page]) -> Collected {
    let mut c = Collected::default();
    for p in pages {
        collect_page(p, &mut c);
    }
    c
}

/// The index as the body of `search-index.js`.
pub fn index_script(pages: &[Page]) -> String {
    let json = index_json(&collect(pages));
    format!("window.nnbookSearchIndex = {json};\n")
}

fn collect_page(page: &Page, c: &mut Collected) {
    let start = c.docs.len();
    let chapter = format!("{}. {}", page.number, page.title);
    let new_doc = |c: &mut Collected, anchor: &str, title: &str, kind| {
        c.docs.push(Doc {
            page: page.path.clone(),
            anchor: anchor.to_string(),
            title: title.to_string(),
            kind,
            chapter: chapter.clone(),
            snippet: String::new(),
        });
        // A document's text starts with its title, which the snippet leaves out.
        c.texts.push(if title.is_empty() || kind == "page" {
            String::new()
        } else {
            format!("{title} ")
        });
        c.docs.len() - 1
    };
    let mut section = new_doc(c, "", &page.title, "page");
    for part in &page.search {
        match part {
            Part::Heading { anchor, title } => section = new_doc(c, anchor, title, "section"),
            Part::Text(t) => c.texts[section].push_str(t),
            Part::Item {
                anchor,
                title,
                text,
            } => {
                let doc = new_doc(c, anchor, title, "figure");
                c.texts[doc].push_str(text);
                let s = &mut c.texts[section];
                s.push(' ');
                s.push_str(title);
                s.push(' ');
            }
        }
    }
    for i in start..c.docs.len() {
        let text = collapse(&c.texts[i]);
        let body = text
            .strip_prefix(c.docs[i].title.as_str())
            .unwrap_or(&text)
            .trim_start();
        c.docs[i].snippet = truncate(body, SNIPPET);
        c.texts[i] = text;
    }
}

/// The index as JSON.
pub fn index_json(c: &Collected) -> String {
    let mut terms: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (i, (doc, text)) in c.docs.iter().zip(&c.texts).enumerate() {
        for t in tokens(&doc.title).into_iter().chain(tokens(text)) {
            terms.entry(t).or_default().insert(i);
        }
    }
    let index = Index {
        version: 1,
        docs: c
            .docs
            .iter()
            .map(|d| {
                [
                    d.page.as_str(),
                    d.anchor.as_str(),
                    d.title.as_str(),
                    d.kind,
                    d.chapter.as_str(),
                    d.snippet.as_str(),
                ]
            })
            .collect(),
        terms: terms
            .into_iter()
            .map(|(t, s)| (t, s.into_iter().collect()))
            .collect(),
    };
    // `<`, `>` and `&` as JSON escapes: the index is script text, and must never read as
    // markup wherever it ends up.
    serde_json::to_string(&index)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Chinese, Japanese and Korean characters (written without spaces between words).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x2FFFF) // Extensions B–F
}

/// Search terms of a text: lower-cased words of letters and digits (single letters dropped),
/// and character bigrams of CJK runs (a lone CJK character is a term by itself).
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    let flush_word = |word: &mut String, out: &mut Vec<String>| {
        let n = word.chars().count();
        if n > 1 || word.chars().all(|c| c.is_ascii_digit()) && n == 1 {
            out.push(std::mem::take(word));
        }
        word.clear();
    };
    let flush_run = |run: &mut Vec<char>, out: &mut Vec<String>| {
        match run.len() {
            0 => {}
            1 => out.push(run[0].to_string()),
            _ => out.extend(run.windows(2).map(|w| w.iter().collect::<String>())),
        }
        run.clear();
    };
    for c in text.chars() {
        if is_cjk(c) {
            flush_word(&mut word, &mut out);
            run.push(c);
        } else if c.is_alphanumeric() {
            flush_run(&mut run, &mut out);
            word.extend(c.to_lowercase());
        } else {
            flush_word(&mut word, &mut out);
            flush_run(&mut run, &mut out);
        }
    }
    flush_word(&mut word, &mut out);
    flush_run(&mut run, &mut out);
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let cut: String = s.chars().take(n).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Chapter, Label, Labels, render_chapter};

    /// A page rendered from Markdown, its k-th experiment block showing `blocks[k]`.
    fn page(path: &str, markdown: &str, blocks: &[Vec<Part>]) -> Page {
        let chapter = Chapter {
            number: 1,
            source: "content/a.md".into(),
            text: markdown.into(),
            title: "Intro".into(),
            page: path.into(),
            blocks: Vec::new(),
            equations: Vec::new(),
        };
        let mut labels = Labels::new();
        labels.insert(
            "fig-x".into(),
            Label {
                page: "b.html".into(),
                anchor: "fig-x".into(),
                text: "Figure 2.1".into(),
            },
        );
        let r = render_chapter(&chapter, &labels).unwrap();
        Page {
            number: 1,
            title: "Intro".into(),
            path: path.into(),
            html: r.html,
            toc: r.toc,
            search: parts(&r.outline, blocks),
        }
    }

    #[test]
    fn words_and_cjk_bigrams() {
        assert_eq!(
            tokens("Hello, World! a 3 x2"),
            ["hello", "world", "3", "x2"]
        );
        assert_eq!(tokens("神经网络"), ["神经", "经网", "网络"]);
        assert_eq!(tokens("学习rate 的"), ["学习", "rate", "的"]);
        assert_eq!(tokens("ÉTÉ naïve"), ["été", "naïve"]);
        assert_eq!(tokens("ニューラル"), ["ニュ", "ュー", "ーラ", "ラル"]);
    }

    #[test]
    fn documents_for_headings_and_figures() {
        let md = "Opening & words.\n\n## The XOR\n\nSome *prose* about 神经网络, see @fig-x and $zzzmath$.\n\n```nn\nid: xor\n```\n\n![zzzalt](a.png)\n\n> [!TIP]\n> kept\n\n#### Small heading\n\ndeep text\n\n```python\nprint(zzzcode)\n```\n\n### After\n\nta<b>il</b> `spanned`\n";
        let figure = Part::Item {
            anchor: "xor-regions".into(),
            title: "Figure 1.1 Regions <of> XOR".into(),
            text: "dataset xor optimizer adam id: xor spec".into(),
        };
        let notice = Part::Text(" Table 1.2 zzznotice ".into());
        let c = collect(&[page("01-intro.html", md, &[vec![figure, notice]])]);
        let kinds: Vec<_> = c.docs.iter().map(|d| (d.kind, d.anchor.as_str())).collect();
        assert_eq!(
            kinds,
            [
                ("page", ""),
                ("section", "the-xor"),
                ("figure", "xor-regions"),
                ("section", "after")
            ]
        );
        assert_eq!(c.docs[0].snippet, "Opening & words.");
        assert_eq!(c.docs[1].title, "The XOR");
        assert_eq!(c.docs[2].title, "Figure 1.1 Regions <of> XOR");
        // The section reads its figure's caption where the figure stands.
        assert!(
            c.docs[1]
                .snippet
                .starts_with("Some prose about 神经网络, see Figure 2.1 and . Figure 1.1 Regions <of> XOR Table 1.2 zzznotice Tip kept Small heading deep text print(zzzcode)"),
            "{}",
            c.docs[1].snippet
        );
        let json = index_json(&c);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let terms = &v["terms"];
        let at = |t: &str| terms[t].clone();
        assert_eq!(at("xor"), serde_json::json!([1, 2]));
        assert_eq!(at("adam"), serde_json::json!([2]), "experiment metadata");
        assert_eq!(at("spec"), serde_json::json!([2]), "block source");
        assert_eq!(at("神经"), serde_json::json!([1]));
        assert_eq!(at("prose"), serde_json::json!([1]));
        assert_eq!(
            at("figure"),
            serde_json::json!([1, 2]),
            "cross-reference text"
        );
        for (word, docs) in [
            ("zzznotice", [1]),
            ("tip", [1]),
            ("small", [1]),
            ("deep", [1]),
            ("zzzcode", [1]),
            ("spanned", [3]),
        ] {
            assert_eq!(at(word), serde_json::json!(docs), "{word}");
        }
        // Inline HTML written in the Markdown: its tags are left out, its text kept.
        assert_eq!(at("tail"), serde_json::json!([3]));
        assert!(terms.get("zzzmath").is_none(), "math skipped");
        assert!(terms.get("zzzalt").is_none(), "alt text skipped");
        // The anchor link's `#` is not part of the title.
        assert_eq!(v["docs"][1][2], "The XOR");
        // Text stays plain in the index (the client only ever sets textContent), with `<` and
        // `>` as JSON escapes so the script text never reads as markup.
        assert!(json.contains("Regions \\u003cof\\u003e XOR"), "{json}");
        assert!(!json.contains('<'));
    }

    #[test]
    fn values_and_citations_are_text_and_reference_lists_are_sections() {
        let mut outline = crate::content::outline::Outline::default();
        outline.sections[0].runs = vec![
            Run::Text("loss ".into()),
            Run::Value(0),
            Run::Text(" as ".into()),
            Run::Cite(0),
            Run::Block(3),
        ];
        outline.fill_values(&["0.123".into()]);
        outline.fill_cites(&["(Cybenko, 1989)".into()]);
        outline.push_section("nn-references", "References", &["Cybenko, G.".into()]);
        let p = Page {
            number: 2,
            title: "Two".into(),
            path: "02.html".into(),
            html: String::new(),
            toc: Vec::new(),
            search: parts(&outline, &[]),
        };
        let c = collect(&[p]);
        assert_eq!(c.docs[0].snippet, "loss 0.123 as (Cybenko, 1989)");
        assert_eq!(c.docs[1].anchor, "nn-references");
        assert_eq!(c.docs[1].chapter, "2. Two");
        assert_eq!(c.docs[1].snippet, "Cybenko, G.");
    }

    #[test]
    fn deterministic() {
        let md = "## A\n\nb c d 数据集\n\n## B\n\nd c\n";
        let one = index_script(&[page("x.html", md, &[])]);
        let two = index_script(&[page("x.html", md, &[])]);
        assert_eq!(one, two);
        assert!(one.starts_with("window.nnbookSearchIndex = {\"version\":1,"));
    }

    #[test]
    fn snippets_are_cut_at_a_word() {
        assert_eq!(truncate("one two three", 8), "one two…");
    }
}
