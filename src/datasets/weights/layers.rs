//! Tensors to dense layers: which tensors are a layer's kernel and bias (PyTorch's
//! `N.weight` [out, in] and `N.bias`; Keras's and Flax's `NAME/kernel` [in, out] and
//! `NAME/bias`), in which order, and every way they can fail to fit the block's model.

use ndarray::{Array1, Array2};

use super::tensor::{Tensor, shape_text};
use crate::spec::{Activation, LayerSpec, Layout};

/// One dense layer's weights, kernel as [in, out] whatever the file's layout.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedLayer {
    pub w: Array2<f32>,
    pub b: Array1<f32>,
    pub activation: Activation,
    /// The kernel's name in the file, for messages about the layer.
    pub kernel: String,
}

/// Why the tensors do not make the block's model; `code` E038 (shapes, names, dtypes) or E039
/// (values that are not finite numbers).
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub code: &'static str,
    pub message: String,
    pub hint: String,
}

fn mismatch(message: String, hint: impl Into<String>) -> Mismatch {
    Mismatch {
        code: "E038",
        message,
        hint: hint.into(),
    }
}

/// `prefix` and the last name part: `0.weight` → (`0`, `weight`), `dense_1/kernel` →
/// (`dense_1`, `kernel`).
fn split(name: &str) -> (&str, &str) {
    match name.rfind(['.', '/']) {
        Some(i) => (&name[..i], &name[i + 1..]),
        None => ("", name),
    }
}

/// Names in natural order: `dense` < `dense_1` < `dense_2` < `dense_10`; `0` < `2` < `10`
/// (safetensors sorts its header by name, so file order is no layer order).
fn natural(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let key = |s| {
        chunks(s)
            .into_iter()
            .map(|(digits, c)| match digits {
                true => (
                    String::new(),
                    c.trim_start_matches('0').len(),
                    c.to_string(),
                ),
                false => (c.to_string(), 0, String::new()),
            })
            .collect::<Vec<_>>()
    };
    key(a).cmp(&key(b))
}

/// The block's model from a file's tensors: `given` layers to check them against, or
/// `activations` (one per layer) when the layers are inferred from the file.
pub fn layers(
    tensors: &[Tensor],
    layout: Option<Layout>,
    given: &[LayerSpec],
    activations: &[Activation],
) -> Result<Vec<LoadedLayer>, Mismatch> {
    let names: Vec<&str> = tensors.iter().map(|t| t.name.as_str()).collect();
    let has = |leaf: &str| names.iter().any(|n| split(n).1 == leaf);
    let layout = match (layout, has("weight"), has("kernel")) {
        (Some(l), _, _) => l,
        (None, true, false) => Layout::Torch,
        (None, false, true) => Layout::Keras,
        (None, ..) => {
            return Err(mismatch(
                "cannot tell how the file stores its kernels: its tensors are named neither `N.weight` (PyTorch) nor `NAME/kernel` (Keras) alone".into(),
                "add `layout: torch` (kernels as [out, in], as nn.Linear keeps them) or `layout: keras` ([in, out])",
            ));
        }
    };
    let mut kernels: Vec<&Tensor> = tensors
        .iter()
        .filter(|t| matches!(split(&t.name).1, "weight" | "kernel"))
        .collect();
    kernels.sort_by(|a, b| natural(split(&a.name).0, split(&b.name).0));
    let wanted: Vec<Activation> = if given.is_empty() {
        activations.to_vec()
    } else {
        given.iter().map(|l| l.activation).collect()
    };
    let found: Vec<String> = kernels.iter().map(|k| format!("`{}`", k.name)).collect();
    if kernels.len() < wanted.len() {
        return Err(mismatch(
            format!(
                "missing tensor: the model has {} layers, the file {} ({})",
                wanted.len(),
                kernels.len(),
                found.join(", ")
            ),
            "load the file the model was saved to, or list as many layers as it has",
        ));
    }
    if let Some(extra) = kernels.get(wanted.len()) {
        return Err(mismatch(
            format!(
                "extra tensor `{}`: the model has {} layers, the file {} ({})",
                extra.name,
                wanted.len(),
                kernels.len(),
                found.join(", ")
            ),
            match given.is_empty() {
                true => "name one activation per layer of the file",
                false => "list every layer of the file",
            },
        ));
    }
    let mut used: Vec<&str> = Vec::new();
    let mut out: Vec<LoadedLayer> = Vec::new();
    for (i, (kernel, activation)) in kernels.iter().zip(wanted).enumerate() {
        let prefix = split(&kernel.name).0;
        let sep = &kernel.name[prefix.len()..kernel.name.len() - split(&kernel.name).1.len()];
        let bias_name = format!("{prefix}{sep}bias");
        let bias = tensors
            .iter()
            .find(|t| t.name == bias_name)
            .ok_or_else(|| {
                mismatch(
                    format!("missing tensor `{bias_name}`, the bias of `{}`", kernel.name),
                    "nnbook's dense layers have a bias: save it (nn.Linear(bias=True), use_bias=True)",
                )
            })?;
        used.extend([kernel.name.as_str(), bias.name.as_str()]);
        let [a, b] = kernel.shape[..] else {
            return Err(mismatch(
                format!(
                    "tensor `{}` has shape {}, not a 2-D kernel",
                    kernel.name,
                    shape_text(&kernel.shape)
                ),
                "nnbook loads dense layers only",
            ));
        };
        let (inputs, units) = match layout {
            Layout::Torch => (b, a),
            Layout::Keras => (a, b),
        };
        let expect_in = out
            .last()
            .map(|l: &LoadedLayer| l.w.ncols())
            .unwrap_or(inputs);
        let expect_units = given.get(i).map_or(units, |l| l.units);
        if (inputs, units) != (expect_in, expect_units) {
            let shape = |i, u| match layout {
                Layout::Torch => shape_text(&[u, i]),
                Layout::Keras => shape_text(&[i, u]),
            };
            let prev = out.last().map(|l: &LoadedLayer| l.w.ncols());
            let transposed = layout_hint(layout, (units, inputs), prev, expect_units);
            return Err(mismatch(
                format!(
                    "tensor `{}` has shape {}, expected {} (layer {}: {expect_in} inputs, {expect_units} units, {} layout)",
                    kernel.name,
                    shape_text(&kernel.shape),
                    shape(expect_in, expect_units),
                    i + 1,
                    layout.name()
                ),
                transposed,
            ));
        }
        if bias.shape != [units] {
            return Err(mismatch(
                format!(
                    "tensor `{}` has shape {}, expected {}",
                    bias.name,
                    shape_text(&bias.shape),
                    shape_text(&[units])
                ),
                if bias.shape == [inputs] {
                    let other = match layout {
                        Layout::Torch => "keras",
                        Layout::Keras => "torch",
                    };
                    format!("the bias fits the kernel read the other way: add `layout: {other}`")
                } else {
                    "a bias holds one value per unit of its layer".into()
                },
            ));
        }
        let kv = values(kernel)?;
        let bv = values(bias)?;
        let w = Array2::from_shape_fn((inputs, units), |(r, c)| match layout {
            Layout::Torch => kv[c * inputs + r] as f32,
            Layout::Keras => kv[r * units + c] as f32,
        });
        let b = Array1::from_iter(bv.iter().map(|v| *v as f32));
        out.push(LoadedLayer {
            w,
            b,
            activation,
            kernel: kernel.name.clone(),
        });
    }
    if let Some(t) = tensors.iter().find(|t| !used.contains(&t.name.as_str())) {
        return Err(mismatch(
            format!(
                "extra tensor `{}` ({}): it is no dense layer's kernel or bias",
                t.name,
                shape_text(&t.shape)
            ),
            "nnbook draws stacks of dense layers; save only their kernels and biases (e.g. drop other entries from the state_dict)",
        ));
    }
    Ok(out)
}

/// The other layout, when the kernel read that way (`flipped`: inputs, units) fits the layer.
fn layout_hint(
    layout: Layout,
    flipped: (usize, usize),
    inputs: Option<usize>,
    units: usize,
) -> String {
    let other = match layout {
        Layout::Torch => Layout::Keras,
        Layout::Keras => Layout::Torch,
    };
    if flipped.1 == units && inputs.is_none_or(|i| i == flipped.0) {
        format!(
            "the kernel fits the {} layout: add `layout: {}`",
            other.name(),
            other.name()
        )
    } else {
        "check the layers' sizes against the model that was saved".into()
    }
}

/// A tensor's values, checked to be finite f32 numbers.
fn values(t: &Tensor) -> Result<&[f64], Mismatch> {
    let Some(v) = &t.values else {
        return Err(mismatch(
            format!("tensor `{}` is {}, not floating point", t.name, t.dtype),
            "save the weights as F16, BF16, F32 or F64 (float16, bfloat16, float32, float64)",
        ));
    };
    if let Some(i) = v.iter().position(|x| !(*x as f32).is_finite()) {
        let what = if v[i].is_nan() {
            "NaN".to_string()
        } else if v[i].is_infinite() {
            "an infinity".to_string()
        } else {
            format!("{:e}, beyond f32", v[i])
        };
        let at = position(&t.shape, i);
        return Err(Mismatch {
            code: "E039",
            message: format!("tensor `{}` holds {what} at {at}", t.name),
            hint: "the model diverged or the file is damaged; save weights from a training run that stayed finite".into(),
        });
    }
    Ok(v)
}

/// A row-major index as `[row, col]`.
fn position(shape: &[usize], mut i: usize) -> String {
    let mut idx = vec![0; shape.len()];
    for (k, d) in shape.iter().enumerate().rev() {
        if *d > 0 {
            idx[k] = i % d;
            i /= d;
        }
    }
    shape_text(&idx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str, shape: &[usize]) -> Tensor {
        let n: usize = shape.iter().product();
        Tensor {
            name: name.into(),
            dtype: "F32".into(),
            shape: shape.to_vec(),
            values: Some((0..n).map(|i| i as f64).collect()),
        }
    }

    fn torch() -> Vec<Tensor> {
        vec![
            t("0.bias", &[3]),
            t("0.weight", &[3, 2]),
            t("10.bias", &[1]),
            t("10.weight", &[1, 3]),
        ]
    }

    const TWO: [Activation; 2] = [Activation::Tanh, Activation::Sigmoid];

    #[test]
    fn torch_kernels_are_transposed_and_ordered_naturally() {
        let l = layers(&torch(), None, &[], &TWO).unwrap();
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].w.dim(), (2, 3));
        // [out, in] row-major: w[in=1, out=2] is value 2*2+1.
        assert_eq!(l[0].w[[1, 2]], 5.0);
        assert_eq!(l[1].kernel, "10.weight");
        assert_eq!(l[1].activation, Activation::Sigmoid);
    }

    #[test]
    fn keras_kernels_keep_their_order() {
        let k = vec![
            t("dense_1/bias", &[1]),
            t("dense_1/kernel", &[3, 1]),
            t("dense/kernel", &[2, 3]),
            t("dense/bias", &[3]),
        ];
        let l = layers(&k, None, &[], &TWO).unwrap();
        assert_eq!(l[0].kernel, "dense/kernel");
        assert_eq!(l[0].w[[1, 2]], 5.0);
    }

    #[test]
    fn every_mismatch_names_its_tensor() {
        let err = |ts: &[Tensor], acts: &[Activation]| layers(ts, None, &[], acts).unwrap_err();
        let mut no_bias = torch();
        no_bias.remove(2);
        assert!(err(&no_bias, &TWO).message.contains("`10.bias`"));
        let mut extra = torch();
        extra.push(t("0.running_mean", &[3]));
        assert!(err(&extra, &TWO).message.contains("`0.running_mean`"));
        assert!(
            err(&torch(), &TWO[..1])
                .message
                .contains("extra tensor `10.weight`")
        );
        assert!(
            err(&torch(), &[Activation::Relu; 3])
                .message
                .contains("missing tensor")
        );
        let mut shape = torch();
        shape[3] = t("10.weight", &[1, 4]);
        let e = err(&shape, &TWO);
        assert!(
            e.message
                .contains("`10.weight` has shape [1, 4], expected [1, 3]"),
            "{e:?}"
        );
        let mut nan = torch();
        nan[1].values.as_mut().unwrap()[3] = f64::NAN;
        let e = err(&nan, &TWO);
        assert_eq!(e.code, "E039");
        assert!(
            e.message.contains("`0.weight` holds NaN at [1, 1]"),
            "{e:?}"
        );
        let mut big = torch();
        big[0].values.as_mut().unwrap()[0] = 1e300;
        assert!(err(&big, &TWO).message.contains("beyond f32"));
        let mut ints = torch();
        ints[0].values = None;
        ints[0].dtype = "I64".into();
        assert!(err(&ints, &TWO).message.contains("`0.bias` is I64"));
        let odd = vec![t("w1", &[2, 2]), t("b1", &[2])];
        assert!(err(&odd, &TWO[..1]).hint.contains("layout: torch"));
    }

    #[test]
    fn given_layers_are_checked_and_layout_is_suggested() {
        let given = [
            LayerSpec {
                units: 2,
                activation: Activation::Tanh,
                weights: None,
                bias: None,
                location: Default::default(),
            },
            LayerSpec {
                units: 1,
                activation: Activation::Sigmoid,
                weights: None,
                bias: None,
                location: Default::default(),
            },
        ];
        let keras = vec![
            t("d/kernel", &[3, 2]),
            t("d/bias", &[2]),
            t("e/kernel", &[2, 1]),
            t("e/bias", &[1]),
        ];
        assert!(layers(&keras, None, &given, &[]).is_ok());
        // Read as torch, the first kernel [3, 2] is 2 units of 3 inputs: fits as given.
        let e = layers(&keras, Some(Layout::Torch), &given, &[]).unwrap_err();
        assert!(e.message.contains("`d/kernel` has shape [3, 2]"), "{e:?}");
        assert!(e.hint.contains("layout: keras"), "{e:?}");
    }

    #[test]
    fn natural_order() {
        let mut v = vec!["dense_10", "dense_2", "dense", "dense_1"];
        v.sort_by(|a, b| natural(a, b));
        assert_eq!(v, ["dense", "dense_1", "dense_2", "dense_10"]);
    }
}
