//! NumPy's `.npz`: a zip archive of `.npy` files, one per array. Read here rather than with a
//! zip crate: `numpy.savez` writes stored entries (`savez_compressed` deflated ones, which
//! flate2, already a dependency, inflates), so the central directory, the local headers and
//! the zip64 fields NumPy forces take a page, and a damaged archive is our own message.

use std::io::Read;

use super::tensor::{Float, Tensor, numel};

/// The most an archive may inflate to: far more than any model nnbook draws.
const MAX_TOTAL: u64 = 1 << 30;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The arrays of an `.npz` file, named without `.npy`, or why it is not one.
pub fn read(bytes: &[u8]) -> Result<Vec<Tensor>, String> {
    let (count, mut at) =
        directory(bytes).ok_or("it is not a zip archive (no central directory)")?;
    let mut tensors = Vec::new();
    let mut total = 0u64;
    for _ in 0..count {
        let entry = Entry::parse(bytes, at).ok_or("its central directory is damaged")?;
        at = entry.next;
        let Some(name) = entry.name.strip_suffix(".npy") else {
            return Err(format!(
                "`{}` in the archive is not a .npy array",
                entry.name
            ));
        };
        total = total.saturating_add(entry.size);
        if total > MAX_TOTAL {
            return Err(format!("it unpacks to more than {} MiB", MAX_TOTAL >> 20));
        }
        let data = entry.data(bytes)?;
        tensors.push(npy(name, &data).map_err(|e| format!("`{}`: {e}", entry.name))?);
    }
    Ok(tensors)
}

/// The number of entries and where the central directory starts.
fn directory(b: &[u8]) -> Option<(u64, usize)> {
    // The end record is 22 bytes plus a comment of at most 65535.
    let from = b.len().saturating_sub(22 + 0xffff);
    let eocd = (from..=b.len().checked_sub(22)?)
        .rev()
        .find(|&i| u32_at(b, i) == Some(0x0605_4b50))?;
    let mut count = u64::from(u16_at(b, eocd + 10)?);
    let mut offset = u64::from(u32_at(b, eocd + 16)?);
    if count == 0xffff || offset == 0xffff_ffff {
        // zip64: a locator just before the end record points at the zip64 end record.
        let loc = eocd.checked_sub(20)?;
        if u32_at(b, loc)? != 0x0706_4b50 {
            return None;
        }
        let rec = usize::try_from(u64_at(b, loc + 8)?).ok()?;
        if u32_at(b, rec)? != 0x0606_4b50 {
            return None;
        }
        count = u64_at(b, rec + 32)?;
        offset = u64_at(b, rec + 48)?;
    }
    Some((count, usize::try_from(offset).ok()?))
}

struct Entry {
    name: String,
    method: u16,
    crc: u32,
    packed: u64,
    size: u64,
    local: u64,
    /// Where the next central directory entry starts.
    next: usize,
}

impl Entry {
    fn parse(b: &[u8], at: usize) -> Option<Entry> {
        if u32_at(b, at)? != 0x0201_4b50 {
            return None;
        }
        let name_len = usize::from(u16_at(b, at + 28)?);
        let extra_len = usize::from(u16_at(b, at + 30)?);
        let comment_len = usize::from(u16_at(b, at + 32)?);
        let name = std::str::from_utf8(b.get(at + 46..at + 46 + name_len)?).ok()?;
        let extra = b.get(at + 46 + name_len..at + 46 + name_len + extra_len)?;
        let mut e = Entry {
            name: name.to_string(),
            method: u16_at(b, at + 10)?,
            crc: u32_at(b, at + 16)?,
            packed: u64::from(u32_at(b, at + 20)?),
            size: u64::from(u32_at(b, at + 24)?),
            local: u64::from(u32_at(b, at + 42)?),
            next: at + 46 + name_len + extra_len + comment_len,
        };
        // zip64 sizes and offset, in this order, for the fields that overflowed.
        let mut i = 0;
        while i + 4 <= extra.len() {
            let id = u16_at(extra, i)?;
            let len = usize::from(u16_at(extra, i + 2)?);
            let body = extra.get(i + 4..i + 4 + len)?;
            if id == 1 {
                let mut fields = body.chunks_exact(8).map(|c| u64_at(c, 0));
                for field in [&mut e.size, &mut e.packed, &mut e.local] {
                    if *field == 0xffff_ffff {
                        *field = fields.next()??;
                    }
                }
            }
            i += 4 + len;
        }
        Some(e)
    }

    /// The entry's bytes, inflated and checked against its CRC-32.
    fn data(&self, b: &[u8]) -> Result<Vec<u8>, String> {
        let damaged = || format!("`{}` in the archive is damaged", self.name);
        let at = usize::try_from(self.local).map_err(|_| damaged())?;
        if u32_at(b, at) != Some(0x0403_4b50) {
            return Err(damaged());
        }
        let skip = usize::from(u16_at(b, at + 26).ok_or_else(damaged)?)
            + usize::from(u16_at(b, at + 28).ok_or_else(damaged)?);
        let start = at + 30 + skip;
        let end = usize::try_from(self.packed)
            .ok()
            .and_then(|n| start.checked_add(n))
            .ok_or_else(damaged)?;
        let packed = b.get(start..end).ok_or_else(damaged)?;
        let data = match self.method {
            0 => packed.to_vec(),
            8 => {
                let mut out = Vec::new();
                flate2::read::DeflateDecoder::new(packed)
                    .take(self.size.saturating_add(1))
                    .read_to_end(&mut out)
                    .map_err(|_| damaged())?;
                out
            }
            m => {
                return Err(format!(
                    "`{}` is compressed with zip method {m}; numpy.savez and savez_compressed write methods 0 and 8",
                    self.name
                ));
            }
        };
        let mut crc = flate2::Crc::new();
        crc.update(&data);
        if data.len() as u64 != self.size || crc.sum() != self.crc {
            return Err(damaged());
        }
        Ok(data)
    }
}

/// One `.npy` array: magic, version, a Python dict header, then the values.
fn npy(name: &str, b: &[u8]) -> Result<Tensor, String> {
    if b.get(..6) != Some(b"\x93NUMPY".as_slice()) {
        return Err("not a .npy array (no NUMPY magic)".into());
    }
    let (len, start): (Option<usize>, usize) = match b.get(6) {
        Some(1) => (u16_at(b, 8).map(usize::from), 10),
        Some(2 | 3) => (u32_at(b, 8).and_then(|n| usize::try_from(n).ok()), 12),
        _ => (None, 0),
    };
    let len = len.ok_or("an unknown .npy version")?;
    let header = b
        .get(start..start.saturating_add(len))
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or("its header is cut short")?;
    let data = &b[start + len..];
    let descr = quoted_after(header, "'descr':").ok_or("its header has no `descr`")?;
    let fortran = header
        .split("'fortran_order':")
        .nth(1)
        .is_some_and(|r| r.trim_start().starts_with("True"));
    let shape = shape_after(header).ok_or("its header has no readable `shape`")?;
    let (order, kind) = descr.split_at(descr.len().min(1));
    let float = match kind {
        "f2" => Some(Float::F16),
        "f4" => Some(Float::F32),
        "f8" => Some(Float::F64),
        _ => None,
    };
    let mut values = None;
    if let Some(f) = float {
        let want = numel(&shape).and_then(|n| n.checked_mul(f.size()));
        if want != Some(data.len()) {
            return Err(format!(
                "{} bytes of data for shape {shape:?} of {descr}",
                data.len()
            ));
        }
        let mut v = f.decode(data, order == ">");
        if fortran && shape.len() == 2 {
            // Column-major on disk: reorder to the row-major order everything else uses.
            let (rows, cols) = (shape[0], shape[1]);
            v = (0..rows * cols)
                .map(|k| v[(k % cols) * rows + k / cols])
                .collect();
        }
        values = Some(v);
    }
    Ok(Tensor {
        name: name.to_string(),
        dtype: descr.to_string(),
        shape,
        values,
    })
}

fn quoted_after<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let rest = header.split(key).nth(1)?.trim_start().strip_prefix('\'')?;
    rest.split('\'').next()
}

fn shape_after(header: &str) -> Option<Vec<usize>> {
    let rest = header
        .split("'shape':")
        .nth(1)?
        .trim_start()
        .strip_prefix('(')?;
    rest.split(')')
        .next()?
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| d.trim_end_matches('L').parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Vec<u8> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/weights");
        std::fs::read(dir.join("keras.npz")).unwrap()
    }

    #[test]
    fn reads_numpy_savez() {
        let t = read(&fixture()).unwrap();
        let names: Vec<&str> = t.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "dense/kernel",
                "dense/bias",
                "dense_1/kernel",
                "dense_1/bias"
            ]
        );
        assert_eq!(t[0].shape, vec![2, 4]);
        assert_eq!(t[0].dtype, "<f8");
        assert_eq!(t[0].values.as_ref().map(Vec::len), Some(8));
    }

    #[test]
    fn every_truncation_and_damage_is_an_error() {
        let ok = fixture();
        for n in 0..ok.len() {
            assert!(read(&ok[..n]).is_err(), "{n}");
        }
        // A flipped byte anywhere is caught (CRC, signatures, sizes) or leaves the values
        // readable; it never panics.
        for i in 0..ok.len() {
            let mut bad = ok.clone();
            bad[i] ^= 0x5a;
            let _ = read(&bad);
        }
    }

    #[test]
    fn npy_headers() {
        let mut b = b"\x93NUMPY\x01\x00".to_vec();
        let header = "{'descr': '>f4', 'fortran_order': True, 'shape': (2, 3), }";
        b.extend_from_slice(&(header.len() as u16).to_le_bytes());
        b.extend_from_slice(header.as_bytes());
        for v in [1f32, 4., 2., 5., 3., 6.] {
            b.extend_from_slice(&v.to_be_bytes());
        }
        let t = npy("a", &b).unwrap();
        assert_eq!(t.values, Some(vec![1., 2., 3., 4., 5., 6.]));
        let i = npy(
            "i",
            &b.iter()
                .map(|c| if *c == b'f' { b'i' } else { *c })
                .collect::<Vec<u8>>(),
        )
        .unwrap();
        assert_eq!(i.values, None);
        for n in 0..b.len() {
            assert!(npy("a", &b[..n]).is_err(), "{n}");
        }
    }
}
