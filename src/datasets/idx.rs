//! IDX files (the MNIST format), raw or gzip-compressed, read with a bound on their size and
//! checked against the SHA-256 of their decompressed bytes; the engine parses them.

use std::io::Read;
use std::path::Path;

use crate::engine::data::idx::{self, Idx, MAX_BYTES};

/// Why an IDX file could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum IdxError {
    Io(String),
    /// Not an IDX file of unsigned bytes, or its header does not match its contents.
    Format(String),
    /// The decompressed bytes are not the expected ones.
    Checksum {
        expected: String,
        found: String,
    },
}

impl std::fmt::Display for IdxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IdxError::Io(m) | IdxError::Format(m) => f.write_str(m),
            IdxError::Checksum { expected, found } => {
                write!(f, "SHA-256 mismatch: expected {expected}, found {found}")
            }
        }
    }
}

impl std::error::Error for IdxError {}

impl From<idx::IdxError> for IdxError {
    fn from(e: idx::IdxError) -> Self {
        IdxError::Format(e.0)
    }
}

/// Read the decompressed bytes of a raw or gzip file.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, IdxError> {
    // Callers name the file (MnistError::Bad carries its path), so messages show it the way
    // the author knows it, never as an absolute path.
    let file = std::fs::File::open(path)
        .map_err(|e| IdxError::Io(format!("cannot open the file: {e}")))?;
    let mut raw = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut raw)
        .map_err(|e| IdxError::Io(format!("cannot read the file: {e}")))?;
    Ok(idx::decompress(&raw)?)
}

/// Read, verify and parse an IDX file.
pub fn load(path: &Path, sha256: Option<&str>) -> Result<Idx, IdxError> {
    // Decompressed once per build, however many blocks read the file.
    let (bytes, found) = super::hashes::decoded(path)?;
    if let Some(expected) = sha256
        && found != expected
    {
        return Err(IdxError::Checksum {
            expected: expected.into(),
            found,
        });
    }
    Ok(idx::parse(&bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::sha256_hex;
    use std::io::Write;

    // The engine's test helpers are not compiled into other crates: its 2 × 3 array again.
    const GOOD: [u8; 18] = [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6];

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    fn tmp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("nnbook-idx-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    #[test]
    fn reads_raw_and_gzip_and_checks_everything() {
        let sum = sha256_hex(&GOOD);
        let raw = load(&tmp("a.idx", &GOOD), Some(&sum)).unwrap();
        assert_eq!(
            (raw.dims.clone(), raw.data.clone()),
            (vec![2, 3], vec![1, 2, 3, 4, 5, 6])
        );
        let gz = load(&tmp("a.idx.gz", &gzip(&GOOD)), Some(&sum)).unwrap();
        assert_eq!(gz, raw);
        // Wrong checksum, bad magic, truncated gzip, missing file.
        assert!(matches!(
            load(&tmp("b.idx", &GOOD), Some("00")),
            Err(IdxError::Checksum { .. })
        ));
        let mut bad = GOOD.to_vec();
        bad[2] = 0x0d;
        assert!(matches!(
            load(&tmp("d.idx", &bad), None),
            Err(IdxError::Format(_))
        ));
        let z = gzip(&GOOD);
        assert!(matches!(
            load(&tmp("c.gz", &z[..z.len() / 2]), None),
            Err(IdxError::Format(_))
        ));
        assert!(matches!(
            load(Path::new("/nonexistent/x.idx"), None),
            Err(IdxError::Io(_))
        ));
    }
}
