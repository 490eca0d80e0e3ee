//! Markdown → HTML for one chapter. nn blocks become placeholders that the site stage fills
//! with figures and tables; math becomes MathML; `@label` becomes a numbered link.

use std::collections::BTreeMap;
use std::path::Path;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Parser, Tag, TagEnd,
};

use super::chapters::is_nn;
use super::cite::{self, Cite};
use super::equations::label_at_start;
use super::outline::{Outline, Recorder, Run};
use super::refs::{Labels, Piece, split_refs};
use super::values::{self, Span, ValueRef};
use super::{Chapter, dollars, line_col, markdown_options, math};
use crate::diag::{Diagnostic, Location, did_you_mean, suggest};

/// How to write math, and the escape for a literal dollar.
const MATH_HINT: &str =
    "math is LaTeX between $…$ (inline) or $$…$$ (display); write `\\$` for a literal dollar sign";

/// The hint for a literal at sign.
const AT_HINT: &str = "for a literal @, write `\\@`";

/// A chapter rendered to HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The body HTML, with `block_placeholder(k)` where the k-th nn block goes.
    pub html: String,
    /// Headings of level 2 and 3, for the on-page table of contents.
    pub toc: Vec<TocEntry>,
    /// Values written in the prose, in order: `values::placeholder(k)` stands for the k-th.
    pub values: Vec<(ValueRef, Location)>,
    /// Citations, in order: `cite::placeholder(k)` stands for the k-th.
    pub cites: Vec<Cite>,
    /// The text the search index needs, cut at the headings.
    pub outline: Outline,
}

/// What prose may refer to: labels, experiments (for values and for a better hint when an
/// experiment is cited).
pub struct Known<'a> {
    pub labels: &'a Labels,
    /// Each experiment's id with the ids of the figures and tables that show it.
    pub experiments: BTreeMap<String, Vec<String>>,
    /// The bibliography's keys (None: book.yaml names no bibliography).
    pub keys: Option<std::collections::BTreeSet<String>>,
}

/// One entry of the on-page table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// The marker standing where the k-th nn block of a chapter is shown.
pub fn block_placeholder(k: usize) -> String {
    format!("<!--nnbook:block:{k}-->")
}

/// Render a chapter that may refer to `labels` only. All errors of the chapter are returned
/// together.
pub fn render_chapter(chapter: &Chapter, labels: &Labels) -> Result<Rendered, Vec<Diagnostic>> {
    let known = Known {
        labels,
        experiments: BTreeMap::new(),
        keys: None,
    };
    render_chapter_with(chapter, &known)
}

/// Render a chapter whose prose refers to what `known` holds.
pub fn render_chapter_with(chapter: &Chapter, known: &Known) -> Result<Rendered, Vec<Diagnostic>> {
    let mut r = Renderer {
        file: &chapter.source,
        text: &chapter.text,
        page: &chapter.page,
        labels: known.labels,
        experiments: &known.experiments,
        keys: known.keys.as_ref(),
        values: Vec::new(),
        cites: Vec::new(),
        out: Vec::new(),
        heading: None,
        ids: Vec::new(),
        toc: Vec::new(),
        errors: Vec::new(),
        rec: Recorder::default(),
    };
    r.run();
    for stray in dollars::find(&chapter.text) {
        // In `$$x$`, the second `$` opened inline math: the stray `$$` is the one mistake.
        let (line, col) = line_col(&chapter.text, stray.offset + stray.len);
        r.errors.retain(|d| {
            d.code != "E021"
                || d.location
                    .as_ref()
                    .is_none_or(|l| (l.line, l.col) != (line, col))
        });
        r.errors.push(
            Diagnostic::error("E021", format!("cannot render math: {}", stray.why))
                .at(r.at(stray.offset, stray.len))
                .hint(MATH_HINT)
                .with_source(&chapter.text),
        );
    }
    if !r.errors.is_empty() {
        // In the order of the source, whichever pass found them.
        r.errors
            .sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.col)));
        return Err(r.errors);
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, r.out.into_iter());
    Ok(Rendered {
        html,
        toc: r.toc,
        values: r.values,
        cites: r.cites,
        outline: r.rec.outline,
    })
}

struct HeadingBuf<'a> {
    level: HeadingLevel,
    id: Option<String>,
    classes: Vec<String>,
    events: Vec<Event<'a>>,
    plain: String,
}

struct Renderer<'a> {
    file: &'a Path,
    text: &'a str,
    page: &'a str,
    labels: &'a Labels,
    experiments: &'a BTreeMap<String, Vec<String>>,
    keys: Option<&'a std::collections::BTreeSet<String>>,
    values: Vec<(ValueRef, Location)>,
    cites: Vec<Cite>,
    out: Vec<Event<'a>>,
    heading: Option<HeadingBuf<'a>>,
    ids: Vec<String>,
    toc: Vec<TocEntry>,
    errors: Vec<Diagnostic>,
    /// What the search index needs, recorded alongside the HTML.
    rec: Recorder,
}

impl<'a> Renderer<'a> {
    fn run(&mut self) {
        let mut events = Parser::new_ext(self.text, markdown_options())
            .into_offset_iter()
            .peekable();
        let mut block_index = 0;
        let mut skip_depth: Option<&'static str> = None;
        while let Some((event, range)) = events.next() {
            if let Some(what) = skip_depth {
                let done = matches!(
                    (&event, what),
                    (Event::End(TagEnd::MetadataBlock(_)), "meta")
                        | (Event::End(TagEnd::CodeBlock), "nn")
                );
                if done {
                    skip_depth = None;
                }
                continue;
            }
            match event {
                Event::Start(Tag::MetadataBlock(_)) => skip_depth = Some("meta"),
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_nn(&info) => {
                    skip_depth = Some("nn");
                    self.emit(Event::Html(block_placeholder(block_index).into()));
                    self.rec.mark(Run::Block(block_index));
                    block_index += 1;
                }
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                    if super::highlight::language(&info).is_some() =>
                {
                    let lang = super::highlight::language(&info).unwrap_or_default();
                    let mut code = String::new();
                    for (ev, _) in events.by_ref() {
                        match ev {
                            Event::Text(t) => code.push_str(&t),
                            Event::End(TagEnd::CodeBlock) => break,
                            _ => {}
                        }
                    }
                    self.emit(Event::Html(
                        format!(
                            "<pre><code class=\"language-{lang}\">{}</code></pre>\n",
                            super::highlight::highlight(lang, &code)
                        )
                        .into(),
                    ));
                    self.rec.space();
                    self.rec.text(&code);
                    self.rec.space();
                }
                Event::Text(t) if self.in_code() => self.emit(Event::Text(t)),
                Event::Text(t) => {
                    // pulldown-cmark splits text at would-be delimiters; merge so `@a_b` stays whole.
                    // It also starts a new Text at the `@` of `\@`: remember those as literal.
                    let mut merged = String::new();
                    let mut literal = Vec::new();
                    let mut piece = Some((t, range.clone()));
                    while let Some((t, r)) = piece.take() {
                        if t.starts_with('@') && escaped_at(self.text, r.start) {
                            literal.push(merged.len());
                        }
                        merged.push_str(&t);
                        if let Some((Event::Text(_), _)) = events.peek()
                            && let Some((Event::Text(next), r)) = events.next()
                        {
                            piece = Some((next, r));
                        }
                    }
                    self.text_with_refs(merged, range.start, &literal);
                }
                Event::InlineMath(latex) => self.math(&latex, false, range.start),
                Event::DisplayMath(latex) => {
                    let label = match events.peek() {
                        Some((Event::Text(next), r)) => {
                            label_at_start(next).map(|(id, len)| (id, len, next.clone(), r.start))
                        }
                        _ => None,
                    };
                    match label {
                        Some((id, len, next, at)) => {
                            events.next();
                            self.equation(&latex, &id, range.start);
                            let rest = next[len..].to_string();
                            if !rest.is_empty() {
                                self.text_with_refs(rest, at + len, &[]);
                            }
                        }
                        None => self.math(&latex, true, range.start),
                    }
                }
                Event::Start(Tag::Heading {
                    level, id, classes, ..
                }) => {
                    self.rec.start_heading();
                    self.heading = Some(HeadingBuf {
                        level,
                        id: id.map(|s| s.to_string()),
                        classes: classes.iter().map(|c| c.to_string()).collect(),
                        events: Vec::new(),
                        plain: String::new(),
                    });
                }
                Event::End(TagEnd::Heading(_)) => self.finish_heading(),
                Event::Start(Tag::BlockQuote(Some(kind))) => {
                    let (class, title) = alert(kind);
                    self.emit(Event::Html(
                        format!(
                            "<div class=\"markdown-alert markdown-alert-{class}\">\n<p class=\"markdown-alert-title\">{title}</p>\n"
                        )
                        .into(),
                    ));
                    self.rec.space();
                    self.rec.text(title);
                    self.rec.space();
                }
                Event::End(TagEnd::BlockQuote(Some(_))) => {
                    self.emit(Event::Html("</div>\n".into()));
                    self.rec.space();
                }
                Event::Code(c) => match values::classify(&c) {
                    Span::Value(expr, at) => self.value(expr, at, range.start),
                    Span::Escaped(shown) => {
                        if let Some(h) = &mut self.heading {
                            h.plain.push_str(&shown);
                        }
                        self.emit(Event::Code(shown.into()));
                    }
                    Span::Code => {
                        if let Some(h) = &mut self.heading {
                            h.plain.push_str(&c);
                        }
                        self.emit(Event::Code(c));
                    }
                },
                other => self.emit(other),
            }
        }
    }

    fn in_code(&self) -> bool {
        // Text inside fenced/indented code arrives between Start/End(CodeBlock); track by
        // looking at the last unmatched start in the output.
        let mut depth = 0i32;
        for ev in self.out.iter().rev() {
            match ev {
                Event::End(TagEnd::CodeBlock) => depth += 1,
                Event::Start(Tag::CodeBlock(_)) if depth == 0 => return true,
                Event::Start(Tag::CodeBlock(_)) => depth -= 1,
                _ => {}
            }
        }
        false
    }

    fn emit(&mut self, ev: Event<'a>) {
        self.rec.event(&ev);
        match &mut self.heading {
            Some(h) => h.events.push(ev),
            None => self.out.push(ev),
        }
    }

    fn at(&self, offset: usize, len: usize) -> Location {
        let (line, col) = line_col(self.text, offset);
        Location::at(self.file, line, col, len)
    }

    /// Text with `[@key]` citations and `@label` references; `literal` holds the offsets of
    /// escaped at signs.
    fn text_with_refs(&mut self, text: String, start: usize, literal: &[usize]) {
        if let Some(h) = &mut self.heading {
            h.plain.push_str(&text);
        }
        let mut from = 0;
        let mut search = 0;
        while let Some(open) = text[search..].find('[').map(|i| search + i) {
            search = open + 1;
            let inner_start = open + 1;
            let at =
                inner_start + (text[inner_start..].len() - text[inner_start..].trim_start().len());
            if literal.contains(&at) {
                continue;
            }
            let Some(close) = text[inner_start..].find(']').map(|i| inner_start + i) else {
                break;
            };
            let inner = &text[inner_start..close];
            let Some(parsed) = cite::parse(inner, 0) else {
                continue;
            };
            let shifted: Vec<usize> = literal
                .iter()
                .filter(|&&l| l >= from && l < open)
                .map(|l| l - from)
                .collect();
            self.refs_only(text[from..open].to_string(), start, &shifted);
            // Where the bracket stands in the source, to point at a key exactly.
            let needle = format!("[{inner}]");
            let source = self.text[start..]
                .find(&needle)
                .map_or(start, |i| start + i + 1);
            self.citation(parsed, source);
            from = close + 1;
            search = from;
        }
        let shifted: Vec<usize> = literal
            .iter()
            .filter(|&&l| l >= from)
            .map(|l| l - from)
            .collect();
        self.refs_only(text[from..].to_string(), start, &shifted);
    }

    /// A parsed `[@...]`: every key checked, then a placeholder the citation styles fill.
    fn citation(&mut self, parsed: Result<Cite, cite::BadCite>, source: usize) {
        let cite = match parsed {
            Ok(c) => c,
            Err(bad) => {
                let e = Diagnostic::error("E023", bad.message)
                    .at(self.at(source + bad.offset, bad.len))
                    .hint(bad.hint)
                    .with_source(self.text);
                self.errors.push(e);
                return;
            }
        };
        let mut ok = true;
        for item in &cite.items {
            let at = self.at(source + item.offset, item.key.chars().count() + 1);
            let key = &item.key;
            let error = if self.heading.is_some() {
                Some((
                    "a citation cannot stand in a heading".to_string(),
                    "headings are the table of contents; cite in the text below".to_string(),
                ))
            } else if let Some(keys) = self.keys {
                if keys.contains(key) {
                    None
                } else if self.labels.contains_key(key) {
                    Some((
                        format!("`{key}` is a figure, table or equation, not a bibliography entry"),
                        format!("refer to it without brackets: `@{key}`"),
                    ))
                } else {
                    let names: Vec<&str> = keys.iter().map(String::as_str).collect();
                    Some((
                        format!("unknown citation key `{key}`"),
                        did_you_mean(key, &names),
                    ))
                }
            } else if self.labels.contains_key(key) {
                Some((
                    format!("`{key}` is a figure, table or equation, not a bibliography entry"),
                    format!("refer to it without brackets: `@{key}`"),
                ))
            } else {
                Some((
                    format!("`[@{key}]` cites, but book.yaml names no bibliography"),
                    format!(
                        "add `bibliography: references.bib` to book.yaml (a BibTeX file holding `{key}`); for a literal `[@{key}]`, write `[\\@{key}]`"
                    ),
                ))
            };
            if let Some((message, hint)) = error {
                ok = false;
                self.errors.push(
                    Diagnostic::error("E023", message)
                        .at(at)
                        .hint(hint)
                        .with_source(self.text),
                );
            }
        }
        if ok {
            self.emit(Event::InlineHtml(
                cite::placeholder(self.cites.len()).into(),
            ));
            self.rec.mark(Run::Cite(self.cites.len()));
            self.cites.push(cite);
        }
    }

    /// Text with `@label` references only.
    fn refs_only(&mut self, text: String, start: usize, literal: &[usize]) {
        if text.is_empty() {
            return;
        }
        let pieces: Vec<(bool, String, usize)> = split_refs(&text, literal)
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => (false, t.to_string(), 0),
                Piece::Ref { label, offset } => (true, label.to_string(), offset),
            })
            .collect();
        for (is_ref, s, offset) in pieces {
            if !is_ref {
                self.emit(Event::Text(CowStr::from(s)));
                continue;
            }
            match self.labels.get(&s) {
                Some(label) => {
                    let href = if label.page == self.page {
                        format!("#{}", label.anchor)
                    } else {
                        format!("{}#{}", label.page, label.anchor)
                    };
                    self.emit(Event::InlineHtml(
                        format!(
                            "<a class=\"xref\" href=\"{}\">{}</a>",
                            escape(&href),
                            escape(&label.text)
                        )
                        .into(),
                    ));
                    self.rec.text(&label.text);
                }
                None => {
                    // Find the reference in the source to point at it exactly.
                    let needle = format!("@{s}");
                    let pos = self.text[start..]
                        .match_indices(&needle)
                        .map(|(i, _)| start + i)
                        .find(|&i| !escaped_at(self.text, i))
                        .unwrap_or(start + offset);
                    let names: Vec<&str> = self.labels.keys().map(String::as_str).collect();
                    let at = self.at(pos, needle.chars().count());
                    // `@xor-sgd` names an experiment: say what can be cited instead.
                    if let Some(shows) = self.experiments.get(&s) {
                        let hint = match shows.as_slice() {
                            [] => "cite a figure, table or equation by its id; this experiment shows none".to_string(),
                            ids => format!(
                                "cite one of its figures or tables instead: {}",
                                ids.iter()
                                    .map(|i| format!("`@{i}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        };
                        self.errors.push(
                            Diagnostic::error(
                                "E020",
                                format!("`{s}` is an experiment, and experiments cannot be cited"),
                            )
                            .at(at)
                            .hint(hint)
                            .with_source(self.text),
                        );
                        continue;
                    }
                    if self.keys.is_some_and(|k| k.contains(&s)) {
                        self.errors.push(
                            Diagnostic::error(
                                "E020",
                                format!("`{s}` is a bibliography entry, not a label"),
                            )
                            .at(at)
                            .hint(format!("cite it in brackets: `[@{s}]`"))
                            .with_source(self.text),
                        );
                        continue;
                    }
                    // A near miss is a typo; anything else may be a literal @ (a handle).
                    let hint = if suggest(&s, names.iter().copied()).is_some() {
                        did_you_mean(&s, &names)
                    } else {
                        format!("labels are the ids of figures, tables and equations; {AT_HINT}")
                    };
                    self.errors.push(
                        Diagnostic::error("E020", format!("unknown label `{s}`"))
                            .at(at)
                            .hint(hint)
                            .with_source(self.text),
                    );
                }
            }
        }
    }

    /// A value in prose (`` `{nn} xor.accuracy:.1%` ``): checked now, filled in after
    /// training. `at` is the expression's offset in the code span starting at `span`.
    fn value(&mut self, expr: &str, at: usize, span: usize) {
        // The span's text in the source: after its opening backticks.
        let ticks = self.text[span..].bytes().take_while(|b| *b == b'`').count();
        let source = &self.text[span + ticks..];
        // Backticks may be followed by one space (`` `` {nn} x `` ``); find the marker.
        let start = span + ticks + source.find(values::MARKER).unwrap_or(0) + at;
        let error = |r: &Self, offset: usize, len: usize, message: String, hint: String| {
            Diagnostic::error("E022", message)
                .at(r.at(start + offset, len.max(1)))
                .hint(hint)
                .with_source(r.text)
        };
        if self.heading.is_some() {
            let e = error(
                self,
                0,
                expr.len(),
                "a value cannot stand in a heading".into(),
                "headings are the table of contents and are known before training; say the number in the text below".into(),
            );
            self.errors.push(e);
            return;
        }
        let v = match values::parse(expr) {
            Ok(v) => v,
            Err(bad) => {
                let e = error(self, bad.offset, bad.len, bad.message, bad.hint);
                self.errors.push(e);
                return;
            }
        };
        if !self.experiments.contains_key(&v.experiment) {
            let names: Vec<&str> = self.experiments.keys().map(String::as_str).collect();
            let e = error(
                self,
                0,
                v.experiment.len(),
                format!("unknown experiment `{}`", v.experiment),
                did_you_mean(&v.experiment, &names),
            );
            self.errors.push(e);
            return;
        }
        let metrics = values::metric_names();
        if !metrics.contains(&v.metric.as_str()) {
            let e = error(
                self,
                v.experiment.len() + 1,
                v.metric.len(),
                format!("unknown metric `{}`", v.metric),
                did_you_mean(&v.metric, &metrics),
            );
            self.errors.push(e);
            return;
        }
        let location = self.at(start, expr.len().max(1));
        self.emit(Event::InlineHtml(
            values::placeholder(self.values.len()).into(),
        ));
        self.rec.mark(Run::Value(self.values.len()));
        self.values.push((v, location));
    }

    /// A numbered display equation: the formula with its number, "(2.1)", at the right.
    fn equation(&mut self, latex: &str, id: &str, offset: usize) {
        let number = self
            .labels
            .get(id)
            .map(|l| l.text.trim_start_matches("Equation ").to_string())
            .unwrap_or_default();
        self.emit(Event::InlineHtml(
            format!("<span class=\"nn-equation\" id=\"{}\">", escape(id)).into(),
        ));
        self.math(latex, true, offset);
        self.emit(Event::InlineHtml(
            format!(
                "<span class=\"nn-eq-number\">({})</span></span>",
                escape(&number)
            )
            .into(),
        ));
        self.rec.text(&format!("({number})"));
    }

    fn math(&mut self, latex: &str, display: bool, offset: usize) {
        if let Some(h) = &mut self.heading {
            h.plain.push_str(latex);
        }
        match math::to_mathml(latex, display) {
            Ok(mathml) => self.emit(Event::InlineHtml(mathml.into())),
            Err(msg) => self.errors.push(
                Diagnostic::error("E021", format!("cannot render math: {msg}"))
                    .at(self.at(offset, latex.chars().count() + 2))
                    .hint(MATH_HINT)
                    .with_source(self.text),
            ),
        }
    }

    fn finish_heading(&mut self) {
        let Some(h) = self.heading.take() else { return };
        let base = h.id.clone().unwrap_or_else(|| slugify(&h.plain));
        let mut id = if base.is_empty() {
            "section".to_string()
        } else {
            base.clone()
        };
        let mut k = 1;
        while self.ids.contains(&id) {
            id = format!("{base}-{k}");
            k += 1;
        }
        self.ids.push(id.clone());
        let level = h.level as u8;
        self.rec.end_heading(level, &id);
        if (2..=3).contains(&level) {
            self.toc.push(TocEntry {
                level,
                id: id.clone(),
                title: h.plain.trim().to_string(),
            });
        }
        let class = if h.classes.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", escape(&h.classes.join(" ")))
        };
        let id = escape(&id);
        self.out
            .push(Event::Html(format!("<h{level} id=\"{id}\"{class}>").into()));
        self.out.extend(h.events);
        self.out.push(Event::Html(
            format!("<a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{level}>\n").into(),
        ));
    }
}

/// Whether the `@` at `at` in the source is escaped (`\@`, not `\\@`).
fn escaped_at(text: &str, at: usize) -> bool {
    text.as_bytes().get(at) == Some(&b'@') && dollars::escaped(text, at)
}

fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// GitHub-style heading ids: lowercase, spaces to dashes, punctuation dropped.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c == ' ' || c == '-' || c == '_') && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::refs::Label;
    use super::*;
    use std::path::PathBuf;

    fn chapter(text: &str) -> Chapter {
        Chapter {
            number: 1,
            source: PathBuf::from("content/a.md"),
            text: text.into(),
            title: "T".into(),
            page: "a.html".into(),
            blocks: Vec::new(),
            equations: Vec::new(),
        }
    }

    #[test]
    fn citations_are_checked_and_escaped_brackets_stay_text() {
        let keys = ["cybenko1989".to_string()].into_iter().collect();
        let labels = labels();
        let known = Known {
            labels: &labels,
            experiments: BTreeMap::new(),
            keys: Some(keys),
        };
        let text = "# T\n\nSee [@cybenko1989, p. 3], [\\@x] and @fig-x [@a].\n";
        let r = render_chapter_with(&chapter(text), &known).unwrap_err();
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].message, "unknown citation key `a`");
        assert_eq!(r[0].position().as_deref(), Some("content/a.md:3:45"));
        let ok = render_chapter_with(
            &chapter("See [@cybenko1989, p. 3], [\\@x] and @fig-x.\n"),
            &known,
        )
        .unwrap();
        assert!(
            ok.html
                .contains(&format!("See {}, [@x] and <a", cite::placeholder(0))),
            "{}",
            ok.html
        );
        assert_eq!(ok.cites.len(), 1);
        assert_eq!(
            ok.cites[0].items[0].locator.as_ref().map(|l| l.1.as_str()),
            Some("3")
        );
        let clash = render_chapter_with(&chapter("As [@fig-x] shows, @cybenko1989.\n"), &known)
            .unwrap_err();
        assert_eq!(
            clash[0].hint.as_deref(),
            Some("refer to it without brackets: `@fig-x`")
        );
        assert_eq!(
            clash[1].hint.as_deref(),
            Some("cite it in brackets: `[@cybenko1989]`")
        );
    }

    fn labels() -> Labels {
        let mut l = Labels::new();
        l.insert(
            "fig-x".into(),
            Label {
                page: "b.html".into(),
                anchor: "fig-x".into(),
                text: "Figure 2.1".into(),
            },
        );
        l
    }

    #[test]
    fn renders_markdown_features() {
        let text = "# Title\n\n## Sub *one*\n\nSee @fig-x, and $x^2$.\n\n$$a=b$$\n\n> [!NOTE]\n> careful\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```nn\nid: a\n```\n\nText[^1].\n\n[^1]: foot\n\n- [x] done\n\n~~old~~\n\n```\n@not-a-ref\n```\n";
        let r = render_chapter(&chapter(text), &labels()).unwrap();
        let h = &r.html;
        assert!(
            h.contains("<h2 id=\"sub-one\">Sub <em>one</em><a class=\"anchor\" href=\"#sub-one\""),
            "{h}"
        );
        assert!(
            h.contains("<a class=\"xref\" href=\"b.html#fig-x\">Figure 2.1</a>"),
            "{h}"
        );
        assert!(h.contains("<math"), "{h}");
        assert!(h.contains("display=\"block\""));
        assert!(h.contains("markdown-alert-note"));
        assert!(h.contains("<table>"));
        assert!(h.contains(&block_placeholder(0)));
        assert!(!h.contains("id: a"));
        assert!(h.contains("footnote"));
        assert!(h.contains("checkbox"));
        assert!(h.contains("<del>"));
        assert!(h.contains("@not-a-ref"));
        assert_eq!(
            r.toc,
            vec![TocEntry {
                level: 2,
                id: "sub-one".into(),
                title: "Sub one".into()
            }]
        );
    }

    #[test]
    fn unknown_labels_and_bad_math_are_errors() {
        let errs = render_chapter(
            &chapter("# T\n\nSee @fig-y and $\\notacommand x$.\n"),
            &labels(),
        )
        .unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].code, "E020");
        assert_eq!(errs[0].position().as_deref(), Some("content/a.md:3:5"));
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `fig-x`?"));
        assert_eq!(errs[1].code, "E021");
    }

    #[test]
    fn escaped_at_signs_are_literal_in_prose_headings_tables_and_links() {
        let text = "# T\n\nAsk \\@octocat, see @fig-x.\n\n## By \\@me\n\n| who | ref |\n|---|---|\n| \\@octocat | @fig-x |\n\n*mail \\@x* and [\\@y](u) and \\\\@fig-x\n";
        let r = render_chapter(&chapter(text), &labels()).unwrap();
        let h = &r.html;
        let link = "<a class=\"xref\" href=\"b.html#fig-x\">Figure 2.1</a>";
        assert!(h.contains(&format!("Ask @octocat, see {link}.")), "{h}");
        assert!(h.contains("<h2 id=\"by-me\">By @me<a"), "{h}");
        assert!(
            h.contains(&format!("<td>@octocat</td><td>{link}</td>")),
            "{h}"
        );
        assert!(h.contains("<em>mail @x</em>"), "{h}");
        assert!(h.contains("<a href=\"u\">@y</a>"), "{h}");
        // An escaped backslash before `@` leaves the reference a reference.
        assert!(h.contains(&format!("\\{link}")), "{h}");
        assert_eq!(r.toc[0].title, "By @me");
        // Unescaped, a handle is an unknown label, and the hint gives the escape.
        let errs =
            render_chapter(&chapter("Ask \\@octocat or @octocat.\n"), &labels()).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].code, "E020");
        assert_eq!(errs[0].position().as_deref(), Some("content/a.md:1:18"));
        assert_eq!(
            errs[0].hint.as_deref(),
            Some(
                "labels are the ids of figures, tables and equations; for a literal @, write `\\@`"
            )
        );
    }

    #[test]
    fn math_that_does_not_parse_is_an_error_at_its_dollar() {
        let errs = render_chapter(
            &chapter("# T\n\nIt costs $5 and $10, but $\\frac{1}{$ is broken.\n"),
            &labels(),
        )
        .unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].code, "E021");
        assert_eq!(errs[0].position().as_deref(), Some("content/a.md:3:26"));
        assert!(errs[0].message.contains("braces"), "{}", errs[0].message);
        assert!(errs[0].hint.as_deref().unwrap().contains("`\\$`"));
        // `$$x$`: one error, at the `$$`, not a second one for the inline math after it.
        let errs = render_chapter(&chapter("$$\\right x$\n"), &labels()).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].message.contains("display"), "{}", errs[0].message);
        // Errors of both passes come in the order of the source.
        let errs = render_chapter(&chapter("$x\n\nSee @nope.\n"), &labels()).unwrap_err();
        let at: Vec<_> = errs.iter().map(|e| (e.code, e.position())).collect();
        assert_eq!(
            at,
            [
                ("E021", Some("content/a.md:1:1".to_string())),
                ("E020", Some("content/a.md:3:5".to_string()))
            ]
        );
        // The escape gives literal dollars, and prices need none.
        let r = render_chapter(
            &chapter("A literal \\$\\frac{1}{\\$ and \\$HOME cost $5.\n"),
            &labels(),
        )
        .unwrap();
        assert!(
            r.html.contains("A literal $\\frac{1}{$ and $HOME cost $5."),
            "{}",
            r.html
        );
    }

    #[test]
    fn duplicate_headings_get_unique_ids() {
        let r = render_chapter(&chapter("## A\n\n## A\n\n## B {#custom}\n"), &labels()).unwrap();
        let ids: Vec<_> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["a", "a-1", "custom"]);
    }
}
