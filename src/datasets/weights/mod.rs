//! Weight files of models trained elsewhere (`model: {load: FILE}`): found inside the book,
//! read once, hashed (the SHA-256 is part of the experiment's cache key), parsed as
//! safetensors or `.npz`, and matched to the block's dense layers. The engine gets arrays.

mod layers;
mod npz;
mod safetensors;
mod tensor;

pub use layers::LoadedLayer;
pub use tensor::Tensor;

use std::io::Read;
use std::path::Path;

use super::{DataFile, normalise, sha256_hex};
use crate::diag::{Diagnostic, display_path};
use crate::spec::{LoadSpec, ModelSpec};

/// The largest weight file nnbook reads: far above any model it can draw.
const MAX_BYTES: u64 = 1 << 30;

/// A weight file as the build read it, with the layers made from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub file: DataFile,
    pub sha256: String,
    pub layers: Vec<LoadedLayer>,
}

/// The tensors of a weight file's bytes: `.npz` by name, else safetensors.
pub fn tensors(bytes: &[u8], npz: bool) -> Result<Vec<Tensor>, String> {
    if npz {
        npz::read(bytes)
    } else {
        safetensors::read(bytes)
    }
}

/// Find, read and match a block's weight file.
pub fn load(root: &Path, model: &ModelSpec, spec: &LoadSpec) -> Result<Loaded, Diagnostic> {
    let error = |code: &'static str, message: String, hint: &str| {
        Diagnostic::error(code, message)
            .at(spec.location.clone())
            .hint(hint.to_string())
    };
    let rel = normalise(Path::new(""), Path::new(&spec.path))
        .filter(|p| !p.as_os_str().is_empty())
        .ok_or_else(|| {
            Diagnostic::error(
                "E009",
                format!("the weight file `{}` leaves the book", spec.path),
            )
            .at(spec.location.clone())
            .hint("a weight file is named relative to the book's root, and stays inside the book")
        })?;
    let shown = display_path(&rel);
    if std::fs::symlink_metadata(root.join(&rel)).is_err() {
        return Err(error(
            "E037",
            format!("cannot find the weight file `{shown}`"),
            "a weight file is named relative to the book's root (the folder with book.yaml)",
        ));
    }
    let path = crate::config::inside_root(root, &rel).map_err(|d| d.at(spec.location.clone()))?;
    let mut bytes = Vec::new();
    std::fs::File::open(&path)
        .and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| {
            error(
                "E037",
                format!("cannot read {shown}: {e}"),
                "check that the file is readable",
            )
        })?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(error(
            "E037",
            format!("{shown} is larger than {} MiB", MAX_BYTES >> 20),
            "nnbook draws small dense networks; save only the layers it draws",
        ));
    }
    let npz = shown.to_ascii_lowercase().ends_with(".npz");
    let tensors = tensors(&bytes, npz).map_err(|why| {
        let what = if npz {
            "NumPy .npz archive"
        } else {
            "safetensors file"
        };
        error(
            "E037",
            format!("{shown} is not a readable {what}: {why}"),
            if npz {
                "write it with numpy.savez(FILE, **arrays)"
            } else {
                "write it with safetensors' save_file (safetensors.torch, .numpy, .flax)"
            },
        )
    })?;
    let layers =
        layers::layers(&tensors, spec.layout, &model.layers, &spec.activations).map_err(|m| {
            Diagnostic::error(m.code, format!("{shown}: {}", m.message))
                .at(spec.location.clone())
                .hint(m.hint)
        })?;
    Ok(Loaded {
        file: DataFile { path, shown },
        sha256: sha256_hex(&bytes),
        layers,
    })
}
