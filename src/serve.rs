//! `nnbook serve`: build the book in memory, serve it over HTTP on 127.0.0.1, watch the
//! sources (polling modification times: no dependency, works on every file system), rebuild on
//! change and reload the open pages through a Server-Sent Events stream. A failed build keeps
//! the last good pages and shows the diagnostics over them until the sources are fixed.
//! Nothing is written into the output folder.
//!
//! The server is a small HTTP/1.1 server on `std::net`, one thread per connection, answering
//! GET and HEAD for files of the in-memory site only: any path that would leave the site
//! (`..`, absolute, backslashes, percent-encoded forms of those) is a 404.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime};

use crate::build::{BuildOptions, build_files};
use crate::config::Config;
use crate::content::escape;
use crate::diag::Diagnostic;
use crate::site::Files;

/// What `nnbook serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub host: String,
    /// 0 picks a free port (printed on stdout).
    pub port: u16,
    /// Serve the book under this path prefix (e.g. `/book/`), as GitHub Pages does.
    pub base: String,
    /// Open the book in the default browser.
    pub open: bool,
}

/// The served state: the last good site, the current error (if the last build failed) and a
/// generation counter bumped on every rebuild, which the live-reload stream waits on.
#[derive(Default)]
struct State {
    files: Files,
    errors: Option<Vec<Diagnostic>>,
    generation: u64,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    base: String,
}

/// Endpoint of the live-reload event stream, below the base path.
const EVENTS: &str = "__nnbook/events";

/// Run the server until the process is stopped. Returns only on a startup error.
pub fn serve(opts: &ServeOptions) -> Result<(), Diagnostic> {
    let base = normalise_base(&opts.base);
    let listener = TcpListener::bind((opts.host.as_str(), opts.port)).map_err(|e| {
        Diagnostic::error(
            "E051",
            format!("cannot listen on {}:{}: {e}", opts.host, opts.port),
        )
        .hint("pick another port with `--port`, or `--port 0` for any free port")
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Diagnostic::error("E051", format!("cannot read the bound address: {e}")))?;
    let shared = Arc::new(Shared {
        state: Mutex::new(State::default()),
        changed: Condvar::new(),
        base: base.clone(),
    });
    // The sources as the first build reads them: an edit made while it runs (or before the
    // watcher starts) is then seen as a change, not taken as the starting point.
    let baseline = snapshot(&opts.build.root);
    rebuild(&shared, &opts.build);
    let url = format!("http://{addr}{base}");
    // Tests read this line to find the port.
    println!("serving {url}");
    let _ = std::io::stdout().flush();
    if opts.open {
        open_browser(&url);
    }
    {
        let shared = Arc::clone(&shared);
        let build = opts.build.clone();
        std::thread::spawn(move || watch(&shared, &build, baseline));
    }
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || {
            let _ = handle(stream, &shared);
        });
    }
    Ok(())
}

fn normalise_base(base: &str) -> String {
    let trimmed = base.trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

fn rebuild(shared: &Shared, opts: &BuildOptions) {
    let started = Instant::now();
    // A bug in a build must not take the server down: report it like any failed build.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build_files(opts)))
        .unwrap_or_else(|_| {
            Err(vec![
                Diagnostic::error("E099", "internal error: the build panicked")
                    .hint("this is a bug in nnbook; please report it with the book that caused it"),
            ])
        });
    let mut st = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    match result {
        Ok((files, report)) => {
            for w in &report.warnings {
                eprintln!("{}", w.render(false));
            }
            eprintln!(
                "built in {:.2}s: {} chapters, {} experiments ({} cached)",
                started.elapsed().as_secs_f64(),
                report.chapters,
                report.experiments,
                report.cached
            );
            st.files = files;
            rebase_404(&mut st.files, &opts.root, &shared.base);
            st.errors = None;
        }
        Err(diags) => {
            for d in &diags {
                eprintln!("{}", d.render(false));
            }
            eprintln!("build failed; the page shows the errors until they are fixed");
            st.errors = Some(diags);
        }
    }
    st.generation += 1;
    shared.changed.notify_all();
}

/// The 404 page links from the site's path on GitHub Pages (`site_url`'s path, since it is
/// served at any depth); when serving, links must start from the served base instead.
fn rebase_404(files: &mut Files, root: &Path, base: &str) {
    // Without a site_url the 404 page's links are relative (src/site/mod.rs).
    let site = Config::load(root)
        .ok()
        .and_then(|c| c.site_url)
        .and_then(|u| crate::site::site_path(&u));
    if site.as_deref() == Some(base) {
        return;
    }
    if let Some(page) = files.get_mut("404.html") {
        let text = String::from_utf8_lossy(page).into_owned();
        let fixed = rebase_links(&text, site.as_deref(), base);
        *page = fixed.into_bytes();
    }
}

/// Make `href`, `src` and `content` attribute values start from `base`: those starting with
/// the site's path, or (no site path) every relative `href` and `src`.
fn rebase_links(html: &str, site: Option<&str>, base: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    'scan: while !rest.is_empty() {
        for attr in ["href=\"", "src=\"", "content=\""] {
            if let Some(value) = rest.strip_prefix(attr) {
                out.push_str(attr);
                rest = match site {
                    Some(site) => match value.strip_prefix(site) {
                        Some(tail) => {
                            out.push_str(base);
                            tail
                        }
                        None => value,
                    },
                    // A `content` value is a URL only where it starts with the site's path.
                    None => {
                        if attr != "content=\"" && relative(value) {
                            out.push_str(base);
                        }
                        value
                    }
                };
                continue 'scan;
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

/// Whether an attribute value (up to its closing quote) is a relative URL path: not absolute,
/// not a fragment, not a URL with a scheme, and not empty.
fn relative(value: &str) -> bool {
    let v = value.split('"').next().unwrap_or("");
    let scheme = v.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    !(v.is_empty() || v.starts_with('/') || v.starts_with('#') || v.starts_with('?') || scheme)
}

/// Poll the book's sources every 300 ms and rebuild when any changed.
fn watch(shared: &Shared, opts: &BuildOptions, mut last: BTreeMap<PathBuf, Stamp>) {
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let now = snapshot(&opts.root);
        if now != last {
            // Let an editor finish writing (save = truncate + write, or several files).
            std::thread::sleep(Duration::from_millis(100));
            last = snapshot(&opts.root);
            rebuild(shared, opts);
        }
    }
}

type Stamp = (Option<SystemTime>, u64);

/// Modification time and size of every watched file: book.yaml, content/, the theme folder,
/// the datasets folder named in book.yaml, and CSV files elsewhere in the book (blocks may
/// name them relative to the root).
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Stamp> {
    let mut dirs = vec![root.join("content")];
    let mut skip = vec![
        root.join("content"),
        root.join("site"),
        root.join(".nnbook-cache"),
    ];
    if let Ok(config) = Config::load(root) {
        if let Some(t) = &config.theme {
            dirs.push(root.join(t));
        }
        if let Some(d) = &config.datasets {
            dirs.push(root.join(d));
            skip.push(root.join(d));
        }
        skip.push(root.join(&config.output));
        skip.push(root.join(&config.cache));
    }
    let mut out = BTreeMap::new();
    let book = root.join("book.yaml");
    out.insert(book.clone(), stamp(&book));
    for entry in walkdir::WalkDir::new(root)
        .max_depth(4)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0
                || !(e.file_type().is_dir()
                    && (name.starts_with('.')
                        || name == "target"
                        || name == "node_modules"
                        || skip.iter().any(|s| s == e.path())))
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "csv"))
    {
        out.insert(entry.path().to_path_buf(), stamp(entry.path()));
    }
    for dir in dirs {
        for entry in walkdir::WalkDir::new(&dir)
            .max_depth(8)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
        {
            out.insert(entry.path().to_path_buf(), stamp(entry.path()));
        }
    }
    out
}

fn stamp(p: &Path) -> Stamp {
    match std::fs::metadata(p) {
        Ok(m) => (m.modified().ok(), m.len()),
        Err(_) => (None, u64::MAX),
    }
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(cmd).arg(url).spawn() {
        eprintln!("could not open a browser ({cmd}: {e}); open {url} yourself");
    }
}

/// One request per connection (`Connection: close`): enough for a local preview server.
fn handle(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?.take(16 * 1024));
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut stream = stream;
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return respond(&mut stream, 400, "text/plain", b"bad request", false);
    };
    let head = method == "HEAD";
    if method != "GET" && !head {
        return respond(
            &mut stream,
            405,
            "text/plain; charset=utf-8",
            b"only GET and HEAD",
            false,
        );
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if (path == "/" || path.is_empty()) && shared.base != "/" {
        let header = format!(
            "HTTP/1.1 302 Found\r\nLocation: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            shared.base
        );
        return stream.write_all(header.as_bytes());
    }
    let Some(rel) = resolve(path, &shared.base) else {
        return not_found(&mut stream, shared, head);
    };
    if rel == EVENTS {
        let since = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("since="))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        return events(stream, shared, since);
    }
    let st = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    let (body, status) = match lookup(&st.files, &rel) {
        Some(name) => {
            let bytes = st.files[&name].clone();
            let ctype = content_type(&name);
            let body = if ctype.starts_with("text/html") {
                inject(&bytes, &st, &shared.base)
            } else {
                bytes
            };
            (Some((body, ctype)), 200)
        }
        None => (None, 404),
    };
    if st.files.is_empty()
        && let Some(errors) = &st.errors
    {
        // No good build yet: every page is the error page.
        let page = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head><body>{}</body></html>",
            live_script(&st, &shared.base, Some(errors))
        );
        drop(st);
        return respond(
            &mut stream,
            500,
            "text/html; charset=utf-8",
            page.as_bytes(),
            head,
        );
    }
    drop(st);
    match body {
        Some((body, ctype)) => respond(&mut stream, status, ctype, &body, head),
        None => not_found(&mut stream, shared, head),
    }
}

fn not_found(stream: &mut TcpStream, shared: &Shared, head: bool) -> std::io::Result<()> {
    let st = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    let body = match st.files.get("404.html") {
        Some(b) => inject(b, &st, &shared.base),
        None => b"<!doctype html><title>Not found</title><p>Not found</p>".to_vec(),
    };
    drop(st);
    respond(stream, 404, "text/html; charset=utf-8", &body, head)
}

/// The site-relative file name for a request path under `base`, or None when the path is not
/// inside the site. Percent-escapes are decoded first, so encoded traversal is caught too.
pub fn resolve(path: &str, base: &str) -> Option<String> {
    let rest = path.strip_prefix(base).or_else(|| {
        // `/book` (no trailing slash) is the base folder itself.
        (path == base.trim_end_matches('/')).then_some("")
    })?;
    let decoded = percent_decode(rest)?;
    if decoded.starts_with('/')
        || decoded.contains('\\')
        || decoded.contains('\0')
        || decoded.contains(':')
    {
        return None;
    }
    let mut segments = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            ".." | "." => return None,
            "" => {}
            s => segments.push(s),
        }
    }
    let mut rel = segments.join("/");
    if decoded.ends_with('/') && !rel.is_empty() {
        rel.push('/');
    }
    Some(rel)
}

/// Decode `%XX` escapes; None for malformed escapes or bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The file for a site-relative path: itself, or `index.html` inside a folder.
fn lookup(files: &Files, rel: &str) -> Option<String> {
    if rel.is_empty() {
        return files
            .contains_key("index.html")
            .then(|| "index.html".into());
    }
    if let Some(dir) = rel.strip_suffix('/') {
        let name = format!("{dir}/index.html");
        return files.contains_key(&name).then_some(name);
    }
    if files.contains_key(rel) {
        return Some(rel.to_string());
    }
    let name = format!("{rel}/index.html");
    files.contains_key(&name).then_some(name)
}

/// Content type by file extension.
pub fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "gif" => "image/gif",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// Add the live-reload script (and the error overlay, when the last build failed) before
/// `</body>`. Only served pages get it; built sites never do.
fn inject(html: &[u8], st: &State, base: &str) -> Vec<u8> {
    let script = live_script(st, base, st.errors.as_deref());
    let text = String::from_utf8_lossy(html);
    let out = match text.rfind("</body>") {
        Some(i) => format!("{}{script}{}", &text[..i], &text[i..]),
        None => format!("{text}{script}"),
    };
    out.into_bytes()
}

fn live_script(st: &State, base: &str, errors: Option<&[Diagnostic]>) -> String {
    let mut out = String::new();
    if let Some(errors) = errors {
        out.push_str(&error_overlay(errors));
    }
    out.push_str(&format!(
        // Hidden tabs close their stream (browsers allow ~6 connections per host over
        // HTTP/1.1) and reopen it when shown, reloading at once if the book changed meanwhile.
        "<script>(function(){{if(!window.EventSource)return;var s=null;function open(){{if(s)return;s=new EventSource(\"{base}{EVENTS}?since={}\");s.addEventListener(\"reload\",function(){{s.close();location.reload();}});}}function close(){{if(s){{s.close();s=null;}}}}document.addEventListener(\"visibilitychange\",function(){{document.hidden?close():open();}});window.addEventListener(\"pagehide\",close);if(!document.hidden)open();}})();</script>\n",
        st.generation
    ));
    out
}

/// The diagnostics of a failed build as an overlay; every piece of text is escaped.
pub fn error_overlay(errors: &[Diagnostic]) -> String {
    let mut out = String::from(
        "<div id=\"nnbook-error\" role=\"alert\" style=\"position:fixed;inset:1rem;z-index:2147483647;overflow:auto;background:#1e1e1e;color:#f5f5f5;border:3px solid #e5484d;border-radius:8px;padding:1rem 1.25rem;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;box-shadow:0 8px 32px rgba(0,0,0,.5)\">\
<h2 style=\"margin:0 0 .75rem;font:600 18px system-ui,sans-serif;color:#ff8589\">Build failed</h2>\
<p style=\"margin:0 0 1rem;font-family:system-ui,sans-serif\">Showing the last good build. This page reloads when the sources are fixed.</p>",
    );
    for d in errors {
        out.push_str("<pre style=\"white-space:pre-wrap;margin:0 0 1rem;background:none;color:inherit;border:0;padding:0\">");
        out.push_str(&escape(&d.render(false)));
        out.push_str("</pre>");
    }
    out.push_str("</div>\n");
    out
}

/// The live-reload stream: an event `reload` as soon as the generation differs from the one
/// the page was served with; a comment every 15 s keeps the connection alive.
fn events(mut stream: TcpStream, shared: &Shared, since: u64) -> std::io::Result<()> {
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n",
    )?;
    let mut st = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if st.generation != since {
            let msg = format!("event: reload\ndata: {}\n\n", st.generation);
            drop(st);
            stream.write_all(msg.as_bytes())?;
            return stream.flush();
        }
        let (guard, timeout) = shared
            .changed
            .wait_timeout(st, Duration::from_secs(15))
            .unwrap_or_else(|e| e.into_inner());
        st = guard;
        if timeout.timed_out() {
            drop(st);
            stream.write_all(b": keep-alive\n\n")?;
            st = shared.state.lock().unwrap_or_else(|e| e.into_inner());
        }
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    ctype: &str,
    body: &[u8],
    head: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };
    let header = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::{normalise_base, resolve, snapshot};

    #[test]
    fn the_watcher_sees_csv_files_in_the_book_but_not_in_the_site() {
        let root = std::env::temp_dir().join(format!("nnbook-watch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for dir in ["content", "data/more", "site", ".git", "notes"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        std::fs::write(root.join("book.yaml"), "title: T\ndatasets: data\n").unwrap();
        for f in [
            "points.csv",
            "notes/extra.csv",
            "data/more/deep.csv",
            "data/mnist.gz",
            "site/old.csv",
            ".git/x.csv",
            "notes/readme.txt",
        ] {
            std::fs::write(root.join(f), "x,y\n").unwrap();
        }
        let seen: Vec<String> = snapshot(&root)
            .into_keys()
            .map(|p| p.strip_prefix(&root).unwrap().display().to_string())
            .collect();
        let _ = std::fs::remove_dir_all(&root);
        for want in [
            "book.yaml",
            "points.csv",
            "notes/extra.csv",
            "data/more/deep.csv",
            "data/mnist.gz",
        ] {
            assert!(seen.contains(&want.to_string()), "{want} not in {seen:?}");
        }
        for not in ["site/old.csv", ".git/x.csv", "notes/readme.txt"] {
            assert!(!seen.contains(&not.to_string()), "{not} in {seen:?}");
        }
    }

    #[test]
    fn paths_inside_the_site() {
        assert_eq!(resolve("/", "/").as_deref(), Some(""));
        assert_eq!(resolve("/ch1.html", "/").as_deref(), Some("ch1.html"));
        assert_eq!(
            resolve("/theme/style.css", "/").as_deref(),
            Some("theme/style.css")
        );
        assert_eq!(
            resolve("/book/figures/a%20b.svg", "/book/").as_deref(),
            Some("figures/a b.svg")
        );
        assert_eq!(resolve("/book", "/book/").as_deref(), Some(""));
        assert_eq!(resolve("/dir/", "/").as_deref(), Some("dir/"));
    }

    #[test]
    fn paths_outside_the_site() {
        for p in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2e%2e%2fetc%2fpasswd",
            "/%2E%2E%2Fsecret",
            "//etc/passwd",
            "/%2fetc/passwd",
            "/..%5c..%5cwindows",
            "/a\\..\\b",
            "/C:/windows",
            "/%zz",
            "/%c0%ae%c0%ae/",
            "/a/./b",
            "/other/index.html",
            "http://127.0.0.1/etc/passwd",
            "/a%00b",
            "*",
        ] {
            let base = if p.starts_with("/other") {
                "/book/"
            } else {
                "/"
            };
            assert_eq!(resolve(p, base), None, "{p}");
        }
    }

    #[test]
    fn not_found_page_links_from_the_served_base() {
        let html = r#"<link href="/repo/theme/style.css"><meta name="nnbook-root" content="/repo/"><a href="/repo/index.html">x /repo/ y</a><a href="/other/">"#;
        assert_eq!(
            super::rebase_links(html, Some("/repo/"), "/"),
            r#"<link href="/theme/style.css"><meta name="nnbook-root" content="/"><a href="/index.html">x /repo/ y</a><a href="/other/">"#
        );
        // Without a site_url the links are relative: each gets the base, nothing else does.
        let html = r#"<meta name="viewport" content="width=device-width"><link href="theme/style.css"><a href="01-a.html#x">é</a><a href="https://x.org/">"#;
        let html = format!(
            "{html}<a href=\"#top\"><a href=\"/abs\"><a href=\"mailto:a@b\"><img src=\"f.svg\">"
        );
        assert_eq!(
            super::rebase_links(&html, None, "/book/"),
            r##"<meta name="viewport" content="width=device-width"><link href="/book/theme/style.css"><a href="/book/01-a.html#x">é</a><a href="https://x.org/"><a href="#top"><a href="/abs"><a href="mailto:a@b"><img src="/book/f.svg">"##
        );
    }

    #[test]
    fn bases() {
        assert_eq!(normalise_base(""), "/");
        assert_eq!(normalise_base("/"), "/");
        assert_eq!(normalise_base("book"), "/book/");
        assert_eq!(normalise_base("/a/b/"), "/a/b/");
    }
}
