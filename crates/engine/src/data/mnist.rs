//! MNIST: the names and SHA-256 of its four IDX files, and its images and labels taken from
//! parsed IDX arrays. Finding, reading and checking the files is the datasets layer's
//! (`crate::datasets::mnist`).

use super::idx::{Idx, IdxError};

/// One of the two MNIST splits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    Train,
    Test,
}

/// (file stem, SHA-256 of the decompressed IDX bytes): the training images and labels, then
/// the test images and labels.
pub const FILES: [(&str, &str); 4] = [
    (
        "train-images-idx3-ubyte",
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    (
        "train-labels-idx1-ubyte",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    (
        "t10k-images-idx3-ubyte",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    (
        "t10k-labels-idx1-ubyte",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
];

/// Images (rows of 784 values scaled to [0, 1]) and their digit labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Mnist {
    pub images: Vec<f32>,
    pub labels: Vec<u8>,
    pub n: usize,
}

/// The indexes in [`FILES`] of a split's images and labels.
pub fn split_files(split: Split) -> [usize; 2] {
    match split {
        Split::Train => [0, 1],
        Split::Test => [2, 3],
    }
}

/// The index in [`FILES`] of a file name, raw or `.gz`.
pub fn file_index(name: &str) -> Option<usize> {
    let stem = name.strip_suffix(".gz").unwrap_or(name);
    FILES.iter().position(|(n, _)| *n == stem)
}

/// Rows `offset..offset + limit` (all by default) of parsed image and label arrays; an error
/// when their shapes are not MNIST's.
pub fn from_idx(
    images: &Idx,
    labels: &Idx,
    offset: usize,
    limit: Option<usize>,
) -> Result<Mnist, IdxError> {
    if images.dims.len() != 3
        || images.dims[1] * images.dims[2] != 784
        || labels.dims.len() != 1
        || labels.dims[0] != images.dims[0]
    {
        return Err(IdxError("unexpected MNIST shapes".into()));
    }
    let total = images.dims[0];
    let start = offset.min(total);
    let end = limit.map_or(total, |l| (start + l).min(total));
    let pixels: Vec<f32> = images.data[start * 784..end * 784]
        .iter()
        .map(|&p| f32::from(p) / 255.0)
        .collect();
    Ok(Mnist {
        images: pixels,
        labels: labels.data[start..end].to_vec(),
        n: end - start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_sliced_and_scaled_and_shapes_checked() {
        let images = Idx {
            dims: vec![3, 28, 28],
            data: (0..3 * 784)
                .map(|i| if i < 784 { 0 } else { 255 })
                .collect(),
        };
        let labels = Idx {
            dims: vec![3],
            data: vec![7, 2, 1],
        };
        let m = from_idx(&images, &labels, 1, Some(5)).unwrap();
        assert_eq!((m.n, m.labels.clone()), (2, vec![2, 1]));
        assert_eq!(m.images.len(), 2 * 784);
        assert!(m.images.iter().all(|p| *p == 1.0));
        assert_eq!(from_idx(&images, &labels, 9, None).unwrap().n, 0);
        let short = Idx {
            dims: vec![2],
            data: vec![7, 2],
        };
        assert!(from_idx(&images, &short, 0, None).is_err());
        assert_eq!(file_index("t10k-labels-idx1-ubyte.gz"), Some(3));
        assert_eq!(file_index("t10k-labels"), None);
    }
}
