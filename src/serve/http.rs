//! The HTTP side: a small HTTP/1.1 server on `std::net`, one thread per connection, answering
//! GET and HEAD for files of the in-memory site only: any path that would leave the site
//! (`..`, absolute, backslashes, percent-encoded forms of those) is a 404.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::Shared;
use super::reload::{EVENTS, events, inject, live_script};
use crate::site::Files;

/// One request per connection (`Connection: close`): enough for a local preview server.
pub(super) fn handle(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
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

pub(super) fn respond(
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
    use super::resolve;

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
}
