//! Finding chapters, reading them, and pulling out their title, front matter and nn blocks.

use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};

use super::{line_col, markdown_options};
use crate::config::Config;
use crate::diag::{Diagnostic, Location};
use crate::spec::{self, Block, BlockSource};
use crate::yaml::{self, Node, YamlErrorKind};

/// Chapters larger than this are refused (a typo'd path to a data file, usually).
const MAX_CHAPTER_BYTES: u64 = 8 * 1024 * 1024;

/// One chapter: its source, where it goes, and the experiment blocks it holds.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// 1-based chapter number.
    pub number: usize,
    /// Source path relative to the book root (`content/intro.md`).
    pub source: PathBuf,
    pub text: String,
    pub title: String,
    /// Output page, relative to the site root (`intro.html`).
    pub page: String,
    /// The chapter's nn blocks in order.
    pub blocks: Vec<Block>,
    /// Labelled display equations (`$$ … $$ {#id}`) in order.
    pub equations: Vec<super::Equation>,
}

/// Read every chapter named by the config (or `content/*.md` by name). Errors are collected
/// for all chapters rather than stopping at the first.
pub fn load_chapters(root: &Path, config: &Config) -> Result<Vec<Chapter>, Vec<Diagnostic>> {
    let sources = chapter_sources(root, config).map_err(|d| vec![d])?;
    let mut chapters = Vec::new();
    let mut errors = Vec::new();
    let mut pages: Vec<String> = vec!["index.html".into(), "404.html".into()];
    for (i, (rel, named_at)) in sources.into_iter().enumerate() {
        let text = match read_chapter(root, &rel, named_at) {
            Ok(t) => t,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        let page = unique_page(&rel, &mut pages);
        match parse_chapter(&rel, &text) {
            Ok((title, blocks)) => chapters.push(Chapter {
                number: i + 1,
                equations: super::equations::find(&rel, &text),
                source: rel,
                text,
                title,
                page,
                blocks,
            }),
            Err(mut ds) => errors.append(&mut ds),
        }
    }
    if errors.is_empty() {
        expand_families(&mut chapters);
        Ok(chapters)
    } else {
        Err(errors)
    }
}

/// `runs:` may name a `vary:` family anywhere in the book: list its members instead.
fn expand_families(chapters: &mut [Chapter]) {
    let families = spec::families(chapters.iter().flat_map(|c| &c.blocks));
    for block in chapters.iter_mut().flat_map(|c| &mut c.blocks) {
        spec::expand_runs(block, &families);
    }
}

/// One chapter from its text, as if read from `rel` (for tests and fuzzing).
pub fn chapter_from_text(rel: &Path, text: String) -> Result<Chapter, Vec<Diagnostic>> {
    let (title, mut blocks) = parse_chapter(rel, &text)?;
    let families = spec::families(blocks.iter());
    for block in &mut blocks {
        spec::expand_runs(block, &families);
    }
    Ok(Chapter {
        number: 1,
        equations: super::equations::find(rel, &text),
        source: rel.to_path_buf(),
        page: "chapter.html".into(),
        text,
        title,
        blocks,
    })
}

fn chapter_sources(
    root: &Path,
    config: &Config,
) -> Result<Vec<(PathBuf, Option<Location>)>, Diagnostic> {
    if let Some(list) = &config.chapters {
        return Ok(list
            .iter()
            .map(|c| (Path::new("content").join(&c.path), Some(c.location.clone())))
            .collect());
    }
    let dir = root.join("content");
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(&dir)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            Diagnostic::error("E004", format!("cannot list content/: {e}"))
                .at(Location::file("content"))
                .hint("create a `content/` folder with one Markdown file per chapter")
        })?;
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with(".md") && !name.starts_with('.') {
            found.push((PathBuf::from("content").join(name), None));
        }
    }
    if found.is_empty() {
        return Err(Diagnostic::error("E004", "the book has no chapters")
            .at(Location::file("content"))
            .hint("add a Markdown file such as content/01-intro.md"));
    }
    Ok(found)
}

fn read_chapter(root: &Path, rel: &Path, named_at: Option<Location>) -> Result<String, Diagnostic> {
    let at = named_at.unwrap_or_else(|| Location::file(rel));
    let path = root.join(rel);
    let meta = std::fs::metadata(&path).map_err(|e| {
        Diagnostic::error(
            "E004",
            format!("cannot read chapter {}: {e}", rel.display()),
        )
        .at(at.clone())
        .hint("chapters are listed relative to the content/ folder")
    })?;
    if !meta.is_file() {
        return Err(
            Diagnostic::error("E004", format!("{} is not a file", rel.display()))
                .at(at)
                .hint("a chapter is a Markdown file"),
        );
    }
    crate::config::inside_root(root, rel).map_err(|d| d.at(at.clone()))?;
    if meta.len() > MAX_CHAPTER_BYTES {
        return Err(Diagnostic::error(
            "E004",
            format!(
                "{} is larger than {} MiB",
                rel.display(),
                MAX_CHAPTER_BYTES >> 20
            ),
        )
        .at(at)
        .hint("split the chapter, or move data into a data file"));
    }
    let bytes = std::fs::read(&path).map_err(|e| {
        Diagnostic::error("E004", format!("cannot read {}: {e}", rel.display())).at(at.clone())
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, col) = {
            let ok = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            line_col(&String::from_utf8_lossy(ok), ok.len())
        };
        Diagnostic::error("E004", format!("{} is not valid UTF-8", rel.display()))
            .at(Location::at(rel, line, col, 1))
            .hint("save the file as UTF-8")
    })
}

fn unique_page(rel: &Path, taken: &mut Vec<String>) -> String {
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut slug: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if slug.is_empty() {
        slug = "chapter".into();
    }
    let mut page = format!("{slug}.html");
    let mut k = 2;
    while taken.contains(&page) {
        page = format!("{slug}-{k}.html");
        k += 1;
    }
    taken.push(page.clone());
    page
}

/// The chapter's title (front matter `title:`, else the first `#` heading, else the file name)
/// and its parsed nn blocks.
fn parse_chapter(rel: &Path, text: &str) -> Result<(String, Vec<Block>), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut blocks = Vec::new();
    let mut front_title = None;
    let mut heading_title: Option<String> = None;
    let mut in_h1 = false;
    let mut h1_text = String::new();
    let mut in_meta = false;
    let mut in_nn: Option<usize> = None; // byte offset where the block's text starts
    let mut nn_text = String::new();
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::MetadataBlock(_)) => in_meta = true,
            Event::End(TagEnd::MetadataBlock(_)) => in_meta = false,
            Event::Text(t) if in_meta => match front_matter_title(rel, text, &t, range.start) {
                Ok(title) => front_title = title,
                Err(d) => errors.push(d),
            },
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_nn(&info) => {
                if !is_closed_fence(&text[range.clone()]) {
                    let (line, col) = line_col(text, range.start);
                    errors.push(
                        Diagnostic::error("E010", "unclosed nn block")
                            .at(Location::at(rel, line, col, 5))
                            .hint("close the block with a line of three backticks")
                            .with_source(text),
                    );
                }
                // The block's text starts on the line after the fence.
                let after_fence = text[range.start..]
                    .find('\n')
                    .map_or(range.end, |i| range.start + i + 1);
                in_nn = Some(after_fence);
                nn_text.clear();
            }
            Event::Text(t) if in_nn.is_some() => nn_text.push_str(&t),
            Event::End(TagEnd::CodeBlock) if in_nn.is_some() => {
                let start = in_nn.take().unwrap_or(0);
                let (first_line, _) = line_col(text, start);
                let src = BlockSource {
                    file: rel,
                    first_line,
                    chapter_text: text,
                };
                match spec::parse_blocks(&nn_text, &src) {
                    Ok(mut b) => blocks.append(&mut b),
                    Err(d) => errors.push(d),
                }
            }
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) if heading_title.is_none() => {
                in_h1 = true;
                h1_text.clear();
            }
            Event::Text(t) | Event::Code(t) if in_h1 => h1_text.push_str(&t),
            Event::InlineMath(t) if in_h1 => h1_text.push_str(&t),
            Event::End(TagEnd::Heading(HeadingLevel::H1)) if in_h1 => {
                in_h1 = false;
                heading_title = Some(h1_text.trim().to_string());
            }
            _ => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let fallback = rel
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let title = front_title
        .or(heading_title)
        .filter(|t| !t.is_empty())
        .unwrap_or(fallback);
    Ok((title, blocks))
}

/// Whether a fenced block's source ends with a closing fence (pulldown-cmark silently runs an
/// unclosed fence to the end of the document, which would swallow the rest of the chapter).
fn is_closed_fence(block: &str) -> bool {
    let mut lines = block.trim_end().lines();
    let Some(first) = lines.next() else {
        return false;
    };
    let opener = first.trim_start();
    let fence_char = opener.chars().next().unwrap_or('`');
    let fence_len = opener.chars().take_while(|c| *c == fence_char).count();
    lines.last().is_some_and(|last| {
        let last = last.trim();
        last.chars().take_while(|c| *c == fence_char).count() >= fence_len
            && last.chars().all(|c| c == fence_char)
    })
}

/// ```nn opens an experiment block (also ```nn {…} with extra info words).
pub(super) fn is_nn(info: &str) -> bool {
    info.split_whitespace().next() == Some("nn")
}

pub const FRONT_KEYS: &[&str] = &["title", "description"];

fn front_matter_title(
    rel: &Path,
    text: &str,
    yaml_text: &str,
    start: usize,
) -> Result<Option<String>, Diagnostic> {
    let first_line = line_col(text, start).0;
    let to_diag = |e: yaml::YamlError| {
        let code = if e.kind == YamlErrorKind::Syntax {
            "E005"
        } else {
            "E006"
        };
        e.into_diagnostic(code, rel, first_line, text)
    };
    let node = yaml::parse(yaml_text).map_err(to_diag)?;
    if node.value == yaml::Value::Null {
        return Ok(None);
    }
    let map = node.as_map().map_err(to_diag)?;
    map.check_keys(FRONT_KEYS).map_err(to_diag)?;
    map.opt("title", Node::as_text).map_err(to_diag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_blocks() {
        let text =
            "---\ntitle: Front\n---\n\n# Heading\n\n```nn\nid: a\ndata: {generator: xor}\n```\n";
        let (title, blocks) = parse_chapter(Path::new("content/a.md"), text).unwrap();
        assert_eq!(title, "Front");
        assert_eq!(blocks.len(), 1);
        let (title, _) = parse_chapter(Path::new("content/a.md"), "# The *title*\n").unwrap();
        assert_eq!(title, "The title");
    }

    #[test]
    fn block_errors_have_chapter_positions() {
        let text = "# T\n\ntext\n\n```nn\nid: a\ndata: {generator: xro}\n```\n";
        let errs = parse_chapter(Path::new("content/a.md"), text).unwrap_err();
        assert_eq!(errs[0].position().as_deref(), Some("content/a.md:7:19"));
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `xor`?"));
    }

    #[test]
    fn unclosed_block_is_an_error() {
        let errs = parse_chapter(Path::new("c.md"), "# T\n\n```nn\nid: a\n").unwrap_err();
        assert_eq!(errs[0].message, "unclosed nn block");
        assert_eq!(errs[0].position().as_deref(), Some("c.md:3:1"));
    }

    #[test]
    fn front_matter_unknown_key() {
        let errs = parse_chapter(Path::new("c.md"), "---\ntitel: x\n---\n").unwrap_err();
        assert_eq!(errs[0].position().as_deref(), Some("c.md:2:1"));
    }
}
