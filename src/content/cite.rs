//! Citations: `[@key]`, `[@key, p. 3]` and `[@a; @b]` in prose cite entries of the file
//! book.yaml's `bibliography:` names (BibTeX or BibLaTeX). hayagriva parses the file and styles
//! citations and reference lists with a CSL style: the bundled APA style, or the book's own
//! `csl:` file. Nothing here reads the clock, so the same sources give the same pages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{
    Display, FontStyle, FontVariant, FontWeight, IndependentStyle, Locale, LocaleFile,
    TextDecoration, VerticalAlign,
};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild,
    ElemChildren, ElemMeta, Library, LocatorPayload, SpecificLocator,
};

use super::{escape, line_col};
use crate::config::{Config, References};
use crate::diag::{Diagnostic, Location, display_path};

/// The default style (APA 7th edition) and the English terms it needs, from the Citation Style
/// Language projects (CC BY-SA 3.0; see assets/csl/LICENSE-CSL.txt).
const APA: &str = include_str!("../../assets/csl/apa.csl");
const EN_US: &str = include_str!("../../assets/csl/locales-en-US.xml");

/// Bibliography files are read whole; a few thousand entries fit easily.
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// The element id of the reference list and the prefix of each entry's id.
pub const LIST_ID: &str = "nn-references";
const ENTRY_PREFIX: &str = "ref-";

/// The book's bibliography with the style it is shown in.
pub struct Bibliography {
    library: Library,
    style: IndependentStyle,
    locales: Vec<Locale>,
    /// The file as book.yaml names it, and its text (to point at an entry).
    file: PathBuf,
    text: String,
}

/// One citation in prose: the entries it cites, in the order written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cite {
    pub items: Vec<CiteItem>,
}

/// One cited entry with its locator (`p. 3`), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiteItem {
    pub key: String,
    /// Byte offset of the `@` in the text the citation was parsed from.
    pub offset: usize,
    pub locator: Option<(Locator, String)>,
}

/// A citation that could not be parsed: where (offset and length in the text) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCite {
    pub offset: usize,
    pub len: usize,
    pub message: String,
    pub hint: String,
}

/// The marker standing where the k-th citation of a chapter goes.
pub fn placeholder(k: usize) -> String {
    format!("<!--nnbook:cite:{k}-->")
}

impl Bibliography {
    /// Read book.yaml's `bibliography:` and `csl:` files (None: the book cites nothing).
    pub fn load(root: &Path, config: &Config) -> Result<Option<Bibliography>, Diagnostic> {
        let Some((file, named_at)) = &config.bibliography else {
            return Ok(None);
        };
        let text = read(root, file, named_at, "bibliography")?;
        let library = hayagriva::io::from_biblatex_str(&text).map_err(|errors| {
            let (span, message) = match errors.first() {
                Some(hayagriva::io::BibLaTeXError::Parse(e)) => (e.span.clone(), e.kind.to_string()),
                Some(hayagriva::io::BibLaTeXError::Type(e)) => (e.span.clone(), e.kind.to_string()),
                None => (0..0, "cannot read it".to_string()),
            };
            let (line, col) = line_col(&text, span.start);
            let len = text
                .get(span.clone())
                .map_or(1, |s| s.lines().next().unwrap_or("").chars().count().max(1));
            Diagnostic::error(
                "E017",
                format!("{} is not valid BibTeX: {message}", display_path(file)),
            )
            .at(Location::at(file, line, col, len))
            .hint("entries look like `@article{key, author = {Last, First}, title = {...}, year = {1989}}`")
            .with_source(&text)
        })?;
        let style = match &config.csl {
            None => IndependentStyle::from_xml(APA).map_err(|e| {
                Diagnostic::error("E017", format!("the bundled citation style is broken: {e}"))
            })?,
            Some((csl, csl_at)) => {
                let xml = read(root, csl, csl_at, "citation style")?;
                IndependentStyle::from_xml(&xml).map_err(|e| {
                    Diagnostic::error(
                        "E017",
                        format!("{} is not a CSL style: {e}", display_path(csl)),
                    )
                    .at(csl_at.clone())
                    .hint("`csl:` names an independent CSL 1.0 style file (.csl), such as one from https://github.com/citation-style-language/styles")
                })?
            }
        };
        let en = LocaleFile::from_xml(EN_US).map_err(|e| {
            Diagnostic::error("E017", format!("the bundled English terms are broken: {e}"))
        })?;
        Ok(Some(Bibliography {
            library,
            style,
            locales: vec![en.into()],
            file: file.clone(),
            text,
        }))
    }

    /// Every key of the bibliography, in the file's order.
    pub fn keys(&self) -> Vec<String> {
        self.library.keys().map(str::to_string).collect()
    }

    /// Where the entry `key` starts in the bibliography file.
    pub fn location(&self, key: &str) -> Location {
        let found = self.text.match_indices(key).find(|(i, _)| {
            let before = self.text[..*i].trim_end();
            before.ends_with('{') || before.ends_with('(')
        });
        match found {
            Some((i, _)) => {
                let (line, col) = line_col(&self.text, i);
                Location::at(&self.file, line, col, key.chars().count())
            }
            None => Location::file(&self.file),
        }
    }

    /// The source text of the bibliography (for diagnostics).
    pub fn text(&self) -> &str {
        &self.text
    }
}

fn read(root: &Path, file: &Path, at: &Location, what: &str) -> Result<String, Diagnostic> {
    let shown = display_path(file);
    let path = crate::config::inside_root(root, file).map_err(|d| d.at(at.clone()))?;
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > MAX_BYTES) {
        return Err(Diagnostic::error(
            "E017",
            format!("the {what} `{shown}` is larger than 16 MiB"),
        )
        .at(at.clone()));
    }
    let bytes = std::fs::read(&path).map_err(|e| {
        Diagnostic::error("E017", format!("cannot read the {what} `{shown}`: {e}"))
            .at(at.clone())
            .hint("the path is relative to the book's folder")
    })?;
    String::from_utf8(bytes).map_err(|_| {
        Diagnostic::error("E017", format!("the {what} `{shown}` is not UTF-8 text"))
            .at(at.clone())
            .hint("save the file as UTF-8")
    })
}

/// Parse the inside of `[...]` as a citation when it starts with `@` (None: plain text).
/// `base` is the offset of the inside in the caller's text, for the offsets returned.
pub fn parse(inner: &str, base: usize) -> Option<Result<Cite, BadCite>> {
    if !inner.trim_start().starts_with('@') {
        return None;
    }
    let mut items = Vec::new();
    let mut at = 0;
    for part in inner.split(';') {
        let lead = part.len() - part.trim_start().len();
        let trimmed = part.trim();
        let offset = base + at + lead;
        at += part.len() + 1;
        let bad = |offset: usize, len: usize, message: String, hint: &str| BadCite {
            offset,
            len: len.max(1),
            message,
            hint: hint.to_string(),
        };
        let Some(rest) = trimmed.strip_prefix('@') else {
            return Some(Err(bad(
                offset,
                trimmed.chars().count(),
                format!("`{trimmed}` is not a citation"),
                "a citation is `[@key]`, `[@key, p. 3]` or `[@a; @b]`: each part starts with `@`",
            )));
        };
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || "_-:./+".contains(c)))
            .unwrap_or(rest.len());
        let key = rest[..end].trim_end_matches(['.', ':']);
        let after = rest[key.len()..].trim();
        if key.is_empty() {
            return Some(Err(bad(
                offset,
                1,
                "a citation without a key".into(),
                "write the entry's key after the `@`, as in `[@cybenko1989]`",
            )));
        }
        let locator = if after.is_empty() {
            None
        } else if let Some(loc) = after.strip_prefix(',') {
            match locator(loc.trim()) {
                Some(l) => Some(l),
                None => {
                    let loc_at = offset
                        + 1
                        + key.len()
                        + part.trim()[1 + key.len()..].find(',').unwrap_or(0)
                        + 1;
                    return Some(Err(bad(
                        loc_at,
                        loc.trim().chars().count() + 1,
                        format!("unknown locator `{}`", loc.trim()),
                        LOCATOR_HINT,
                    )));
                }
            }
        } else {
            return Some(Err(bad(
                offset + 1 + key.len(),
                after.chars().count(),
                format!("unexpected `{after}` after the citation key `{key}`"),
                "a locator follows a comma, as in `[@key, p. 3]`; separate citations with `;`",
            )));
        };
        items.push(CiteItem {
            key: key.to_string(),
            offset,
            locator,
        });
    }
    Some(Ok(Cite { items }))
}

const LOCATOR_HINT: &str = "a locator is a label and a value: `p. 3`, `pp. 3-5`, `chap. 2`, `sec. 4`, `fig. 1`, `eq. 2`, `para. 5` or `vol. 1`";

/// `p. 3` → (page, "3"). A bare number is a page, as in Pandoc.
fn locator(s: &str) -> Option<(Locator, String)> {
    const LABELS: &[(&str, Locator)] = &[
        ("pp.", Locator::Page),
        ("p.", Locator::Page),
        ("page", Locator::Page),
        ("pages", Locator::Page),
        ("chap.", Locator::Chapter),
        ("chapter", Locator::Chapter),
        ("sec.", Locator::Section),
        ("section", Locator::Section),
        ("fig.", Locator::Figure),
        ("figure", Locator::Figure),
        ("eq.", Locator::Equation),
        ("equation", Locator::Equation),
        ("para.", Locator::Paragraph),
        ("paragraph", Locator::Paragraph),
        ("vol.", Locator::Volume),
        ("volume", Locator::Volume),
    ];
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return Some((Locator::Page, s.to_string()));
    }
    let (label, value) = s.split_once(char::is_whitespace)?;
    let value = value.trim();
    let (_, kind) = LABELS.iter().find(|(l, _)| *l == label)?;
    (!value.is_empty()).then(|| (*kind, value.to_string()))
}

/// The HTML of every citation of every chapter and the reference lists.
pub struct Styled {
    /// Per chapter, the HTML of each citation in order.
    pub citations: Vec<Vec<String>>,
    /// Per chapter, the reference list to append (with its heading), if any.
    pub lists: Vec<Option<String>>,
    /// The same as plain text, for the search index: each citation, and each list's entries.
    pub citation_texts: Vec<Vec<String>>,
    pub list_texts: Vec<Option<Vec<String>>>,
}

/// Style the citations of every chapter (`cites[i]` are chapter i's, on page `pages[i]`).
/// With `References::Chapter` each chapter lists what it cites; with `Book` the last chapter
/// lists everything. Keys must be known (the renderer checked them).
pub fn style(bib: &Bibliography, cites: &[&[Cite]], pages: &[&str], mode: References) -> Styled {
    let n = cites.len();
    let mut out = Styled {
        citations: vec![Vec::new(); n],
        lists: vec![None; n],
        citation_texts: vec![Vec::new(); n],
        list_texts: vec![None; n],
    };
    // Each group of chapters shares one driver: its numbering, disambiguation and list.
    let groups: Vec<Vec<usize>> = match mode {
        References::Chapter => (0..n).map(|i| vec![i]).collect(),
        References::Book => vec![(0..n).collect()],
    };
    for group in groups {
        let Some(&list_at) = group.last() else {
            continue;
        };
        let list_page = pages[list_at];
        let mut driver = BibliographyDriver::new();
        let mut keys_of = Vec::new();
        for &c in &group {
            for cite in cites[c] {
                let items: Vec<_> = cite
                    .items
                    .iter()
                    .filter_map(|item| {
                        let entry = bib.library.get(&item.key)?;
                        let locator = item
                            .locator
                            .as_ref()
                            .map(|(l, v)| SpecificLocator(*l, LocatorPayload::Str(v)));
                        Some(CitationItem::with_locator(entry, locator))
                    })
                    .collect();
                keys_of.push((
                    c,
                    cite.items.iter().map(|i| i.key.clone()).collect::<Vec<_>>(),
                ));
                driver.citation(CitationRequest::from_items(items, &bib.style, &bib.locales));
            }
        }
        if keys_of.is_empty() {
            continue;
        }
        let rendered = driver.finish(BibliographyRequest::new(&bib.style, None, &bib.locales));
        for ((c, keys), citation) in keys_of.into_iter().zip(rendered.citations) {
            let href = |key: &str| {
                let anchor = anchor(key);
                if pages[c] == list_page {
                    format!("#{anchor}")
                } else {
                    format!("{list_page}#{anchor}")
                }
            };
            let mut html = String::new();
            write_children(&citation.citation, &mut html, &|i| {
                keys.get(i).map(|k| href(k))
            });
            out.citations[c].push(format!("<span class=\"nn-cite\">{html}</span>"));
            out.citation_texts[c].push(plain_children(&citation.citation));
        }
        if let Some(list) = rendered.bibliography {
            let mut html = format!(
                "<section class=\"nn-references\">\n<h2 id=\"{LIST_ID}\">References</h2>\n<ul class=\"nn-reference-list\">\n"
            );
            let mut texts = Vec::new();
            for item in &list.items {
                let mut entry = String::new();
                let mut text = String::new();
                if let Some(first) = &item.first_field {
                    write_child(first, &mut entry, &|_| None);
                    entry.push(' ');
                    plain_child(first, &mut text);
                    text.push(' ');
                }
                plain_children_into(&item.content, &mut text);
                texts.push(text);
                write_children(&item.content, &mut entry, &|_| None);
                html.push_str(&format!(
                    "<li id=\"{}\">{entry}</li>\n",
                    escape(&anchor(&item.key))
                ));
            }
            html.push_str("</ul>\n</section>\n");
            out.lists[list_at] = Some(html);
            out.list_texts[list_at] = Some(texts);
        }
    }
    out
}

/// The element id of a reference list entry: `ref-` and the key, with characters that need
/// escaping in a URL fragment replaced.
pub fn anchor(key: &str) -> String {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.:".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{ENTRY_PREFIX}{safe}")
}

/// hayagriva's own HTML output neither escapes text nor avoids inline styles; this writer
/// does both, and links each cited item (`ElemMeta::Entry`) to its reference list entry.
fn write_children(
    children: &ElemChildren,
    out: &mut String,
    link: &dyn Fn(usize) -> Option<String>,
) {
    for child in &children.0 {
        write_child(child, out, link);
    }
}

fn write_child(child: &ElemChild, out: &mut String, link: &dyn Fn(usize) -> Option<String>) {
    match child {
        ElemChild::Text(t) => write_text(&t.text, &t.formatting, out),
        ElemChild::Markup(m) => out.push_str(&escape(m)),
        ElemChild::Link { text, url } => {
            out.push_str(&format!("<a href=\"{}\">", escape(url)));
            write_text(&text.text, &text.formatting, out);
            out.push_str("</a>");
        }
        ElemChild::Transparent { .. } => {}
        ElemChild::Elem(e) => {
            let class = match e.display {
                Some(Display::Block) => Some("csl-block"),
                Some(Display::Indent) => Some("csl-indent"),
                Some(Display::LeftMargin) => Some("csl-left-margin"),
                Some(Display::RightInline) => Some("csl-right-inline"),
                None => None,
            };
            if let Some(class) = class {
                out.push_str(&format!("<span class=\"{class}\">"));
            }
            let href = match e.meta {
                Some(ElemMeta::Entry(i)) => link(i),
                _ => None,
            };
            if let Some(href) = &href {
                out.push_str(&format!("<a class=\"cite\" href=\"{}\">", escape(href)));
            }
            write_children(&e.children, out, link);
            if href.is_some() {
                out.push_str("</a>");
            }
            if class.is_some() {
                out.push_str("</span>");
            }
        }
    }
}

/// The text [`write_children`] writes, without its markup.
fn plain_children(children: &ElemChildren) -> String {
    let mut out = String::new();
    plain_children_into(children, &mut out);
    out
}

fn plain_children_into(children: &ElemChildren, out: &mut String) {
    for child in &children.0 {
        plain_child(child, out);
    }
}

fn plain_child(child: &ElemChild, out: &mut String) {
    match child {
        ElemChild::Text(t) => out.push_str(&t.text),
        ElemChild::Markup(m) => out.push_str(m),
        ElemChild::Link { text, .. } => out.push_str(&text.text),
        ElemChild::Transparent { .. } => {}
        ElemChild::Elem(e) => plain_children_into(&e.children, out),
    }
}

fn write_text(text: &str, f: &hayagriva::Formatting, out: &mut String) {
    let mut close = Vec::new();
    let mut open = |tag: &'static str, end: &'static str| {
        out.push_str(tag);
        close.push(end);
    };
    if f.font_style == FontStyle::Italic {
        open("<i>", "</i>");
    }
    if f.font_weight == FontWeight::Bold {
        open("<b>", "</b>");
    }
    if f.font_variant == FontVariant::SmallCaps {
        open("<span class=\"nn-smallcaps\">", "</span>");
    }
    if f.text_decoration == TextDecoration::Underline {
        open("<u>", "</u>");
    }
    match f.vertical_align {
        VerticalAlign::Sup => open("<sup>", "</sup>"),
        VerticalAlign::Sub => open("<sub>", "</sub>"),
        _ => {}
    }
    out.push_str(&escape(text));
    for end in close.iter().rev() {
        out.push_str(end);
    }
}

/// Keys of `bib` that are also labels: each is an error at the entry.
pub fn clashes(bib: &Bibliography, labels: &BTreeMap<String, super::Label>) -> Vec<Diagnostic> {
    bib.keys()
        .into_iter()
        .filter(|k| labels.contains_key(k))
        .map(|k| {
            Diagnostic::error(
                "E023",
                format!("the citation key `{k}` is also the id of a figure, table or equation"),
            )
            .at(bib.location(&k))
            .hint("`@id` refers to a figure and `[@key]` cites an entry: give one of them another name")
            .with_source(bib.text())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys_locators_and_groups() {
        let c = parse("@a; @b-c:d, p. 3", 10).unwrap().unwrap();
        assert_eq!(c.items.len(), 2);
        assert_eq!(c.items[0].key, "a");
        assert_eq!(c.items[0].offset, 10);
        assert_eq!(c.items[1].key, "b-c:d");
        assert_eq!(c.items[1].offset, 14);
        assert_eq!(c.items[1].locator, Some((Locator::Page, "3".into())));
        assert_eq!(
            parse("@k, 12-14", 0).unwrap().unwrap().items[0].locator,
            Some((Locator::Page, "12-14".into()))
        );
        assert_eq!(
            parse("@k, chap. 2", 0).unwrap().unwrap().items[0].locator,
            Some((Locator::Chapter, "2".into()))
        );
        assert!(parse("see @k", 0).is_none());
        assert_eq!(
            parse("@k, folio", 0).unwrap().unwrap_err().message,
            "unknown locator `folio`"
        );
        assert!(parse("@a; b", 0).unwrap().is_err());
        assert!(parse("@ x", 0).unwrap().is_err());
    }

    #[test]
    fn anchors_are_fragment_safe() {
        assert_eq!(anchor("lecun1998"), "ref-lecun1998");
        assert_eq!(anchor("a/b c"), "ref-a-b-c");
    }
}
