//! LaTeX → MathML at build time with math-core: no JavaScript, no CDN.

use std::sync::OnceLock;

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};

fn converter() -> Option<&'static LatexToMathML> {
    static CONVERTER: OnceLock<Option<LatexToMathML>> = OnceLock::new();
    CONVERTER
        .get_or_init(|| LatexToMathML::new(MathCoreConfig::default()).ok())
        .as_ref()
}

/// Convert one formula; the error is math-core's message.
pub fn to_mathml(latex: &str, display: bool) -> Result<String, String> {
    let mode = if display {
        MathDisplay::Block
    } else {
        MathDisplay::Inline
    };
    check_nesting(latex)?;
    let conv = converter().ok_or("the math converter could not start")?;
    // math-core 0.7 panics on a few malformed inputs (found by fuzzing, e.g. `&` right after
    // `^` in a `cases` environment): a panic there is that formula's error, not nnbook's crash.
    quiet_panics(|| conv.convert_with_local_state(latex, mode))
        .map_err(|msg| format!("the formula cannot be rendered ({msg})"))?
        .map(|r| r.mathml)
        .map_err(|e| e.to_string())
}

/// Text with inline formulas, as captions and table headers hold it, cut into plain and math
/// pieces by the rule pulldown-cmark applies in prose: `$` opens before a non-space and closes
/// after one, `\$` is a dollar; a `$` that closes nothing (a price) is text.
fn pieces(text: &str) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(['$', '\\']) {
        plain.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if rest[i..].starts_with("\\$") {
            plain.push('$');
            rest = &rest[i + 2..];
            continue;
        }
        if rest[i..].starts_with('\\') {
            plain.push('\\');
            rest = after;
            continue;
        }
        let opens = after
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && c != '$');
        let close = after
            .char_indices()
            .find(|&(j, c)| {
                c == '$'
                    && j > 0
                    && !after[..j].ends_with(char::is_whitespace)
                    && !after[..j].ends_with('\\')
            })
            .map(|(j, _)| j);
        match close {
            Some(j) if opens => {
                if !plain.is_empty() {
                    out.push((false, std::mem::take(&mut plain)));
                }
                out.push((true, after[..j].to_string()));
                rest = &after[j + 1..];
            }
            _ => {
                plain.push('$');
                rest = after;
            }
        }
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push((false, plain));
    }
    out
}

/// A caption's or table header's HTML: its `$…$` formulas as inline MathML, the rest escaped.
/// The error names the formula that does not render.
pub fn inline_html(text: &str) -> Result<String, String> {
    let mut html = String::new();
    for (math, piece) in pieces(text) {
        if math {
            html.push_str(
                &to_mathml(&piece, false).map_err(|e| format!("the formula `${piece}$`: {e}"))?,
            );
        } else {
            html.push_str(&super::escape(&piece));
        }
    }
    Ok(html)
}

/// The text a page reads as prose: the formulas left out (they are MathML, not words).
pub fn inline_prose(text: &str) -> String {
    pieces(text)
        .into_iter()
        .filter(|(math, _)| !math)
        .map(|(_, p)| p)
        .collect()
}

/// The same text read aloud or shown where markup cannot go (alt text, an SVG's title): each
/// formula's LaTeX without its dollars.
pub fn inline_plain(text: &str) -> String {
    pieces(text).into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
mod inline_tests {
    use super::*;

    #[test]
    fn captions_hold_inline_math_and_prices_stay_text() {
        let html = inline_html("The sigmoid $\\sigma(z)$ of <z>").unwrap();
        assert!(html.starts_with("The sigmoid <math"), "{html}");
        assert!(
            html.contains("σ") && html.ends_with("</math> of &lt;z&gt;"),
            "{html}"
        );
        assert_eq!(inline_html("$5 and $10").unwrap(), "$5 and $10");
        assert_eq!(inline_html("a \\$x\\$ b").unwrap(), "a $x$ b");
        assert_eq!(inline_html("lone $ sign").unwrap(), "lone $ sign");
        assert_eq!(inline_plain("unit $z_C$ wins"), "unit z_C wins");
        assert!(
            inline_html("bad $\\frac{1$ here")
                .unwrap_err()
                .contains("`$\\frac{1$`")
        );
    }
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f`, turning a panic into an error and keeping its message off stderr.
fn quiet_panics<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: OnceLock<()> = OnceLock::new();
    HOOK.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "internal error".into())
    })
}

/// Deepest nesting a formula may have. math-core parses recursively, so a hostile formula
/// nested thousands deep would overflow the stack; real formulas stay far below this.
const MAX_NESTING: usize = 64;

/// Refuse formulas nested deeper than [`MAX_NESTING`]: braces, `\left`…`\right`,
/// `\begin`…`\end`, and chains of commands such as `\sqrt\sqrt\sqrt x` or `x^x^x`.
fn check_nesting(latex: &str) -> Result<(), String> {
    let mut depth: usize = 0;
    let mut chain: usize = 0;
    let mut deepest: usize = 0;
    let bytes = latex.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b'\\' => {
                let rest = &latex[i + 1..];
                if rest.starts_with("left") || rest.starts_with("begin") {
                    depth += 1;
                } else if rest.starts_with("right") || rest.starts_with("end") {
                    depth = depth.saturating_sub(1);
                }
                // A command directly followed by another (or by ^ _) nests without braces.
                chain += 1;
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                deepest = deepest.max(depth + chain);
                continue;
            }
            b'^' | b'_' => chain += 1,
            b' ' => {}
            _ => chain = 0,
        }
        deepest = deepest.max(depth + chain);
        i += 1;
    }
    if deepest > MAX_NESTING {
        return Err(format!(
            "the formula is nested more than {MAX_NESTING} levels deep"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod nesting_tests {
    use super::*;

    #[test]
    fn hostile_nesting_is_an_error_not_a_stack_overflow() {
        for bomb in [
            "{".repeat(100_000) + "x" + &"}".repeat(100_000),
            "\\sqrt".repeat(100_000) + " x",
            "\\left(".repeat(50_000) + "x" + &"\\right)".repeat(50_000),
            "\\frac".repeat(100_000) + "12",
        ] {
            let e = to_mathml(&bomb, true).unwrap_err();
            assert!(e.contains("nested more than"), "{e}");
        }
        // A math-core panic found by fuzzing is an error.
        let e = to_mathml(
            "g(z) = \\begin{cases}1 & ^\\ge 0 \\\\ 0 & z < 0\\end{cases}",
            true,
        )
        .unwrap_err();
        assert!(e.contains("cannot be rendered"), "{e}");
        let ok = "\\frac{1}{\\sqrt{2\\pi}} e^{-x^2/2} \\left( \\sum_{i=1}^{n} x_i \\right)";
        assert!(to_mathml(ok, true).is_ok());
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn converts_and_reports_errors() {
        let m = super::to_mathml(r"\sigma(x) = \frac{1}{1 + e^{-x}}", false).unwrap();
        assert!(m.starts_with("<math") && m.contains("<mfrac>"), "{m}");
        let b = super::to_mathml("x^2", true).unwrap();
        assert!(b.contains("display=\"block\""), "{b}");
        assert!(super::to_mathml(r"\frac{1}{", false).is_err());
        assert!(super::to_mathml(r"\notacommand", false).is_err());
    }
}
