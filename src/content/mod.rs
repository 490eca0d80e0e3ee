//! Content: walking `content/`, chapter order, front matter, extracting experiment blocks with
//! their source spans, numbering figures, tables and equations, and rendering Markdown (with math, cross-references, admonitions and
//! heading anchors) to HTML.

mod chapters;
pub mod cite;
mod dollars;
mod equations;
mod highlight;
pub mod math;
mod numbering;
pub mod outline;
mod refs;
mod render;
pub mod values;

pub use chapters::{Chapter, FRONT_KEYS, chapter_from_text, load_chapters};
pub use equations::Equation;
pub use highlight::{highlight, language as highlight_language};
pub use numbering::collect_labels;
pub use refs::{Label, Labels, caption_text};
pub use render::{
    Known, Rendered, TocEntry, block_placeholder, escape, render_chapter, render_chapter_with,
    slugify,
};

/// 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Markdown extensions nnbook enables (GitHub-flavoured, plus math and front matter).
pub fn markdown_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_MATH
        | Options::ENABLE_GFM
}

#[cfg(test)]
mod tests {
    #[test]
    fn line_col_counts_characters() {
        assert_eq!(super::line_col("ab\ncdé\nf", 0), (1, 1));
        assert_eq!(super::line_col("ab\ncdé\nf", 3), (2, 1));
        assert_eq!(super::line_col("ab\ncdé\nf", 8), (3, 1));
        assert_eq!(super::line_col("ab\ncdé\nf", 7), (2, 4));
    }
}
