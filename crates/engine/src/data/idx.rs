//! IDX arrays (the MNIST format) parsed from bytes, raw or gzip-compressed. Headers are never
//! trusted for allocation: the data must be there. Reading the files and checking their
//! SHA-256 is the datasets layer's (`crate::datasets::idx`).

use std::io::Read;

/// An IDX array of unsigned bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Idx {
    pub dims: Vec<usize>,
    pub data: Vec<u8>,
}

/// Why bytes are not an IDX array of unsigned bytes (or its header does not match its
/// contents).
#[derive(Debug, Clone, PartialEq)]
pub struct IdxError(pub String);

impl std::fmt::Display for IdxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for IdxError {}

/// Files larger than this are refused (MNIST's largest is 47 MB decompressed).
pub const MAX_BYTES: u64 = 512 * 1024 * 1024;

fn format(msg: impl Into<String>) -> IdxError {
    IdxError(msg.into())
}

/// The bytes themselves, or their gzip decompression (bounded) when they start with gzip's
/// magic number.
pub fn decompress(raw: &[u8]) -> Result<Vec<u8>, IdxError> {
    if raw.len() as u64 > MAX_BYTES {
        return Err(format(format!(
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
        .map_err(|e| format(format!("cannot decompress: {e}")))?;
    if out.len() as u64 > MAX_BYTES {
        return Err(format(format!(
            "the decompressed file is larger than {} MiB",
            MAX_BYTES >> 20
        )));
    }
    Ok(out)
}

/// Parse IDX bytes (magic 0x0000 08 D: unsigned bytes, D dimensions, big-endian sizes).
pub fn parse(bytes: &[u8]) -> Result<Idx, IdxError> {
    if bytes.len() < 4 || bytes[0] != 0 || bytes[1] != 0 {
        return Err(format("not an IDX file (bad magic number)"));
    }
    if bytes[2] != 0x08 {
        return Err(format(format!(
            "IDX element type 0x{:02x} is not unsigned bytes",
            bytes[2]
        )));
    }
    let ndims = bytes[3] as usize;
    if ndims == 0 || ndims > 4 {
        return Err(format(format!("IDX file with {ndims} dimensions")));
    }
    let header = 4 + 4 * ndims;
    if bytes.len() < header {
        return Err(format("the IDX header is truncated"));
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
        return Err(format(format!(
            "the IDX header says {dims:?} ({} values) but the file holds {body}",
            count.map_or("too many".into(), |c| c.to_string())
        )));
    }
    Ok(Idx {
        dims,
        data: bytes[header..].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    pub fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    /// A 2 × 3 array holding 1..=6.
    pub const GOOD: [u8; 18] = [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6];

    #[test]
    fn parses_raw_and_gzip_and_checks_the_header() {
        let raw = parse(&decompress(&GOOD).unwrap()).unwrap();
        assert_eq!(
            (raw.dims.clone(), raw.data.clone()),
            (vec![2, 3], vec![1, 2, 3, 4, 5, 6])
        );
        assert_eq!(parse(&decompress(&gzip(&GOOD)).unwrap()).unwrap(), raw);
        // Bad magic, wrong element type, lying header, overflowing header, truncated gzip.
        let mut bad = GOOD.to_vec();
        bad[2] = 0x0d;
        assert!(parse(&bad).is_err());
        assert!(parse(&[1, 2, 3, 4]).is_err());
        let mut lying = GOOD.to_vec();
        lying[11] = 200;
        let err = parse(&lying).unwrap_err().to_string();
        assert!(err.contains("header says"), "{err}");
        let mut huge = GOOD.to_vec();
        huge[4..8].copy_from_slice(&[255, 255, 255, 255]);
        huge[8..12].copy_from_slice(&[255, 255, 255, 255]);
        assert!(parse(&huge).is_err());
        let z = gzip(&GOOD);
        assert!(decompress(&z[..z.len() / 2]).is_err());
    }
}
