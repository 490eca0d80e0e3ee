//! Cross-reference labels: every figure and table gets a label (its id) and a number; prose
//! writes `@label` and gets a link such as "Figure 2.3". An unknown label is an error; `\@` is
//! a literal at sign, in prose and in captions alike.

use std::collections::BTreeMap;

/// What a label points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Page holding the target, relative to the site root.
    pub page: String,
    /// Element id on that page.
    pub anchor: String,
    /// Link text, e.g. "Figure 2.3".
    pub text: String,
}

/// All labels of the book, by name (a BTreeMap so any listing is in a stable order).
pub type Labels = BTreeMap<String, Label>;

/// A caption as shown: captions are plain text, where `@` is already literal, but the escape
/// prose needs (`\@`) must give `@` there too, so one rule holds everywhere.
pub fn caption_text(caption: &str) -> String {
    caption.replace("\\@", "@")
}

/// Split text at `@label` references: returns pieces of plain text and label names. The at
/// signs at the byte offsets in `literal` (escaped in the source) are plain text.
pub fn split_refs<'a>(text: &'a str, literal: &[usize]) -> Vec<Piece<'a>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut plain_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let prev_ok = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if bytes[i] == b'@'
            && prev_ok
            && !literal.contains(&i)
            && i + 1 < bytes.len()
            && bytes[i + 1].is_ascii_alphanumeric()
        {
            let mut j = i + 1;
            while j < bytes.len()
                && (bytes[j].is_ascii_alphanumeric() || b"-_.:".contains(&bytes[j]))
            {
                j += 1;
            }
            // A sentence's full stop or a dash after a label is not part of it.
            while j > i + 1 && b".-:".contains(&bytes[j - 1]) {
                j -= 1;
            }
            if i > plain_start {
                out.push(Piece::Text(&text[plain_start..i]));
            }
            out.push(Piece::Ref {
                label: &text[i + 1..j],
                offset: i,
            });
            plain_start = j;
            i = j;
        } else {
            i += 1;
        }
    }
    if plain_start < text.len() {
        out.push(Piece::Text(&text[plain_start..]));
    }
    out
}

/// A piece of prose text: plain, or a reference with its byte offset in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Ref { label: &'a str, offset: usize },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_refs_but_not_emails() {
        let p = split_refs("See @fig-a.1. Mail me@x.org or @b-c.", &[]);
        assert_eq!(
            p,
            vec![
                Piece::Text("See "),
                Piece::Ref {
                    label: "fig-a.1",
                    offset: 4
                },
                Piece::Text(". Mail me@x.org or "),
                Piece::Ref {
                    label: "b-c",
                    offset: 31
                },
                Piece::Text("."),
            ]
        );
        assert_eq!(split_refs("a @ b", &[]), vec![Piece::Text("a @ b")]);
        assert_eq!(
            split_refs("@a and @b", &[0]),
            vec![
                Piece::Text("@a and "),
                Piece::Ref {
                    label: "b",
                    offset: 7
                }
            ]
        );
        assert_eq!(caption_text("Ask \\@octocat or @x"), "Ask @octocat or @x");
    }
}
