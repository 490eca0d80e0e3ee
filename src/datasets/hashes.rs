//! Digests of data files (the SHA-256 of their decompressed bytes), so a warm build checks
//! MNIST without decompressing it. Two layers:
//!
//! - in this process, each file is read and decompressed once ([`decoded`]): the bytes are
//!   kept, by the file's identity, until [`release`], so blocks reading the same file (and
//!   the held-out data scored every epoch and again at the end) share one decompression;
//! - across builds, `hashes` in the cache folder remembers each file's digest by its identity
//!   (device, inode, size, mtime and ctime, to the nanosecond). An entry is trusted only when
//!   the file was last changed at least [`RACY`] before the entry was made (git's "racy"
//!   rule): a file rewritten with the same size within the same timestamp tick as the hash
//!   was taken would otherwise keep its old digest. A changed file is hashed again. A
//!   restored mtime (`touch -d`) still changes the ctime, which is compared too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::idx::{IdxError, read_bytes};
use super::sha256_hex;

/// Changes closer than this to the moment a digest was taken make it untrusted.
pub const RACY: Duration = Duration::from_secs(2);

/// What identifies a file's contents without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
}

/// The file's stamp; None when the platform gives no inode and ctime (then nothing is
/// remembered across builds).
pub fn stamp(path: &Path) -> Option<Stamp> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Some(Stamp {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime_ns: ns(m.mtime(), m.mtime_nsec()),
            ctime_ns: ns(m.ctime(), m.ctime_nsec()),
        })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

fn now_ns() -> i128 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

/// A file's digest, with its stamp and the time just before it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    sha256: String,
    checked_ns: i128,
}

impl Entry {
    /// Whether the digest still holds for a file with stamp `now`.
    fn holds(&self, now: &Stamp) -> bool {
        let changed = self.stamp.mtime_ns.max(self.stamp.ctime_ns);
        self.stamp == *now && changed + RACY.as_nanos() as i128 <= self.checked_ns
    }
}

struct Decoded {
    path: PathBuf,
    entry: Entry,
    /// Dropped by [`release`]; the digest stays.
    bytes: Option<Arc<Vec<u8>>>,
}

/// Files decompressed in this process.
static DECODED: Mutex<Vec<Decoded>> = Mutex::new(Vec::new());

/// The decompressed bytes of a raw or gzip file and their SHA-256, read once per process
/// while the file stays the same.
pub fn decoded(path: &Path) -> Result<(Arc<Vec<u8>>, String), IdxError> {
    let before = stamp(path);
    if let Some(now) = before {
        let memo = DECODED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(d) = memo.iter().find(|d| d.path == path && d.entry.stamp == now)
            && let Some(bytes) = &d.bytes
        {
            return Ok((bytes.clone(), d.entry.sha256.clone()));
        }
    }
    let checked_ns = now_ns();
    let bytes = Arc::new(read_bytes(path)?);
    let sha256 = sha256_hex(&bytes);
    // Remembered only when the file did not change while it was read.
    if let Some(s) = before.filter(|s| stamp(path) == Some(*s)) {
        let mut memo = DECODED.lock().unwrap_or_else(PoisonError::into_inner);
        memo.retain(|d| d.path != path);
        memo.push(Decoded {
            path: path.to_path_buf(),
            entry: Entry {
                stamp: s,
                sha256: sha256.clone(),
                checked_ns,
            },
            bytes: Some(bytes.clone()),
        });
    }
    Ok((bytes, sha256))
}

/// Let go of the decompressed bytes (the digests stay known).
pub fn release() {
    let mut memo = DECODED.lock().unwrap_or_else(PoisonError::into_inner);
    for d in memo.iter_mut() {
        d.bytes = None;
    }
}

/// The digests remembered in a cache folder (`<cache>/hashes`).
#[derive(Debug)]
pub struct Hashes {
    file: Option<PathBuf>,
    entries: Mutex<BTreeMap<PathBuf, Entry>>,
}

impl Hashes {
    /// The digests stored under `cache` (none when caching is off, or the file is damaged).
    pub fn open(cache: Option<&Path>) -> Hashes {
        let file = cache.map(|c| c.join("hashes"));
        let entries = file
            .as_ref()
            .and_then(|f| std::fs::read(f).ok())
            .and_then(|bytes| {
                let (body, sum) = bytes.split_at(bytes.len().checked_sub(32)?);
                (Sha256::digest(body).as_slice() == sum)
                    .then(|| serde_json::from_slice(body).ok())?
            })
            .unwrap_or_default();
        Hashes {
            file,
            entries: Mutex::new(entries),
        }
    }

    /// The SHA-256 of a file's decompressed bytes: remembered when the file is unchanged,
    /// else read and hashed.
    pub fn digest(&self, path: &Path) -> Result<String, IdxError> {
        if let Some(now) = stamp(path) {
            let known = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(e) = known.get(path).filter(|e| e.holds(&now)) {
                return Ok(e.sha256.clone());
            }
            let memo = DECODED.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(d) = memo.iter().find(|d| d.path == path && d.entry.holds(&now)) {
                return Ok(d.entry.sha256.clone());
            }
        }
        decoded(path).map(|(_, sha)| sha)
    }

    /// Store what this process hashed, atomically; a cache that cannot be written costs a
    /// hash next time, nothing more.
    pub fn save(&self) {
        let Some(file) = &self.file else { return };
        let mut known = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let before = known.clone();
        let memo = DECODED.lock().unwrap_or_else(PoisonError::into_inner);
        for d in memo.iter() {
            let newer = known
                .get(&d.path)
                .is_none_or(|e| e.checked_ns < d.entry.checked_ns);
            if newer {
                known.insert(d.path.clone(), d.entry.clone());
            }
        }
        drop(memo);
        // Files that are gone are forgotten.
        known.retain(|p, _| p.exists());
        if *known == before {
            return;
        }
        if let Ok(mut body) = serde_json::to_vec(&*known) {
            let sum = Sha256::digest(&body);
            body.extend_from_slice(&sum);
            let _ = crate::run::write_atomic(file, &body);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(mtime_ns: i128, checked_ns: i128) -> Entry {
        Entry {
            stamp: Stamp {
                dev: 1,
                ino: 2,
                size: 3,
                mtime_ns,
                ctime_ns: mtime_ns,
            },
            sha256: "ab".into(),
            checked_ns,
        }
    }

    #[test]
    fn a_digest_holds_only_for_an_unchanged_file_hashed_well_after_its_last_change() {
        let s = 1_000_000_000_000i128;
        let e = entry(s, s + 3_000_000_000);
        assert!(e.holds(&e.stamp));
        // Racy: hashed within RACY of the last change, it is hashed again.
        let racy = entry(s, s + 1_000_000_000);
        assert!(!racy.holds(&racy.stamp));
        // Any field of the stamp that differs (here the ctime of a restored mtime) breaks it.
        let mut other = e.stamp;
        other.ctime_ns += 1;
        assert!(!e.holds(&other));
        let mut other = e.stamp;
        other.ino += 1;
        assert!(!e.holds(&other));
    }

    #[test]
    fn hashes_are_stored_checked_and_renewed_when_the_file_changes() {
        let dir = std::env::temp_dir().join(format!("nnbook-hashes-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.idx");
        std::fs::write(&file, b"first").unwrap();
        let hashes = Hashes::open(Some(&dir));
        assert_eq!(hashes.digest(&file).unwrap(), sha256_hex(b"first"));
        hashes.save();
        let again = Hashes::open(Some(&dir));
        assert_eq!(again.entries.lock().unwrap().len(), 1);
        // Same size, new bytes: the stamp differs (mtime or ctime), so the digest is renewed.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&file, b"secnd").unwrap();
        assert_eq!(again.digest(&file).unwrap(), sha256_hex(b"secnd"));
        // A damaged store is ignored.
        let store = dir.join("hashes");
        let mut bytes = std::fs::read(&store).unwrap();
        bytes[0] ^= 1;
        std::fs::write(&store, bytes).unwrap();
        assert!(Hashes::open(Some(&dir)).entries.lock().unwrap().is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
