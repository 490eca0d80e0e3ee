//! IDX files (the MNIST format), raw or gzip-compressed, checked against the SHA-256 of their
//! decompressed bytes. Headers are never trusted for allocation: the data must be there.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

/// An IDX array of unsigned bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Idx {
    pub dims: Vec<usize>,
    pub data: Vec<u8>,
}

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

/// Files larger than this are refused (MNIST's largest is 47 MB decompressed).
const MAX_BYTES: u64 = 512 * 1024 * 1024;

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
    decompress(&raw)
}

/// The bytes themselves, or their gzip decompression (bounded) when they start with gzip's
/// magic number.
pub fn decompress(raw: &[u8]) -> Result<Vec<u8>, IdxError> {
    if raw.len() as u64 > MAX_BYTES {
        return Err(IdxError::Format(format!(
            "the file is larger than {} MiB",
            MAX_BYTES >> 20
        )));
    }
    if !raw.starts_with(&[0x1f, 0x8b]) {
        return Ok(raw.to_vec());
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(raw)
        .take(MAX_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| IdxError::Format(format!("cannot decompress: {e}")))?;
    if out.len() as u64 > MAX_BYTES {
        return Err(IdxError::Format(format!(
            "the decompressed file is larger than {} MiB",
            MAX_BYTES >> 20
        )));
    }
    Ok(out)
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Parse IDX bytes (magic 0x0000 08 D: unsigned bytes, D dimensions, big-endian sizes).
pub fn parse(bytes: &[u8]) -> Result<Idx, IdxError> {
    if bytes.len() < 4 || bytes[0] != 0 || bytes[1] != 0 {
        return Err(IdxError::Format(
            "not an IDX file (bad magic number)".into(),
        ));
    }
    if bytes[2] != 0x08 {
        return Err(IdxError::Format(format!(
            "IDX element type 0x{:02x} is not unsigned bytes",
            bytes[2]
        )));
    }
    let ndims = bytes[3] as usize;
    if ndims == 0 || ndims > 4 {
        return Err(IdxError::Format(format!(
            "IDX file with {ndims} dimensions"
        )));
    }
    let header = 4 + 4 * ndims;
    if bytes.len() < header {
        return Err(IdxError::Format("the IDX header is truncated".into()));
    }
    let dims: Vec<usize> = (0..ndims)
        .map(|i| {
            u32::from_be_bytes([
                bytes[4 + 4 * i],
                bytes[5 + 4 * i],
                bytes[6 + 4 * i],
                bytes[7 + 4 * i],
            ]) as usize
        })
        .collect();
    let count = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    let body = bytes.len() - header;
    if count != Some(body) {
        return Err(IdxError::Format(format!(
            "the IDX header says {dims:?} ({} values) but the file holds {body}",
            count.map_or("too many".into(), |c| c.to_string())
        )));
    }
    Ok(Idx {
        dims,
        data: bytes[header..].to_vec(),
    })
}

/// Read, verify and parse an IDX file.
pub fn load(path: &Path, sha256: Option<&str>) -> Result<Idx, IdxError> {
    let bytes = read_bytes(path)?;
    if let Some(expected) = sha256 {
        let found = sha256_hex(&bytes);
        if found != expected {
            return Err(IdxError::Checksum {
                expected: expected.into(),
                found,
            });
        }
    }
    parse(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn tmp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("nnbook-idx-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    const GOOD: [u8; 14] = [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 7, 9];

    #[test]
    fn reads_raw_and_gzip_and_checks_everything() {
        let mut good = GOOD.to_vec();
        good.truncate(12);
        good.extend_from_slice(&[1, 2, 3, 4, 5, 6]);
        let sum = sha256_hex(&good);
        let raw = load(&tmp("a.idx", &good), Some(&sum)).unwrap();
        assert_eq!(
            (raw.dims.clone(), raw.data.clone()),
            (vec![2, 3], vec![1, 2, 3, 4, 5, 6])
        );
        let gz = load(&tmp("a.idx.gz", &gzip(&good)), Some(&sum)).unwrap();
        assert_eq!(gz, raw);
        // Wrong checksum, bad magic, lying header, truncated gzip, missing file.
        assert!(matches!(
            load(&tmp("b.idx", &good), Some("00")),
            Err(IdxError::Checksum { .. })
        ));
        let mut bad = good.clone();
        bad[2] = 0x0d;
        assert!(matches!(parse(&bad), Err(IdxError::Format(_))));
        assert!(matches!(parse(&[1, 2, 3, 4]), Err(IdxError::Format(_))));
        let mut lying = good.clone();
        lying[11] = 200;
        let err = parse(&lying).unwrap_err().to_string();
        assert!(err.contains("header says"), "{err}");
        let mut huge = good.clone();
        huge[4..8].copy_from_slice(&[255, 255, 255, 255]);
        huge[8..12].copy_from_slice(&[255, 255, 255, 255]);
        assert!(parse(&huge).is_err());
        let z = gzip(&good);
        assert!(load(&tmp("c.gz", &z[..z.len() / 2]), None).is_err());
        assert!(matches!(
            load(Path::new("/nonexistent/x.idx"), None),
            Err(IdxError::Io(_))
        ));
    }
}
