//! Every internal link of a built site resolves: each `href` and `src` of its HTML pages and
//! SVG figures names a file of the site, and each `#fragment` an id on the page it targets;
//! so do the search index's results and the sitemap's pages. Checked on the sample book, the
//! fixture books and the book `nnbook init` writes.
//!
//! The 404 page is served at any depth, so its links are read from the site root, as it sits
//! in the site; a link from the root (`/repo/index.html`) must start with the site's own path
//! (the `nnbook-root` the 404 page carries when book.yaml has a `site_url`), since GitHub
//! Pages serves the book under that sub-path.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::*;

/// What a site's link check found.
#[derive(Debug, Default)]
struct Report {
    /// `page: link: what is wrong`, sorted.
    problems: Vec<String>,
    /// Internal links followed (to a file, and to an id when they have a fragment).
    links: usize,
    fragments: usize,
}

/// A built site: its files, and the ids of each page and SVG.
struct Site {
    files: BTreeSet<String>,
    ids: BTreeMap<String, BTreeSet<String>>,
    /// The path the site is served under, from `site_url` (`/fixture/`), or empty.
    base: String,
}

fn check(dir: &Path) -> Report {
    let files: BTreeSet<String> = read_tree(dir).into_keys().collect();
    let mut pages = BTreeMap::new();
    let mut ids = BTreeMap::new();
    for f in files
        .iter()
        .filter(|f| f.ends_with(".html") || f.ends_with(".svg"))
    {
        let tags = tags(&read(dir.join(f)));
        let page_ids = tags
            .iter()
            .flat_map(|(name, attrs)| {
                attrs.iter().filter(move |(k, _)| {
                    k == "id" || (k == "name" && name == "a") || k == "xml:id"
                })
            })
            .map(|(_, v)| v.clone())
            .collect();
        ids.insert(f.clone(), page_ids);
        pages.insert(f.clone(), tags);
    }
    let base = pages
        .get("404.html")
        .and_then(|tags| {
            tags.iter().find(|(name, attrs)| {
                name == "meta" && attrs.contains(&("name".into(), "nnbook-root".into()))
            })
        })
        .and_then(|(_, attrs)| attrs.iter().find(|(k, _)| k == "content"))
        .map(|(_, v)| v.clone())
        .filter(|v| v.starts_with('/'))
        .unwrap_or_default();
    let site = Site { files, ids, base };
    let mut report = Report::default();
    for (page, tags) in &pages {
        for (_, attrs) in tags {
            for (k, v) in attrs {
                if matches!(k.as_str(), "href" | "src" | "xlink:href") {
                    site.follow(page, v, &mut report);
                }
            }
        }
    }
    if site.files.contains("search-index.js") {
        for (page, anchor) in search_targets(&read(dir.join("search-index.js"))) {
            let link = if anchor.is_empty() {
                page
            } else {
                format!("{page}#{anchor}")
            };
            site.follow("search-index.js", &link, &mut report);
        }
    }
    if site.files.contains("sitemap.xml") {
        let xml = read(dir.join("sitemap.xml"));
        for loc in xml
            .split("<loc>")
            .skip(1)
            .filter_map(|s| s.split_once("</loc>"))
        {
            let url = decode_entities(loc.0);
            // The page's path on the host, which must lie under the site's own path.
            let path = url
                .split_once("://")
                .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
                .unwrap_or_else(|| "/".into());
            site.follow("sitemap.xml", &path, &mut report);
        }
    }
    report.problems.sort();
    report
}

impl Site {
    /// Resolve one link found on `page`: counted when it resolves, else a problem.
    fn follow(&self, page: &str, link: &str, report: &mut Report) {
        let link = link.trim();
        if is_external(link) {
            return;
        }
        if let Err(e) = self.resolve_link(page, link, report) {
            report.problems.push(format!("{page}: {link}: {e}"));
        }
    }

    fn resolve_link(&self, page: &str, link: &str, report: &mut Report) -> Result<(), String> {
        let (rest, fragment) = link.split_once('#').unwrap_or((link, ""));
        let path = rest.split('?').next().unwrap_or("");
        let target = if path.is_empty() {
            page.to_string()
        } else if let Some(from_root) = path.strip_prefix('/') {
            if self.base.is_empty() {
                return Err(format!(
                    "a link from the host's root (`/{from_root}`) misses the sub-path the book is served under"
                ));
            }
            let rel = path
                .strip_prefix(self.base.as_str())
                .ok_or_else(|| format!("outside the site's path `{}`", self.base))?;
            resolve("", rel)?
        } else {
            resolve(page.rsplit_once('/').map_or("", |(d, _)| d), path)?
        };
        let target = if target.is_empty() || target.ends_with('/') {
            format!("{target}index.html")
        } else if self.files.contains(&format!("{target}/index.html")) {
            format!("{target}/index.html")
        } else {
            target
        };
        if !self.files.contains(&target) {
            return Err(format!("no file `{target}` in the site"));
        }
        report.links += 1;
        if fragment.is_empty() {
            return Ok(());
        }
        let fragment = percent_decode(fragment);
        match self.ids.get(&target) {
            Some(ids) if ids.contains(&fragment) => {
                report.fragments += 1;
                Ok(())
            }
            Some(_) => Err(format!("no id `{fragment}` on `{target}`")),
            None => Err(format!("`{target}` has no ids to link to")),
        }
    }
}

/// A link to another site, or one that names no file (`data:`, `mailto:`, `javascript:`).
fn is_external(link: &str) -> bool {
    link.starts_with("//")
        || link.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        })
}

/// A relative path from the folder `dir`, as a path from the site root.
fn resolve(dir: &str, path: &str) -> Result<String, String> {
    let mut parts: Vec<String> = dir
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("goes above the site root".into());
                }
            }
            s => parts.push(percent_decode(s)),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Ok(out)
}

/// Every start tag of an HTML or SVG document, with its attributes (values unescaped).
/// Comments, the doctype, CDATA and the text of scripts and styles are passed over.
fn tags(doc: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = doc;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            rest = skip_to(rest, "-->");
            continue;
        }
        if rest.starts_with("<![CDATA[") {
            rest = skip_to(rest, "]]>");
            continue;
        }
        if !rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            // An end tag, the doctype, or a `<` in text.
            rest = &rest[1..];
            continue;
        }
        let name_len = rest[1..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len() - 1);
        let name = rest[1..1 + name_len].to_ascii_lowercase();
        rest = &rest[1 + name_len..];
        let mut attrs = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
            if rest.is_empty() || rest.starts_with('>') {
                rest = rest.get(1..).unwrap_or("");
                break;
            }
            let key_len = rest
                .find(|c: char| c.is_ascii_whitespace() || "=>/".contains(c))
                .unwrap_or(rest.len());
            let key = rest[..key_len].to_ascii_lowercase();
            rest = rest[key_len..].trim_start();
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                let (raw, next) = match after.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let end = after[1..].find(q).map_or(after.len(), |i| i + 1);
                        (&after[1..end], after.get(end + 1..).unwrap_or(""))
                    }
                    _ => {
                        let end = after
                            .find(|c: char| c.is_ascii_whitespace() || c == '>')
                            .unwrap_or(after.len());
                        (&after[..end], &after[end..])
                    }
                };
                value = decode_entities(raw);
                rest = next;
            }
            attrs.push((key, value));
        }
        if name == "script" || name == "style" {
            let end = format!("</{name}");
            rest = rest
                .to_ascii_lowercase()
                .find(&end)
                .map_or("", |i| &rest[i..]);
        }
        out.push((name, attrs));
    }
    out
}

/// What follows the first `end` in `s`, or nothing.
fn skip_to<'a>(s: &'a str, end: &str) -> &'a str {
    s.find(end).map_or("", |i| &s[i + end.len()..])
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;` and numeric references.
fn decode_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&i| i <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `%C3%A9` → `é` (a malformed escape stays as written).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Each search result's page and anchor, from `search-index.js`.
fn search_targets(script: &str) -> Vec<(String, String)> {
    let json = script
        .trim()
        .strip_prefix("window.nnbookSearchIndex = ")
        .and_then(|s| s.strip_suffix(';'))
        .expect("search-index.js assigns the index");
    let index: serde_json::Value = serde_json::from_str(json).expect("search index JSON");
    index["docs"]
        .as_array()
        .expect("docs")
        .iter()
        .map(|d| {
            let field = |i: usize| d[i].as_str().expect("page and anchor").to_string();
            (field(0), field(1))
        })
        .collect()
}

/// Build a book into its `site/` and check it; every problem fails the test.
fn build_and_check(root: &Path, out: &str) -> Report {
    let root_s = root.to_str().unwrap();
    let run = nnbook_env(
        &["build", "--root", root_s, "--out", out],
        &[("NNBOOK_DATA_DIR", None)],
    );
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
    let report = check(&root.join(out));
    assert!(
        report.problems.is_empty(),
        "{}: {} broken links:\n{}",
        root.display(),
        report.problems.len(),
        report.problems.join("\n")
    );
    report
}

#[test]
fn the_checker_finds_missing_files_and_anchors() {
    let dir = TempDir::new("links");
    let site = dir.path();
    let write = |f: &str, text: &str| {
        let p = site.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "index.html",
        r##"<!doctype html><html><head><link rel="stylesheet" href="theme/style.css">
<script>if (a < b) { x = "<a href='gone.html'>"; }</script></head><body>
<!-- <a href="commented.html"> -->
<p id="self">Links: <a href="#self">ok</a> <a href="#gone">missing id</a>
<a href=a.html#there>unquoted, ok</a> <a href="a.html?x=1&amp;y=2#there">query, ok</a>
<a href="a.html#nowhere">missing id on another page</a> <a href="missing.html">missing</a>
<a href="https://example.com/x.html">external</a> <a href="mailto:a@b.c">mail</a>
<a href="../up.html">above the root</a> <a href="/abs.html">from the host's root</a>
<img src="figures/x.svg" alt=""> <a href="figures/x.svg#t">svg id</a>
<a href="sub/">folder</a> <a href='caf%C3%A9.html#%C3%A9t%C3%A9'>escaped</a>
<a href="sub/../a.html#there">dot-dot</a> <a href="theme/style.css#x">no ids</a></p>
</body></html>"##,
    );
    write("a.html", "<h2 id=there>There</h2>");
    write("café.html", "<p><a name=\"été\">summer</a></p>");
    write("sub/index.html", "<a href=\"../index.html#self\">up</a>");
    write("theme/style.css", "p {}");
    write(
        "figures/x.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><title id=\"t\">T</title><use href=\"#nope\"/></svg>",
    );
    write(
        "search-index.js",
        "window.nnbookSearchIndex = {\"version\":1,\"docs\":[[\"a.html\",\"there\",\"T\",\"section\",\"1\",\"\"],[\"a.html\",\"lost\",\"L\",\"section\",\"1\",\"\"]],\"terms\":{}};\n",
    );
    let report = check(site);
    assert_eq!(
        report.problems,
        [
            "figures/x.svg: #nope: no id `nope` on `figures/x.svg`",
            "index.html: #gone: no id `gone` on `index.html`",
            "index.html: ../up.html: goes above the site root",
            "index.html: /abs.html: a link from the host's root (`/abs.html`) misses the sub-path the book is served under",
            "index.html: a.html#nowhere: no id `nowhere` on `a.html`",
            "index.html: missing.html: no file `missing.html` in the site",
            "index.html: theme/style.css#x: `theme/style.css` has no ids to link to",
            "search-index.js: a.html#lost: no id `lost` on `a.html`",
        ]
    );
    // Links to a file that exists: 12 from index.html, 1 from sub/, the SVG's own and the
    // search index's 2; 8 of them to an id that exists.
    assert_eq!((report.links, report.fragments), (16, 8));
}

#[test]
fn links_from_the_host_root_need_the_site_path() {
    let dir = TempDir::new("links-base");
    let site = dir.path();
    std::fs::write(
        site.join("404.html"),
        r#"<meta name="nnbook-root" content="/book/"><a href="/book/index.html#top">home</a>
<a href="/other/index.html">elsewhere</a> <a href="index.html">relative</a>"#,
    )
    .unwrap();
    std::fs::write(site.join("index.html"), r#"<h1 id="top">Top</h1>"#).unwrap();
    std::fs::write(
        site.join("sitemap.xml"),
        "<urlset><url><loc>https://x.github.io/book/index.html</loc></url><url><loc>https://x.github.io/book/gone.html</loc></url></urlset>",
    )
    .unwrap();
    let report = check(site);
    assert_eq!(
        report.problems,
        [
            "404.html: /other/index.html: outside the site's path `/book/`",
            "sitemap.xml: /book/gone.html: no file `gone.html` in the site",
        ]
    );
    assert_eq!((report.links, report.fragments), (3, 1));
}

#[test]
fn the_sample_book_links_resolve() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = shared_datasets();
    let data = data.as_ref().and_then(|d| d.to_str());
    let out = "target/links-test/sample";
    let run = nnbook_env(
        &["build", "--root", repo.to_str().unwrap(), "--out", out],
        &[("NNBOOK_DATA_DIR", data)],
    );
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
    let report = check(&repo.join(out));
    assert!(
        report.problems.is_empty(),
        "{} broken links in the sample book:\n{}",
        report.problems.len(),
        report.problems.join("\n")
    );
    // Chapter lists, previous/next, cross-references to figures and equations, the table of
    // contents, heading anchors, figure files and the search index's results.
    assert!(report.links > 300 && report.fragments > 200, "{report:?}");
}

#[test]
fn the_fixture_books_links_resolve() {
    // `basic` has a site_url: its 404 page links from the host's root, under `/fixture/`.
    // `mnist`, built without the data, links to the notices shown in place of its figures.
    for name in ["basic", "kinds", "csv", "mnist"] {
        let book = fixture(name);
        let report = build_and_check(book.path(), "site");
        assert!(
            report.links > 20 && report.fragments > 5,
            "{name}: {report:?}"
        );
    }
}

#[test]
fn the_init_book_links_resolve() {
    let dir = TempDir::new("links-init");
    let root = dir.path().join("book");
    let run = nnbook(&["init", root.to_str().unwrap()]);
    assert_eq!(run.code, 0, "init failed:\n{}", run.stderr);
    let report = build_and_check(&root, "site");
    assert!(report.links > 10 && report.fragments > 3, "{report:?}");
}
