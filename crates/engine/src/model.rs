//! A sequential stack of dense layers.

use ndarray::{Array1, Array2};
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;

use super::EngineError;
use super::activation::Activation;
use super::dense::Dense;
use super::init::glorot_uniform;

/// One layer of a model description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerSpec {
    pub units: usize,
    pub activation: Activation,
}

/// A trained or untrained network.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub layers: Vec<Dense>,
}

impl Model {
    /// A new model with Glorot-uniform kernels (layer by layer from one seeded stream) and zero
    /// biases, as Keras builds it.
    pub fn new(input_dim: usize, layers: &[LayerSpec], seed: u64) -> Result<Model, EngineError> {
        if input_dim == 0 {
            return Err(EngineError::Shape("the data has no features".into()));
        }
        if layers.is_empty() {
            return Err(EngineError::Shape("the model has no layers".into()));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut fan_in = input_dim;
        let mut out = Vec::with_capacity(layers.len());
        for (i, spec) in layers.iter().enumerate() {
            if spec.units == 0 {
                return Err(EngineError::Shape(format!("layer {} has no units", i + 1)));
            }
            if spec.activation == Activation::Softmax && i + 1 != layers.len() {
                return Err(EngineError::Shape(
                    "softmax is only supported on the output layer".into(),
                ));
            }
            out.push(Dense {
                w: glorot_uniform(fan_in, spec.units, &mut rng),
                b: Array1::zeros(spec.units),
                activation: spec.activation,
            });
            fan_in = spec.units;
        }
        Ok(Model { layers: out })
    }

    /// A model from given layers (weights trained elsewhere): each layer's kernel must take
    /// the previous layer's outputs, and softmax may only end the stack.
    pub fn from_layers(layers: Vec<Dense>) -> Result<Model, EngineError> {
        if layers.is_empty() {
            return Err(EngineError::Shape("the model has no layers".into()));
        }
        for (i, l) in layers.iter().enumerate() {
            if l.w.nrows() == 0 || l.w.ncols() == 0 || l.b.len() != l.w.ncols() {
                return Err(EngineError::Shape(format!(
                    "layer {} has a {}x{} kernel and {} biases",
                    i + 1,
                    l.w.nrows(),
                    l.w.ncols(),
                    l.b.len()
                )));
            }
            if i > 0 && layers[i - 1].w.ncols() != l.w.nrows() {
                return Err(EngineError::Shape(format!(
                    "layer {} takes {} inputs, but layer {} has {} units",
                    i + 1,
                    l.w.nrows(),
                    i,
                    layers[i - 1].w.ncols()
                )));
            }
            if l.activation == Activation::Softmax && i + 1 != layers.len() {
                return Err(EngineError::Shape(
                    "softmax is only supported on the output layer".into(),
                ));
            }
        }
        Ok(Model { layers })
    }

    /// Inputs the model expects.
    pub fn input_dim(&self) -> usize {
        self.layers.first().map_or(0, |l| l.w.nrows())
    }

    /// Outputs the model gives.
    pub fn output_dim(&self) -> usize {
        self.layers.last().map_or(0, |l| l.w.ncols())
    }

    /// Trainable parameters, counted as Keras does (weights + biases).
    pub fn param_count(&self) -> usize {
        self.layers.iter().map(|l| l.w.len() + l.b.len()).sum()
    }

    /// The model's output for each row of `x`.
    pub fn forward(&self, x: &Array2<f32>) -> Array2<f32> {
        let mut a = x.clone();
        for layer in &self.layers {
            a = layer.forward(&a);
        }
        a
    }

    /// The output of every layer (hidden spaces for figures).
    pub fn layer_outputs(&self, x: &Array2<f32>) -> Vec<Array2<f32>> {
        let mut outs: Vec<Array2<f32>> = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            let next = layer.forward(outs.last().unwrap_or(x));
            outs.push(next);
        }
        outs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(units: usize, activation: Activation) -> LayerSpec {
        LayerSpec { units, activation }
    }

    #[test]
    fn keras_parameter_counts() {
        let m = Model::new(
            2,
            &[spec(3, Activation::Relu), spec(1, Activation::Sigmoid)],
            0,
        )
        .unwrap();
        assert_eq!(m.param_count(), 13);
        let m = Model::new(
            784,
            &[spec(1000, Activation::Relu), spec(10, Activation::Softmax)],
            0,
        )
        .unwrap();
        assert_eq!(m.param_count(), 795_010);
        let m = Model::new(
            1,
            &[spec(400, Activation::Relu), spec(1, Activation::Linear)],
            0,
        )
        .unwrap();
        assert_eq!(m.param_count(), 1_201);
        assert!(Model::new(2, &[spec(0, Activation::Relu)], 0).is_err());
        assert!(
            Model::new(
                2,
                &[spec(3, Activation::Softmax), spec(1, Activation::Linear)],
                0
            )
            .is_err()
        );
    }

    #[test]
    fn from_layers_checks_the_chain() {
        let m = Model::new(
            2,
            &[spec(3, Activation::Tanh), spec(1, Activation::Sigmoid)],
            1,
        )
        .unwrap();
        assert_eq!(Model::from_layers(m.layers.clone()).unwrap(), m);
        let mut swapped = m.layers.clone();
        swapped.reverse();
        assert!(Model::from_layers(swapped).is_err());
        let mut short_bias = m.layers.clone();
        short_bias[0].b = Array1::zeros(2);
        assert!(Model::from_layers(short_bias).is_err());
        assert!(Model::from_layers(Vec::new()).is_err());
    }

    #[test]
    fn layer_outputs_end_in_forward() {
        let m = Model::new(
            2,
            &[spec(3, Activation::Tanh), spec(2, Activation::Softmax)],
            5,
        )
        .unwrap();
        let x = Array2::from_shape_vec((2, 2), vec![0.1, 0.2, -0.3, 0.4]).unwrap();
        let outs = m.layer_outputs(&x);
        assert_eq!(outs.len(), 2);
        assert_eq!(outs[1], m.forward(&x));
        assert!(m.layers.iter().all(|l| l.b.iter().all(|b| *b == 0.0)));
    }
}
