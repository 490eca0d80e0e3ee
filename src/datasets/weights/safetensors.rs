//! The safetensors format (what PyTorch, JAX/Flax and Keras 3 export): an 8-byte little-endian
//! header length, a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}}`, then the
//! tensors' little-endian bytes. Read here with serde_json rather than the `safetensors` crate:
//! the format is one page long, and every way a file can be damaged becomes our own message.

use std::collections::BTreeMap;

use serde_json::Value;

use super::tensor::{Float, Tensor, numel};

/// Headers are small (a line per tensor); anything larger is not a weight file of ours.
const MAX_HEADER: u64 = 100 << 20;

/// The tensors of a safetensors file, or why it is not one.
pub fn read(bytes: &[u8]) -> Result<Vec<Tensor>, String> {
    let Some((len, rest)) = bytes.split_first_chunk::<8>() else {
        return Err(format!(
            "it is {} bytes long, shorter than a safetensors header",
            bytes.len()
        ));
    };
    let len = u64::from_le_bytes(*len);
    if len > MAX_HEADER || len > rest.len() as u64 {
        return Err(format!(
            "its header claims {len} bytes but the file has {} after the length",
            rest.len()
        ));
    }
    let (header, data) = rest.split_at(len as usize);
    let header: BTreeMap<String, Value> = serde_json::from_slice(header)
        .map_err(|e| format!("its header is not a JSON object of tensors ({e})"))?;
    let mut tensors = Vec::new();
    for (name, entry) in header {
        if name == "__metadata__" {
            continue;
        }
        tensors.push(tensor(&name, &entry, data)?);
    }
    Ok(tensors)
}

fn tensor(name: &str, entry: &Value, data: &[u8]) -> Result<Tensor, String> {
    let bad = |what: &str| format!("tensor `{name}`: {what}");
    let dtype = entry
        .get("dtype")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("no `dtype`"))?;
    let shape = entry
        .get("shape")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no `shape`"))?
        .iter()
        .map(|d| d.as_u64().and_then(|d| usize::try_from(d).ok()))
        .collect::<Option<Vec<usize>>>()
        .ok_or_else(|| bad("its shape is not a list of sizes"))?;
    let offsets = entry
        .get("data_offsets")
        .and_then(Value::as_array)
        .and_then(|o| match o.as_slice() {
            [b, e] => Some((b.as_u64()?, e.as_u64()?)),
            _ => None,
        })
        .ok_or_else(|| bad("no `data_offsets` [begin, end]"))?;
    let (begin, end) = offsets;
    if begin > end || end > data.len() as u64 {
        return Err(bad(&format!(
            "its bytes {begin}..{end} are not inside the file's {} bytes of data",
            data.len()
        )));
    }
    let bytes = &data[begin as usize..end as usize];
    let float = match dtype {
        "F16" => Some(Float::F16),
        "BF16" => Some(Float::Bf16),
        "F32" => Some(Float::F32),
        "F64" => Some(Float::F64),
        _ => None,
    };
    if let Some(f) = float {
        let want = numel(&shape).and_then(|n| n.checked_mul(f.size()));
        if want != Some(bytes.len()) {
            return Err(bad(&format!(
                "{} bytes for a {dtype} tensor of shape {:?}",
                bytes.len(),
                shape
            )));
        }
    }
    Ok(Tensor {
        name: name.to_string(),
        dtype: dtype.to_string(),
        values: float.map(|f| f.decode(bytes, false)),
        shape,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(header: &str, data: &[u8]) -> Vec<u8> {
        let mut out = (header.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn reads_tensors_and_skips_metadata() {
        let mut data = 1.5f32.to_le_bytes().to_vec();
        data.extend_from_slice(&(-2.0f64).to_le_bytes());
        let bytes = file(
            r#"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F64","shape":[1,1],"data_offsets":[4,12]},"n":{"dtype":"I64","shape":[],"data_offsets":[12,12]}}"#,
            &data,
        );
        let t = read(&bytes).unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].values, Some(vec![1.5]));
        assert_eq!(t[1].shape, vec![1, 1]);
        assert_eq!(t[1].values, Some(vec![-2.0]));
        assert_eq!(t[2].values, None);
    }

    #[test]
    fn damaged_files_are_errors() {
        let ok = file(
            r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
            &[0; 8],
        );
        assert!(read(&ok).is_ok());
        for bad in [
            file(
                r#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#,
                &[0; 8],
            ),
            file(
                r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                &[0; 8],
            ),
            file(
                r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#,
                &[0; 8],
            ),
            file(
                r#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#,
                &[0; 8],
            ),
            file(r#"{"a":{"shape":[2],"data_offsets":[0,8]}}"#, &[0; 8]),
            file(r#"[1, 2]"#, &[]),
            file(
                r#"{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}}"#,
                &[0; 8],
            ),
            u64::MAX.to_le_bytes().to_vec(),
        ] {
            assert!(read(&bad).is_err(), "{bad:?}");
        }
        // Every truncation is an error, never a panic.
        for n in 0..ok.len() {
            assert!(read(&ok[..n]).is_err(), "{n}");
        }
    }
}
