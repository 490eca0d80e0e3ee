//! The client-side search index, written at build time as `search-index.js` (a script that
//! hands the index to `book.js`: loaded only when the reader opens search, and it works from
//! `file://` too, where `fetch` of a JSON file would be refused).
//!
//! Every page is cut into documents: the part before the first heading, one per heading with
//! an id (h1–h3), and one per figure (its caption, its experiment block's source and the
//! experiment's metadata: dataset, architecture, optimizer, loss). Words are lower-cased runs
//! of letters and digits; Chinese, Japanese and Korean text, written without spaces, becomes
//! overlapping character bigrams. `book.js` tokenises the query the same way.
//!
//! The output is deterministic: documents in page order, terms in a sorted map.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Page;

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

/// Cut every page into documents. `meta` maps a figure id to extra searchable words (the
/// experiment's dataset, architecture, optimizer…).
pub fn collect(pages: &[Page], meta: &BTreeMap<String, String>) -> Collected {
    let mut c = Collected::default();
    for p in pages {
        scan_page(p, meta, &mut c);
    }
    c
}

/// The index as the body of `search-index.js`.
pub fn index_script(pages: &[Page], meta: &BTreeMap<String, String>) -> String {
    let json = index_json(&collect(pages, meta));
    format!("window.nnbookSearchIndex = {json};\n")
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

/// Elements whose text is not searchable prose.
const SKIP: &[&str] = &[
    "script", "style", "svg", "math", "button", "template", "summary",
];

fn scan_page(page: &Page, meta: &BTreeMap<String, String>, c: &mut Collected) {
    let html = &page.html;
    let start = c.docs.len();
    let chapter = format!("{}. {}", page.number, page.title);
    let new_doc = |c: &mut Collected, anchor: &str, title: String, kind| {
        c.docs.push(Doc {
            page: page.path.clone(),
            anchor: anchor.to_string(),
            title,
            kind,
            chapter: chapter.clone(),
            snippet: String::new(),
        });
        c.texts.push(String::new());
        c.docs.len() - 1
    };
    let mut section = new_doc(c, "", page.title.clone(), "page");
    // Open elements whose text goes somewhere special.
    let mut skip_depth = 0usize;
    let mut skip_tag = String::new();
    let mut heading: Option<(String, String)> = None; // (tag, id) being read
    let mut heading_text = String::new();
    let mut in_anchor_link = false;
    let mut figure: Option<(usize, usize)> = None; // (doc, nesting depth of <figure>)
    let mut figure_depth = 0usize;
    // A figure's "How this figure was made" disclosure follows it: the figure's doc, while the
    // next tag may still open it, and while its text is read.
    let mut after_figure: Option<usize> = None;
    let mut source: Option<usize> = None;
    let mut in_caption = false;
    let mut caption = String::new();

    let mut rest = html.as_str();
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(
                rest,
                c,
                target(section, figure, source),
                skip_depth,
                &heading,
                in_anchor_link,
                &mut heading_text,
                in_caption,
                &mut caption,
            );
            break;
        };
        push_text(
            &rest[..lt],
            c,
            target(section, figure, source),
            skip_depth,
            &heading,
            in_anchor_link,
            &mut heading_text,
            in_caption,
            &mut caption,
        );
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
            continue;
        }
        let end = tag_end(rest);
        let tag = &rest[1..end.saturating_sub(1).max(1)];
        rest = &rest[end..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|ch| ch.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if skip_depth > 0 {
            if name == skip_tag {
                if closing {
                    skip_depth -= 1;
                } else if !tag.ends_with('/') {
                    skip_depth += 1;
                }
            }
            continue;
        }
        if !closing && SKIP.contains(&name.as_str()) && !tag.ends_with('/') {
            skip_depth = 1;
            skip_tag = name;
            continue;
        }
        let id = attr(tag, "id");
        let class = attr(tag, "class").unwrap_or_default();
        let follows_figure = after_figure.take();
        match (name.as_str(), closing) {
            ("h1" | "h2" | "h3", false) if id.is_some() && figure.is_none() => {
                heading = Some((name.clone(), id.unwrap_or_default()));
                heading_text.clear();
            }
            ("h1" | "h2" | "h3", true) if heading.as_ref().is_some_and(|(t, _)| *t == name) => {
                let (_, id) = heading.take().unwrap_or_default();
                let title = collapse(&heading_text);
                section = new_doc(c, &id, title.clone(), "section");
                c.texts[section].push_str(&title);
                c.texts[section].push(' ');
            }
            ("a", false) if class.split_whitespace().any(|k| k == "anchor") => {
                in_anchor_link = true;
            }
            ("a", true) => in_anchor_link = false,
            ("figure", false) => {
                figure_depth += 1;
                if figure.is_none()
                    && let Some(id) = id
                {
                    let doc = new_doc(c, &id, String::new(), "figure");
                    if let Some(m) = meta.get(&id) {
                        c.texts[doc].push_str(m);
                        c.texts[doc].push(' ');
                    }
                    figure = Some((doc, figure_depth));
                }
            }
            ("figure", true) => {
                if let Some((doc, depth)) = figure
                    && depth == figure_depth
                {
                    let cap = collapse(&caption);
                    c.docs[doc].title = cap.clone();
                    // The caption is part of the section's text as well.
                    c.texts[section].push_str(&cap);
                    c.texts[section].push(' ');
                    let text = format!("{cap} {}", c.texts[doc]);
                    c.texts[doc] = text;
                    figure = None;
                    caption.clear();
                    after_figure = Some(doc);
                }
                figure_depth = figure_depth.saturating_sub(1);
            }
            ("figcaption", false) => in_caption = true,
            ("figcaption", true) => in_caption = false,
            ("details", false) if class.split_whitespace().any(|k| k == "nn-source") => {
                source = follows_figure;
            }
            ("details", true) => source = None,
            _ => {}
        }
        if matches!(
            name.as_str(),
            "p" | "li" | "div" | "br" | "td" | "th" | "tr" | "pre" | "h1" | "h2" | "h3" | "h4"
        ) {
            c.texts[target(section, figure, source)].push(' ');
        }
    }
    for i in start..c.docs.len() {
        {
            let text = collapse(&c.texts[i]);
            let body = text
                .strip_prefix(c.docs[i].title.as_str())
                .unwrap_or(&text)
                .trim_start();
            c.docs[i].snippet = truncate(body, SNIPPET);
            c.texts[i] = text;
        }
    }
}

/// The document that text read now belongs to: the open figure, the disclosure of the figure
/// just closed, or the section.
fn target(section: usize, figure: Option<(usize, usize)>, source: Option<usize>) -> usize {
    figure.map(|(d, _)| d).or(source).unwrap_or(section)
}

#[allow(clippy::too_many_arguments)]
fn push_text(
    raw: &str,
    c: &mut Collected,
    target: usize,
    skip_depth: usize,
    heading: &Option<(String, String)>,
    in_anchor_link: bool,
    heading_text: &mut String,
    in_caption: bool,
    caption: &mut String,
) {
    if raw.is_empty() || skip_depth > 0 || in_anchor_link {
        return;
    }
    let text = decode_entities(raw);
    if heading.is_some() {
        heading_text.push_str(&text);
    } else if in_caption {
        caption.push_str(&text);
    } else {
        c.texts[target].push_str(&text);
    }
}

/// Index just past the `>` closing the tag at the start of `s` (quotes respected).
fn tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, ch) in s.char_indices().skip(1) {
        match (quote, ch) {
            (None, '"' | '\'') => quote = Some(ch),
            (Some(q), _) if ch == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// The value of attribute `name` in a tag's text.
fn attr(tag: &str, name: &str) -> Option<String> {
    let mut search = tag;
    loop {
        let i = search.find(name)?;
        let before = search[..i].chars().last();
        let after = &search[i + name.len()..];
        if before.is_some_and(char::is_whitespace)
            && let Some(v) = after.strip_prefix("=\"")
        {
            let end = v.find('"')?;
            return Some(decode_entities(&v[..end]));
        }
        search = &search[i + name.len()..];
    }
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let ch = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => ent
                    .strip_prefix("#x")
                    .or_else(|| ent.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            ch.map(|ch| (ch, e))
        });
        match decoded {
            Some((ch, e)) => {
                out.push(ch);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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

    fn page(path: &str, html: &str) -> Page {
        Page {
            number: 1,
            title: "Intro".into(),
            path: path.into(),
            html: html.into(),
            toc: Vec::new(),
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
        let html = r##"<p>Opening &amp; words.</p>
<h2 id="the-xor">The XOR<a class="anchor" href="#the-xor" aria-label="Link">#</a></h2>
<p>Some <em>prose</em> about 神经网络.</p>
<figure class="nn-figure" id="xor-regions">
<img src="figures/xor-regions.svg" alt="x">
<figcaption>Figure 1.1: Regions &lt;of&gt; XOR</figcaption>
</figure>
<details class="nn-source"><summary>How</summary><pre><code>id: xor spec</code></pre></details>
<p>More prose.</p><details class="nn-source"><summary>How</summary><p>stray</p></details>
<math><mi>zzzmath</mi></math><script>var hidden = 1;</script>
<h3 id="after">After</h3><p>tail</p>"##;
        let mut meta = BTreeMap::new();
        meta.insert(
            "xor-regions".to_string(),
            "dataset xor optimizer adam".to_string(),
        );
        let c = collect(&[page("01-intro.html", html)], &meta);
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
        assert_eq!(c.docs[2].title, "Figure 1.1: Regions <of> XOR");
        let json = index_json(&c);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let terms = &v["terms"];
        assert_eq!(terms["xor"], serde_json::json!([1, 2]));
        assert_eq!(terms["adam"], serde_json::json!([2]), "experiment metadata");
        assert_eq!(terms["神经"], serde_json::json!([1]));
        assert_eq!(terms["prose"], serde_json::json!([1]));
        assert_eq!(terms["tail"], serde_json::json!([3]));
        // The disclosure after a figure is the figure's; one after anything else is not.
        assert_eq!(terms["spec"], serde_json::json!([2]));
        assert_eq!(terms["stray"], serde_json::json!([1]));
        assert_eq!(c.docs[2].snippet, "dataset xor optimizer adam id: xor spec");
        assert!(terms.get("zzzmath").is_none(), "math skipped");
        assert!(terms.get("hidden").is_none(), "scripts skipped");
        // The anchor link's `#` is not part of the title.
        assert_eq!(v["docs"][1][2], "The XOR");
        // Text stays plain in the index (the client only ever sets textContent), with `<` and
        // `>` as JSON escapes so the script text never reads as markup.
        assert!(json.contains("Regions \\u003cof\\u003e XOR"), "{json}");
        assert!(!json.contains('<'));
    }

    #[test]
    fn deterministic() {
        let html = "<h2 id=\"a\">A</h2><p>b c d 数据集</p><h2 id=\"b\">B</h2><p>d c</p>";
        let meta = BTreeMap::new();
        let one = index_script(&[page("x.html", html)], &meta);
        let two = index_script(&[page("x.html", html)], &meta);
        assert_eq!(one, two);
        assert!(one.starts_with("window.nnbookSearchIndex = {\"version\":1,"));
    }

    #[test]
    fn attributes_and_entities() {
        assert_eq!(
            attr(" id=\"x\" class=\"a b\"", "class").as_deref(),
            Some("a b")
        );
        assert_eq!(attr(" data-id=\"x\" id=\"y\"", "id").as_deref(), Some("y"));
        assert_eq!(
            decode_entities("&lt;a&gt; &#x4e2d; &#20013; & x"),
            "<a> 中 中 & x"
        );
        assert_eq!(truncate("one two three", 8), "one two…");
    }
}
