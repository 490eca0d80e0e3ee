//! Downloading an external dataset's files, when the author allows it (`--download`, or
//! `download: true` in book.yaml; off by default, so CI and tests never reach the internet).
//!
//! Each file is fetched from the first mirror that has it, bounded in size, written to a
//! temporary file beside its final place, checked against the pinned SHA-256 of its
//! decompressed bytes, and only then renamed into place. A file that does not match is deleted
//! and is an error naming its URL; a mirror that is down or lacks the file is skipped for the
//! next one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::sha256_hex;
use crate::engine::data::idx;

/// Responses larger than this are refused (MNIST's largest file is 9.9 MB compressed).
pub const MAX_DOWNLOAD: u64 = 64 << 20;

/// The official MNIST mirrors, tried in order.
pub const MNIST_MIRRORS: &[&str] = &[
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
];

/// Overrides the MNIST mirrors: base URLs separated by commas or spaces.
pub const MIRROR_ENV: &str = "NNBOOK_MNIST_MIRROR";

/// The MNIST mirrors to try: `$NNBOOK_MNIST_MIRROR` when set, else the official ones.
pub fn mnist_mirrors() -> Vec<String> {
    let from_env: Vec<String> = std::env::var(MIRROR_ENV)
        .unwrap_or_default()
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if from_env.is_empty() {
        MNIST_MIRRORS.iter().map(|s| s.to_string()).collect()
    } else {
        from_env
    }
}

/// Why a file could not be downloaded.
#[derive(Debug, Clone, PartialEq)]
pub enum DownloadError {
    /// No mirror had the file: each URL tried, with what went wrong.
    Unavailable(Vec<String>),
    /// A mirror sent a file that is not the published one (nothing was kept).
    Bad { url: String, why: String },
    /// The file could not be written into the cache.
    Io(String),
}

impl std::fmt::Display for DownloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DownloadError::Unavailable(tried) if tried.is_empty() => {
                f.write_str("no mirror to download from")
            }
            DownloadError::Unavailable(tried) => write!(f, "{}", tried.join("; ")),
            DownloadError::Bad { url, why } => write!(f, "{url}: {why}"),
            DownloadError::Io(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for DownloadError {}

/// `base` + `file`, with one slash between them.
fn url_of(base: &str, file: &str) -> String {
    format!("{}/{file}", base.trim_end_matches('/'))
}

/// Whether a URL's host is this machine (no proxy is used for it).
fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// GET `url`, bounded in time and size.
fn get(url: &str) -> Result<Vec<u8>, String> {
    let mut config = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(20)))
        .timeout_global(Some(Duration::from_secs(600)))
        .user_agent(format!("nnbook/{}", crate::VERSION));
    if is_loopback(url) {
        config = config.proxy(None);
    }
    let agent: ureq::Agent = config.build().into();
    let mut response = agent.get(url).call().map_err(|e| e.to_string())?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_DOWNLOAD)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => {
                format!("the response is larger than {} MiB", MAX_DOWNLOAD >> 20)
            }
            e => e.to_string(),
        })
}

/// `dest/file` if it is there already (a previous download), else [`fetch`] it. Returns the
/// file's path and whether it was downloaded now.
pub fn ensure(
    mirrors: &[String],
    file: &str,
    sha256: &str,
    dest: &Path,
) -> Result<(PathBuf, bool), DownloadError> {
    let target = dest.join(file);
    if target.is_file() {
        return Ok((target, false));
    }
    fetch(mirrors, file, sha256, dest).map(|p| (p, true))
}

/// Download `file` (such as `t10k-labels-idx1-ubyte.gz`) from the first of `mirrors` that has
/// it into `dest/file`, provided its decompressed bytes have the SHA-256 `sha256`. Returns the
/// file's path.
pub fn fetch(
    mirrors: &[String],
    file: &str,
    sha256: &str,
    dest: &Path,
) -> Result<PathBuf, DownloadError> {
    let mut tried = Vec::new();
    for base in mirrors {
        let url = url_of(base, file);
        let bytes = match get(&url) {
            Ok(b) => b,
            Err(why) => {
                tried.push(format!("{url}: {why}"));
                continue;
            }
        };
        return keep(&url, &bytes, file, sha256, dest);
    }
    Err(DownloadError::Unavailable(tried))
}

/// Write a download to a temporary file, check it, and rename it into place (or delete it).
fn keep(
    url: &str,
    bytes: &[u8],
    file: &str,
    sha256: &str,
    dest: &Path,
) -> Result<PathBuf, DownloadError> {
    let io = |what: &str, e: std::io::Error| DownloadError::Io(format!("cannot {what}: {e}"));
    std::fs::create_dir_all(dest).map_err(|e| io("create the dataset folder in the cache", e))?;
    let part = dest.join(format!(".{file}.part-{}", std::process::id()));
    std::fs::write(&part, bytes).map_err(|e| io("write the download", e))?;
    let checked = match idx::decompress(bytes) {
        Ok(raw) => {
            let found = sha256_hex(&raw);
            if found == sha256 {
                Ok(())
            } else {
                Err(format!(
                    "the file does not have the published SHA-256 (expected {sha256}, found {found})"
                ))
            }
        }
        Err(e) => Err(format!("the file is not a dataset file: {e}")),
    };
    if let Err(why) = checked {
        let _ = std::fs::remove_file(&part);
        return Err(DownloadError::Bad {
            url: url.to_string(),
            why,
        });
    }
    let target = dest.join(file);
    std::fs::rename(&part, &target).map_err(|e| {
        let _ = std::fs::remove_file(&part);
        io("move the download into place", e)
    })?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback("http://127.0.0.1:8080/mnist/"));
        assert!(is_loopback("http://localhost/x"));
        assert!(is_loopback("http://[::1]:3000/"));
        assert!(is_loopback("http://user@127.0.0.2/"));
        assert!(!is_loopback(
            "https://storage.googleapis.com/cvdf-datasets/mnist/"
        ));
        assert!(!is_loopback("http://127.0.0.1.example.com/"));
    }

    #[test]
    fn urls_join_with_one_slash() {
        assert_eq!(url_of("http://h/m/", "f.gz"), "http://h/m/f.gz");
        assert_eq!(url_of("http://h/m", "f.gz"), "http://h/m/f.gz");
    }

    #[test]
    fn unreachable_mirrors_are_listed() {
        // A port of this machine that was just free: the connection is refused, nothing kept.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let base = format!("http://127.0.0.1:{port}/");
        let dir = std::env::temp_dir().join(format!("nnbook-dl-{}", std::process::id()));
        let err = fetch(std::slice::from_ref(&base), "x.gz", "00", &dir).unwrap_err();
        match err {
            DownloadError::Unavailable(tried) => {
                assert_eq!(tried.len(), 1);
                assert!(tried[0].starts_with(&format!("{base}x.gz: ")), "{tried:?}");
            }
            other => panic!("{other:?}"),
        }
        assert!(!dir.join("x.gz").exists());
    }
}
