//! `nnbook serve`: build the book in memory, serve it over HTTP on 127.0.0.1 (`http`), watch
//! its sources (`watch`), rebuild on change and reload the open pages (`reload`). A failed
//! build keeps the last good pages and shows the diagnostics over them until the sources are
//! fixed. Nothing is written into the output folder.

mod http;
mod reload;
pub mod watch;

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::pipeline::{BuildOptions, build_files};
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

/// The served state: the last good site, the current error (if the last build failed), a
/// generation counter bumped on every rebuild, which the live-reload stream waits on, and the
/// data files the last good build read, which the watcher follows.
#[derive(Default)]
struct State {
    files: Files,
    errors: Option<Vec<Diagnostic>>,
    generation: u64,
    inputs: Vec<PathBuf>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    base: String,
}

impl Shared {
    fn inputs(&self) -> Vec<PathBuf> {
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.inputs.clone()
    }
}

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
    let baseline = watch::Snapshot::take(&opts.build.root);
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
        std::thread::spawn(move || watch::watch(&shared, &build, baseline));
    }
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || {
            let _ = http::handle(stream, &shared);
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
            st.inputs = report.data_files;
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

#[cfg(test)]
mod tests {
    use super::normalise_base;

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
