//! The whole book on one page (`print.html`, as mdBook's), to print or save as one PDF.
//!
//! Chapters are concatenated in order. Ids must stay unique on the combined page, so an id
//! that an earlier chapter (or the page around the chapters) already uses is renamed
//! `<id>-<chapter number>`, and every reference to it follows: `href="#id"` inside its
//! chapter, `href="<chapter page>#id"` from any chapter, `aria-labelledby`/`aria-describedby`
//! and SVG `url(#id)`. A link to a chapter page without a fragment goes to that chapter's
//! start. Figures are referenced relative to the site root, where print.html sits too.

use std::collections::{BTreeMap, BTreeSet};

use super::Page;

/// Ids the page around the chapters uses (base.html), which chapters must not reuse.
const TEMPLATE_IDS: &[&str] = &["content", "search-heading", "nnbook-error"];

/// The id of the element starting a chapter on the print page.
pub fn chapter_anchor(page: &Page) -> String {
    format!("chapter-{}", page.number)
}

/// Every chapter's body, ids made unique and links made internal, one `<section>` each.
pub fn combine(pages: &[Page]) -> String {
    let mut used: BTreeSet<String> = TEMPLATE_IDS.iter().map(|s| s.to_string()).collect();
    used.extend(pages.iter().map(chapter_anchor));
    // For each chapter page, its renamed ids.
    let mut renames: BTreeMap<&str, BTreeMap<String, String>> = BTreeMap::new();
    for p in pages {
        let mut mine = BTreeMap::new();
        for id in ids(&p.html) {
            if mine.contains_key(&id) {
                continue;
            }
            let new = if used.contains(&id) {
                let mut k = p.number;
                let mut candidate = format!("{id}-{k}");
                while used.contains(&candidate) {
                    k += 100;
                    candidate = format!("{id}-{k}");
                }
                candidate
            } else {
                id.clone()
            };
            used.insert(new.clone());
            mine.insert(id, new);
        }
        renames.insert(p.path.as_str(), mine);
    }
    let anchors: BTreeMap<&str, String> = pages
        .iter()
        .map(|p| (p.path.as_str(), chapter_anchor(p)))
        .collect();
    let mut out = String::new();
    for p in pages {
        let own = &renames[p.path.as_str()];
        let html = rewrite(&p.html, |attr, value| match attr {
            "id" => own.get(value).cloned(),
            "aria-labelledby" | "aria-describedby" => Some(
                value
                    .split_whitespace()
                    .map(|v| own.get(v).map_or(v, String::as_str))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            "href" => {
                let (target, fragment) = match value.split_once('#') {
                    Some((t, f)) => (t, Some(f)),
                    None => (value, None),
                };
                let table = if target.is_empty() {
                    own
                } else {
                    renames.get(target)?
                };
                Some(match fragment {
                    Some(f) => format!("#{}", table.get(f).map_or(f, String::as_str)),
                    None => format!("#{}", anchors.get(target)?),
                })
            }
            _ => None,
        });
        let html = rewrite_urls(&html, own);
        // A chapter without its own h1 gets its title, as its page does (chapter.html). The
        // book's title is the page's one h1, so every chapter's headings go down a level.
        let title = if p.html.contains("<h1") {
            String::new()
        } else {
            format!("<h1>{}</h1>\n", crate::content::escape(&p.title))
        };
        let html = demote(&format!("{title}{html}"));
        out.push_str(&format!(
            "<section class=\"print-chapter\" id=\"{}\" aria-label=\"Chapter {}\">\n{html}</section>\n",
            chapter_anchor(p),
            p.number,
        ));
    }
    out
}

/// Headings one level down (h1 → h2 … h5 → h6; h6 stays). Markup in text is escaped, so
/// `<hN` only starts a tag.
fn demote(html: &str) -> String {
    let mut out = html.to_string();
    for n in (1..=5).rev() {
        for (from, to) in [
            (format!("<h{n}>"), format!("<h{}>", n + 1)),
            (format!("<h{n} "), format!("<h{} ", n + 1)),
            (format!("</h{n}>"), format!("</h{}>", n + 1)),
        ] {
            out = out.replace(&from, &to);
        }
    }
    out
}

/// The values of `id` attributes, in order.
fn ids(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    rewrite(html, |attr, value| {
        if attr == "id" {
            out.push(value.to_string());
        }
        None
    });
    out
}

/// Call `f(attribute, value)` for every double-quoted attribute in tags, replacing the value
/// when `f` returns one. Text, comments and `<style>`/`<script>` contents are left as they are.
fn rewrite(html: &str, mut f: impl FnMut(&str, &str) -> Option<String>) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map_or(rest.len(), |e| e + 3);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let Some(gt) = tag_end(rest) else {
            break;
        };
        let tag = &rest[..gt];
        out.push_str(&rewrite_tag(tag, &mut f));
        rest = &rest[gt..];
        for raw in ["<style", "<script"] {
            if tag.starts_with(raw) {
                let close = format!("</{}", &raw[1..]);
                let end = rest.find(&close).unwrap_or(rest.len());
                out.push_str(&rest[..end]);
                rest = &rest[end..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The length of the tag starting `s` (up to and including `>`), skipping quoted values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

fn rewrite_tag(tag: &str, f: &mut impl FnMut(&str, &str) -> Option<String>) -> String {
    let mut out = String::with_capacity(tag.len());
    let mut rest = tag;
    while let Some(eq) = rest.find("=\"") {
        let name_start = rest[..eq]
            .rfind(|c: char| c.is_whitespace())
            .map_or(0, |i| i + 1);
        let name = &rest[name_start..eq];
        let value_start = eq + 2;
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        let value = &rest[value_start..value_start + len];
        out.push_str(&rest[..value_start]);
        match f(name, value) {
            Some(new) => out.push_str(&new),
            None => out.push_str(value),
        }
        rest = &rest[value_start + len..];
    }
    out.push_str(rest);
    out
}

/// SVG paint and clip references `url(#id)` to renamed ids.
fn rewrite_urls(html: &str, own: &BTreeMap<String, String>) -> String {
    let renamed: Vec<_> = own.iter().filter(|(a, b)| a != b).collect();
    let mut out = html.to_string();
    for (old, new) in renamed {
        out = out.replace(&format!("url(#{old})"), &format!("url(#{new})"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(number: usize, path: &str, html: &str) -> Page {
        Page {
            number,
            title: format!("Chapter {number}"),
            path: path.into(),
            html: html.into(),
            toc: Vec::new(),
            search: Vec::new(),
        }
    }

    #[test]
    fn ids_stay_unique_and_links_stay_inside() {
        let pages = [
            page(
                1,
                "a.html",
                r##"<h2 id="intro">Intro</h2><a href="#intro">self</a> <a href="b.html#intro">b</a> <a href="b.html#fig">fig</a> <a href="b.html">B</a> <a href="index.html">home</a> <a href="https://x.org/#intro">out</a>"##,
            ),
            page(
                2,
                "b.html",
                r##"<h2 id="intro">Intro</h2><a href="#intro">self</a><figure id="fig"><svg aria-labelledby="t d"><title id="t">T</title><desc id="d">D</desc><clipPath id="content"/><g clip-path="url(#content)"/></svg></figure><a href="a.html#intro">a</a>"##,
            ),
        ];
        let html = combine(&pages);
        assert!(html.contains(r#"<section class="print-chapter" id="chapter-1""#));
        assert!(html.contains(r##"<h3 id="intro">Intro</h3><a href="#intro">self</a> <a href="#intro-2">b</a> <a href="#fig">fig</a> <a href="#chapter-2">B</a> <a href="index.html">home</a> <a href="https://x.org/#intro">out</a>"##), "{html}");
        assert!(
            html.contains(r##"<h3 id="intro-2">Intro</h3><a href="#intro-2">self</a>"##),
            "{html}"
        );
        assert!(html.contains("<h2>Chapter 1</h2>"), "{html}");
        assert!(
            html.contains(r##"<clipPath id="content-2"/><g clip-path="url(#content-2)"/>"##),
            "{html}"
        );
        assert!(html.contains(r##"<svg aria-labelledby="t d">"##));
        assert!(html.contains(r##"<a href="#intro">a</a>"##));
        let all = ids(&html);
        let unique: BTreeSet<_> = all.iter().collect();
        assert_eq!(all.len(), unique.len(), "{all:?}");
    }

    #[test]
    fn styles_scripts_and_comments_are_untouched() {
        let html = r#"<!-- id="x" --><style>a[id="x"]{}</style><p id="x" title="a > b">t</p>"#;
        let seen = ids(html);
        assert_eq!(seen, ["x"]);
        assert_eq!(rewrite(html, |_, _| None), html);
    }
}
