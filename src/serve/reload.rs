//! Live reload: every served page gets a script that listens to a Server-Sent Events stream
//! and reloads when the book was rebuilt; after a failed build, the diagnostics are shown over
//! the last good pages until the sources are fixed.

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use super::{Shared, State};
use crate::content::escape;
use crate::diag::Diagnostic;

/// Endpoint of the live-reload event stream, below the base path.
pub(super) const EVENTS: &str = "__nnbook/events";

/// Add the live-reload script (and the error overlay, when the last build failed) before
/// `</body>`. Only served pages get it; built sites never do.
pub(super) fn inject(html: &[u8], st: &State, base: &str) -> Vec<u8> {
    let script = live_script(st, base, st.errors.as_deref());
    let text = String::from_utf8_lossy(html);
    let out = match text.rfind("</body>") {
        Some(i) => format!("{}{script}{}", &text[..i], &text[i..]),
        None => format!("{text}{script}"),
    };
    out.into_bytes()
}

pub(super) fn live_script(st: &State, base: &str, errors: Option<&[Diagnostic]>) -> String {
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
pub(super) fn events(mut stream: TcpStream, shared: &Shared, since: u64) -> std::io::Result<()> {
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
