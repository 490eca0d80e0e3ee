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
    let conv = converter().ok_or("the math converter could not start")?;
    conv.convert_with_local_state(latex, mode)
        .map(|r| r.mathml)
        .map_err(|e| e.to_string())
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
