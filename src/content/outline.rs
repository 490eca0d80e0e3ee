//! A chapter's searchable text, recorded by the renderer as it writes the HTML: one section per
//! heading (h1–h3) with its id and plain text, and markers where the experiment blocks, the
//! values and the citations go (they are known only after training and styling). The search
//! index is built from this, never from the HTML.
//!
//! What the page reads as prose is recorded; what it does not is left out: math (MathML), the
//! alt text of images, the heading anchors' `#`, and raw HTML written in the Markdown.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::dollars::{inline, inline_end};

/// A chapter's text, cut at its headings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    /// The text before the first heading (anchor and title empty), then one per heading.
    pub sections: Vec<Section>,
}

/// The text under one heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading's id; empty for the top of the page.
    pub anchor: String,
    /// The heading's text; empty for the top of the page.
    pub title: String,
    /// The text in reading order.
    pub runs: Vec<Run>,
}

/// A piece of a section's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    Text(String),
    /// Where the k-th experiment block (fenced, in the chapter's order) shows its items.
    Block(usize),
    /// The k-th value written in the prose (`Rendered::values`).
    Value(usize),
    /// The k-th citation (`Rendered::cites`).
    Cite(usize),
}

impl Default for Outline {
    fn default() -> Self {
        Outline {
            sections: vec![Section {
                anchor: String::new(),
                title: String::new(),
                runs: Vec::new(),
            }],
        }
    }
}

impl Outline {
    /// Put in the values' text (`texts[k]` for `Run::Value(k)`).
    pub fn fill_values(&mut self, texts: &[String]) {
        self.fill(|r| match r {
            Run::Value(k) => texts.get(*k).cloned(),
            _ => None,
        });
    }

    /// Put in the citations' text (`texts[k]` for `Run::Cite(k)`).
    pub fn fill_cites(&mut self, texts: &[String]) {
        self.fill(|r| match r {
            Run::Cite(k) => texts.get(*k).cloned(),
            _ => None,
        });
    }

    fn fill(&mut self, text: impl Fn(&Run) -> Option<String>) {
        for s in &mut self.sections {
            for run in &mut s.runs {
                if let Some(t) = text(run) {
                    *run = Run::Text(t);
                }
            }
        }
    }

    /// A section added after rendering (the reference list), each entry a line of text.
    pub fn push_section(&mut self, anchor: &str, title: &str, lines: &[String]) {
        let runs = lines.iter().map(|l| Run::Text(format!(" {l} "))).collect();
        self.sections.push(Section {
            anchor: anchor.to_string(),
            title: title.to_string(),
            runs,
        });
    }
}

/// Records text as the renderer emits it.
#[derive(Debug, Default)]
pub(super) struct Recorder {
    pub outline: Outline,
    /// The text of the heading being read.
    heading: Option<String>,
    /// Inside an image (its alt text arrives as text events).
    image: usize,
}

impl Recorder {
    /// An event passed on to the HTML writer as it is. HTML the renderer makes itself says its
    /// text with [`Recorder::text`]; raw HTML from the Markdown is not read.
    pub fn event(&mut self, ev: &Event) {
        match ev {
            Event::Start(Tag::Image { .. }) => self.image += 1,
            Event::End(TagEnd::Image) => self.image = self.image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => self.text(t),
            Event::SoftBreak | Event::HardBreak | Event::Rule => self.space(),
            Event::Start(tag) if !inline(tag) => self.space(),
            Event::End(tag) if !inline_end(tag) => self.space(),
            _ => {}
        }
    }

    /// Text the page shows.
    pub fn text(&mut self, t: &str) {
        if self.image > 0 {
            return;
        }
        match &mut self.heading {
            Some(h) => h.push_str(t),
            None => self.push(Run::Text(t.to_string())),
        }
    }

    /// A break between words (block boundaries).
    pub fn space(&mut self) {
        self.text(" ");
    }

    /// A marker for text known later.
    pub fn mark(&mut self, run: Run) {
        self.push(run);
    }

    pub fn start_heading(&mut self) {
        self.heading = Some(String::new());
    }

    /// The heading just read, with its id: h1–h3 start a section, smaller ones are text.
    pub fn end_heading(&mut self, level: u8, id: &str) {
        let Some(text) = self.heading.take() else {
            return;
        };
        if level <= 3 {
            self.outline.sections.push(Section {
                anchor: id.to_string(),
                title: collapse(&text),
                runs: Vec::new(),
            });
        } else {
            self.space();
            self.text(&text);
            self.space();
        }
    }

    fn push(&mut self, run: Run) {
        let Some(section) = self.outline.sections.last_mut() else {
            return;
        };
        match (section.runs.last_mut(), run) {
            (Some(Run::Text(last)), Run::Text(t)) => last.push_str(&t),
            (_, run) => section.runs.push(run),
        }
    }
}

/// Runs of whitespace as one space, none at the ends.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
