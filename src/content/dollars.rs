//! Dollar signs that did not become math. pulldown-cmark makes `$…$` math only when the pair
//! follows its rules (the opening `$` before a non-space, the closing `$` after one, balanced
//! braces, one paragraph); any other `$` reaches the page as text. So that broken math is never
//! published as literal text, a leftover `$` that starts what reads as math is an error, while
//! prices (`$5 and $10`) and lone dollars stay text. `\$` is always a literal dollar.

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use super::markdown_options;

/// A `$` that starts math which did not parse: its byte offset, how many `$` it spans, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stray {
    pub offset: usize,
    pub len: usize,
    pub why: &'static str,
}

/// Every stray math opener of a chapter, at most one per paragraph (the first one: the others
/// are often its would-be closers).
pub fn find(text: &str) -> Vec<Stray> {
    let mut out = Vec::new();
    let mut dollars: Vec<usize> = Vec::new();
    let mut code = 0usize;
    let mut skip = 0usize;
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        match &event {
            Event::Start(Tag::CodeBlock(_)) => code += 1,
            Event::End(TagEnd::CodeBlock) => code = code.saturating_sub(1),
            // Front matter is YAML, and an autolink's text is its address.
            Event::Start(Tag::MetadataBlock(_))
            | Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => skip += 1,
            Event::End(TagEnd::MetadataBlock(_)) => skip = skip.saturating_sub(1),
            Event::End(TagEnd::Link) if skip > 0 => skip -= 1,
            Event::Text(_) if code == 0 && skip == 0 => {
                let end = range.end.min(text.len());
                for (i, b) in text.as_bytes()[range.start..end].iter().enumerate() {
                    let at = range.start + i;
                    if *b == b'$' && !escaped(text, at) {
                        dollars.push(at);
                    }
                }
            }
            _ => {}
        }
        let boundary = match &event {
            Event::Start(tag) => !inline(tag),
            Event::End(end) => !inline_end(end),
            Event::Rule => true,
            _ => false,
        };
        if boundary && !dollars.is_empty() {
            out.extend(first_stray(text, &dollars));
            dollars.clear();
        }
    }
    out.extend(first_stray(text, &dollars));
    out
}

/// Whether the byte at `at` follows an odd number of backslashes (a CommonMark escape).
pub(super) fn escaped(text: &str, at: usize) -> bool {
    let run = text.as_bytes()[..at]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count();
    run % 2 == 1
}

/// Tags that live inside a paragraph: math cannot span anything else, and they do not break
/// words (the search outline joins the text around them).
pub(super) fn inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

pub(super) fn inline_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// A `$` with spaces (or the end of the text) on both sides.
fn lone(text: &str, at: usize) -> bool {
    let space = |c: Option<char>| c.is_none_or(char::is_whitespace);
    space(text[..at].chars().next_back()) && space(text[at + 1..].chars().next())
}

/// Characters after a `$` that make it read as the start of a formula.
const MATH_START: &str = "\\{([|^_+-=<>";

/// The first leftover `$` of one paragraph that starts math (offsets are sorted).
fn first_stray(text: &str, dollars: &[usize]) -> Option<Stray> {
    let mut k = 0;
    while k < dollars.len() {
        let at = dollars[k];
        let mut run = 1;
        while dollars.get(k + run) == Some(&(at + run)) {
            run += 1;
        }
        let before = text[..at].chars().next_back();
        let after = text[at + run..].chars().next();
        // The next leftover `$` could close math if it follows a non-space.
        let closer = dollars.get(k + run).copied();
        let can_close = closer
            .and_then(|c| text[..c].chars().next_back())
            .is_some_and(|c| !c.is_whitespace());
        // `$$x$`: the second `$` opened inline math, the first is left over.
        let display = run >= 2 || after == Some('$');
        let why = if display {
            Some("`$$` starts display math, but no `$$` closes it in this paragraph")
        } else {
            match after {
                Some(c) if c.is_alphabetic() || MATH_START.contains(c) => Some(if can_close {
                    "the formula between these `$` does not parse: its braces `{` `}` must balance"
                } else if closer.is_some_and(|c| lone(text, c)) {
                    "the closing `$` must follow a non-space character: `$x$`, not `$x $`"
                } else {
                    "no closing `$` in this paragraph"
                }),
                Some(c) if c.is_ascii_digit() && can_close => Some(
                    "the formula between these `$` does not parse: its braces `{` `}` must balance",
                ),
                Some(c)
                    if c.is_whitespace()
                        && can_close
                        && !before.is_some_and(char::is_alphanumeric) =>
                {
                    Some(
                        "the opening `$` must come before a non-space character: `$x$`, not `$ x$`",
                    )
                }
                _ => None,
            }
        };
        if let Some(why) = why {
            return Some(Stray {
                offset: at,
                len: run,
                why,
            });
        }
        k += run;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strays(text: &str) -> Vec<(usize, &'static str)> {
        find(text).into_iter().map(|s| (s.offset, s.why)).collect()
    }

    #[test]
    fn broken_math_is_found_whatever_the_split() {
        // Unbalanced braces: pulldown-cmark leaves both `$` as text.
        let s = strays("A $\\frac{1}{$ b.\n");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].0, 2);
        assert!(s[0].1.contains("braces"), "{s:?}");
        assert_eq!(strays("A $2^{10$ b.\n").len(), 1);
        // No closer, a closer after a space, an opener before a space.
        assert!(
            strays("Let $\\sigma(z) be it.\n")[0]
                .1
                .contains("no closing")
        );
        assert!(strays("Let $x^2 $ be it.\n")[0].1.contains("non-space"));
        assert!(strays("Let $x and $y be.\n")[0].1.contains("no closing"));
        assert!(strays("Let $ x$ be it.\n")[0].1.contains("opening"));
        // Display math that does not close.
        assert!(strays("$$\\frac{1}{$$\n")[0].1.contains("display"));
        assert_eq!(strays("$$x = 1$\n"), [(0, strays("$$\n")[0].1)]);
        // Inside emphasis, a link, a heading, a table cell and a list item.
        for text in [
            "*a $\\frac{1}{$*\n",
            "[a $\\frac{1}{$](u)\n",
            "## A $x\n",
            "| a |\n|---|\n| $\\frac{1}{$ |\n",
            "- item $x\n",
        ] {
            assert_eq!(strays(text).len(), 1, "{text}");
        }
        // One error per paragraph, each paragraph on its own.
        assert_eq!(strays("$x and $y and $z\n\n$w\n").len(), 2);
    }

    #[test]
    fn prices_escapes_code_and_math_are_not_strays() {
        for text in [
            "It costs $5 and $10.\n",
            "It costs $5, or $10, and $x$ is math.\n",
            "Five dollars (5 $) or 5$ and 10$, US$ 3.\n",
            "A literal \\$HOME and \\$\\frac{1}{\\$.\n",
            "Escaped backslash then math: \\\\$x$.\n",
            "Code `$x` and\n\n```\n$\\frac{1}{$\n```\n\n    $indented\n",
            "Math $x^2$ and $$\\frac{1}{2}$$ and $\\{a\\}$.\n",
            "A link <https://example.org/$x> and &#36;x.\n",
            "---\ntitle: $x\n---\n\nText.\n",
            "It ends with a dollar $\n",
        ] {
            assert_eq!(strays(text), vec![], "{text}");
        }
    }
}
