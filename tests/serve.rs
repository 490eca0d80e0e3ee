//! `nnbook serve`: pages from memory, traversal refused, live reload on edits, the error
//! overlay while a block is broken, and recovery.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::time::{Duration, Instant};

use common::{Server, edit, fixture};

/// Wait for the next `reload` event on the live-reload stream, from generation `since`.
fn wait_reload(server: &Server, base: &str, since: u64) -> u64 {
    let mut s = std::net::TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "GET {base}__nnbook/events?since={since} HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(s);
    let mut line = String::new();
    let mut saw_event = false;
    loop {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0, "stream closed");
        if line.starts_with("event: reload") {
            saw_event = true;
        } else if saw_event && let Some(g) = line.trim().strip_prefix("data: ") {
            return g.parse().unwrap();
        }
    }
}

/// The generation the page was served with (in the injected script).
fn generation(page: &str) -> u64 {
    let i = page.find("?since=").expect("live-reload script") + 7;
    page[i..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

#[test]
fn serves_watches_and_shows_errors() {
    let book = fixture("basic");
    let server = Server::start(book.path(), &[]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );

    let (status, head, index) = server.get("/");
    assert_eq!(status, 200, "{head}");
    assert!(
        head.contains("Content-Type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(index.contains("Fixture book"));
    assert!(index.contains("__nnbook/events"), "live reload injected");

    let (status, head, css) = server.get("/theme/style.css");
    assert_eq!(status, 200);
    assert!(head.contains("text/css"));
    assert!(!css.contains("__nnbook"));
    let (status, head, svg) = server.get("/figures/xor-points.svg");
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("image/svg+xml"));
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"));
    let (status, head, _) = server.get("/manifest.json");
    assert_eq!(status, 200);
    assert!(head.contains("application/json"));

    for bad in [
        "/../book.yaml",
        "/../../../../etc/passwd",
        "/%2e%2e/book.yaml",
        "/%2e%2e%2fbook.yaml",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/..%2fbook.yaml",
        "/..%5cbook.yaml",
        "/..\\book.yaml",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/content/01-data.md",
        "/book.yaml",
        "/nope.html",
        "/figures/../../book.yaml",
    ] {
        let (status, _, body) = server.get(bad);
        assert_eq!(status, 404, "{bad}");
        assert!(!body.contains("title: Fixture book"), "{bad}");
        assert!(!body.contains("root:"), "{bad}");
    }
    assert!(
        !book.path().join("site").exists(),
        "serve never writes site/"
    );

    // A prose edit: reload event, new content.
    let page = server.get("/01-data.html");
    assert_eq!(page.0, 200, "{}", page.1);
    let g0 = generation(&page.2);
    edit(
        &book,
        "content/01-data.md",
        "A note.",
        "A freshly edited note.",
    );
    let g1 = wait_reload(&server, "/", g0);
    assert!(g1 > g0);
    let (_, _, page) = server.get("/01-data.html");
    assert!(page.contains("A freshly edited note."));
    assert!(!page.contains("nnbook-error"));

    // A broken block: the overlay with the escaped diagnostic, over the last good page.
    edit(
        &book,
        "content/02-train.md",
        "activation: tanh",
        "activation: <tanhh>",
    );
    let g2 = wait_reload(&server, "/", generation(&page));
    let (_, _, page) = server.get("/01-data.html");
    assert!(page.contains("id=\"nnbook-error\""), "overlay shown");
    assert!(page.contains("02-train.md"), "diagnostic names the file");
    assert!(page.contains("&lt;tanhh&gt;") || page.contains("tanhh"));
    assert!(!page.contains("<tanhh>"), "diagnostic text is escaped");
    assert!(
        page.contains("A freshly edited note."),
        "last good build kept"
    );

    // Fixed: the overlay is gone.
    edit(
        &book,
        "content/02-train.md",
        "activation: <tanhh>",
        "activation: tanh",
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut g = g2;
    loop {
        g = wait_reload(&server, "/", g);
        let (_, _, page) = server.get("/02-train.html");
        if !page.contains("nnbook-error") {
            assert!(page.contains("Regions &lt;of&gt; XOR.") || page.contains("Regions"));
            break;
        }
        assert!(Instant::now() < deadline, "never recovered");
    }
}

#[test]
fn serves_under_a_base_path() {
    let book = fixture("basic");
    let server = Server::start(book.path(), &["--base", "/book/"]);
    assert!(server.url.ends_with("/book/"), "{}", server.url);
    let (status, head, _) = server.get("/");
    assert_eq!(status, 302, "{head}");
    assert!(head.contains("Location: /book/"));
    assert_eq!(server.get("/book/").0, 200);
    assert_eq!(server.get("/book/theme/book.js").0, 200);
    assert_eq!(server.get("/theme/book.js").0, 404);
    assert_eq!(server.get("/book/../book/index.html").0, 404);
    let (_, _, page) = server.get("/book/index.html");
    assert!(page.contains("/book/__nnbook/events"));
}

#[test]
fn a_book_that_never_built_shows_its_errors() {
    let book = fixture("basic");
    edit(
        &book,
        "content/01-data.md",
        "generator: xor",
        "generator: xorr",
    );
    let server = Server::start(book.path(), &[]);
    let (status, _, page) = server.get("/01-data.html");
    assert_eq!(status, 500);
    assert!(page.contains("id=\"nnbook-error\""), "{page}");
    assert!(page.contains("xorr"));
    assert!(page.contains("__nnbook/events"), "reloads when fixed");
    let g = generation(&page);
    edit(
        &book,
        "content/01-data.md",
        "generator: xorr",
        "generator: xor",
    );
    wait_reload(&server, "/", g);
    let (status, _, page) = server.get("/01-data.html");
    assert_eq!(status, 200);
    assert!(!page.contains("nnbook-error"));
}
