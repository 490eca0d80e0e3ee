//! Labelled display equations: `$$ … $$ {#id}` gives the equation a number ("Equation 2.1",
//! shown as "(2.1)" beside it) that prose can cite with `@id`, and lists it in the manifest.

use pulldown_cmark::{Event, Parser};

use super::{line_col, markdown_options};
use crate::diag::Location;

/// One labelled equation.
#[derive(Debug, Clone, PartialEq)]
pub struct Equation {
    pub id: String,
    /// The LaTeX source.
    pub latex: String,
    pub location: Location,
}

/// The label `{#id}` at the start of `text` (after spaces): the id and the bytes it spans.
pub fn label_at_start(text: &str) -> Option<(String, usize)> {
    let trimmed = text.trim_start_matches([' ', '\t']);
    let lead = text.len() - trimmed.len();
    let rest = trimmed.strip_prefix("{#")?;
    let end = rest.find('}')?;
    let id = &rest[..end];
    let ok = !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    ok.then(|| (id.to_string(), lead + 2 + end + 1))
}

/// Every labelled display equation of a chapter, in order.
pub fn find(file: &std::path::Path, text: &str) -> Vec<Equation> {
    let mut out = Vec::new();
    let mut events = Parser::new_ext(text, markdown_options())
        .into_offset_iter()
        .peekable();
    while let Some((event, range)) = events.next() {
        if let Event::DisplayMath(latex) = event
            && let Some((Event::Text(next), _)) = events.peek()
            && let Some((id, _)) = label_at_start(next)
        {
            let (line, col) = line_col(text, range.start);
            out.push(Equation {
                id,
                latex: latex.to_string(),
                location: Location::at(file, line, col, range.len().max(1)),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_labelled_display_math_only() {
        let text = "# T\n\n$$a = b$$ {#eq-a}\n\n$$c$$\n\nText {#not-math} and $x$ {#inline}.\n\n$$\nd = e\n$$ {#eq-d}\n";
        let eqs = find(std::path::Path::new("c.md"), text);
        let ids: Vec<&str> = eqs.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["eq-a", "eq-d"]);
        assert_eq!(eqs[0].latex, "a = b");
        assert_eq!((eqs[0].location.line, eqs[0].location.col), (3, 1));
        assert_eq!(label_at_start(" {#x.y} tail"), Some(("x.y".into(), 7)));
        assert_eq!(label_at_start("{#bad id}"), None);
        assert_eq!(label_at_start("{#}"), None);
    }
}
