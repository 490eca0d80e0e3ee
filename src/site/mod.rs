//! The site stage: render pages with the theme, add assets, the 404 page, `.nojekyll` and the
//! sitemap, and write everything atomically.

mod print;
mod search;
mod strict;
mod theme;
mod write;

pub use search::{
    Part as SearchPart, index_script as search_index, parts as search_parts,
    tokens as search_tokens,
};
pub use theme::Theme;
pub use write::{Files, recover, write_site};

use serde_json::{Value, json};

use crate::config::Config;
use crate::content::TocEntry;
use crate::diag::Diagnostic;

/// A chapter page ready for the theme.
#[derive(Debug, Clone)]
pub struct Page {
    pub number: usize,
    pub title: String,
    /// Output path relative to the site root.
    pub path: String,
    /// Final body HTML (figures and tables in place).
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// The page's searchable text, in reading order.
    pub search: Vec<search::Part>,
}

/// Render every page and add the theme's static files; `files` already holds figures and the
/// manifest. Paths are relative so the site works under any sub-path (GitHub Pages).
pub fn assemble(
    config: &Config,
    theme: &Theme,
    pages: &[Page],
    files: &mut Files,
) -> Result<(), Diagnostic> {
    let book = json!({
        "title": config.title,
        "description": config.description,
        "authors": config.authors,
        "language": config.language,
    });
    // Every page links to the whole book on one page (print.html) when there are chapters.
    let print_path = if pages.is_empty() { "" } else { "print.html" };
    let chapters_for = |current: Option<usize>| -> Value {
        pages
            .iter()
            .map(|p| {
                json!({"number": p.number, "title": p.title, "path": p.path, "current": Some(p.number) == current})
            })
            .collect()
    };
    let link =
        |p: Option<&Page>| p.map_or(Value::Null, |p| json!({"title": p.title, "path": p.path}));
    let base = |page: Value, current: Option<usize>| {
        json!({
            "root": "",
            "nnbook_version": crate::VERSION,
            "book": book,
            "chapters": chapters_for(current),
            "print_path": print_path,
            "page": page,
        })
    };

    let index = base(
        json!({"kind": "index", "title": config.title, "number": null, "content": "", "toc": [],
               "toc_tree": [], "prev": null, "next": link(pages.first()), "show_title": true}),
        None,
    );
    files.insert(
        "index.html".into(),
        theme.render("index.html", &index)?.into_bytes(),
    );

    for (i, p) in pages.iter().enumerate() {
        let prev = if i == 0 { None } else { pages.get(i - 1) };
        let ctx = base(
            json!({"kind": "chapter", "title": p.title, "number": p.number, "content": p.html,
                   "toc": p.toc, "toc_tree": toc_tree(&p.toc), "prev": link(prev), "next": link(pages.get(i + 1)),
                   "show_title": !p.html.contains("<h1")}),
            Some(p.number),
        );
        files.insert(
            p.path.clone(),
            theme.render("chapter.html", &ctx)?.into_bytes(),
        );
    }

    if !pages.is_empty() {
        // The chapters' own contents, one entry per chapter, stand for the on-page contents.
        let toc: Vec<Value> = pages
            .iter()
            .map(|p| json!({"level": 2, "id": print::chapter_anchor(p), "title": p.title}))
            .collect();
        let tree: Vec<Value> = toc
            .iter()
            .map(|t| json!({"level": 2, "id": t["id"], "title": t["title"], "children": []}))
            .collect();
        let ctx = base(
            json!({"kind": "print", "title": config.title, "number": null,
                   "content": print::combine(pages), "toc": toc, "toc_tree": tree,
                   "prev": null, "next": null, "show_title": true}),
            None,
        );
        files.insert(
            print_path.into(),
            theme.render("chapter.html", &ctx)?.into_bytes(),
        );
    }

    let mut not_found = base(
        json!({"kind": "404", "title": "Page not found", "number": null, "content": "", "toc": [],
               "toc_tree": [], "prev": null, "next": null, "show_title": true}),
        None,
    );
    // GitHub Pages serves 404.html for a missing page at any depth, where relative links would
    // break, so the 404 page links from the site's own path when site_url gives it. Without
    // one its links stay relative: right at the site's top level, which is where a project
    // site (`/repo/`) is served, whereas links from the host's root would break every project
    // site. `nnbook serve --base` rewrites either kind to the served base.
    if let Some(path) = config.site_url.as_deref().and_then(site_path) {
        not_found["root"] = Value::String(path);
    }
    files.insert(
        "404.html".into(),
        theme.render("404.html", &not_found)?.into_bytes(),
    );
    files.insert(
        "search-index.js".into(),
        search::index_script(pages).into_bytes(),
    );
    // GitHub Pages would otherwise run Jekyll, which hides files starting with `_`.
    files.insert(".nojekyll".into(), Vec::new());
    if let Some(url) = &config.site_url {
        files.insert("sitemap.xml".into(), sitemap(url, pages).into_bytes());
    }
    for (name, bytes) in &theme.statics {
        files.insert(format!("theme/{name}"), bytes.clone());
    }
    Ok(())
}

/// The on-page contents as a tree: each h3 under the h2 before it (an h3 before any h2 stays
/// at the top), so the list nests as the chapter does.
fn toc_tree(toc: &[TocEntry]) -> Value {
    let mut tree: Vec<Value> = Vec::new();
    for t in toc {
        let node = json!({"level": t.level, "id": t.id, "title": t.title, "children": []});
        match tree.last_mut() {
            Some(parent) if t.level > 2 && parent["level"] == 2 => {
                if let Some(children) = parent["children"].as_array_mut() {
                    children.push(node);
                }
            }
            _ => tree.push(node),
        }
    }
    Value::Array(tree)
}

/// The path of a site URL: `https://u.github.io/repo/` → `/repo/`.
pub fn site_path(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    Some(if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    })
}

fn sitemap(url: &str, pages: &[Page]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let esc = crate::content::escape;
    out.push_str(&format!("  <url><loc>{}</loc></url>\n", esc(url)));
    for p in pages {
        out.push_str(&format!(
            "  <url><loc>{}{}</loc></url>\n",
            esc(url),
            esc(&p.path)
        ));
    }
    out.push_str("</urlset>\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn site_paths() {
        assert_eq!(
            super::site_path("https://u.github.io/repo/").as_deref(),
            Some("/repo/")
        );
        assert_eq!(
            super::site_path("https://example.org").as_deref(),
            Some("/")
        );
    }
}
