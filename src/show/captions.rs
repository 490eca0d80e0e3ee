//! The words of a figure: its caption as readers see it, the title and description its SVG
//! carries for screen readers when the book gives none, and names of activations.

use crate::figures::Meta;
use crate::run::ExperimentResult;
use crate::spec::{Block, FigureKind, Show};

/// The caption as readers see it (a figure's SVG title and its image's alt text): escapes
/// such as `\@` resolved.
pub(super) fn caption_of(show: &Show) -> Option<String> {
    show.caption
        .as_deref()
        .map(|c| crate::content::math::inline_plain(&crate::content::caption_text(c)))
}

pub(super) fn default_title(kind: FigureKind, id: &str) -> String {
    match kind {
        FigureKind::Scatter => format!("Data of {id}"),
        FigureKind::DecisionRegions => format!("Decision regions of {id}"),
        FigureKind::TrainingCurve => format!("Training curve of {id}"),
        FigureKind::RegressionFit => format!("Fit of {id}"),
        FigureKind::ActivationCurve => format!("Activation of {id}"),
        FigureKind::NetworkDiagram => format!("The network of {id}"),
        FigureKind::ImageGrid => format!("Images of {id}"),
        FigureKind::ProbabilityMesh => format!("Output probability of {id}"),
        FigureKind::Evolution => format!("Training of {id}, epoch by epoch"),
        FigureKind::UnitDecomposition => format!("The units of {id}, one by one"),
        FigureKind::UnitOverlay => format!("The units of {id} adding up"),
        FigureKind::Scatter3d => format!("Data of {id} in three dimensions"),
        FigureKind::BoundaryHistory => format!("The boundary of {id} as it trains"),
        FigureKind::Sweep => format!("A sweep over {id}"),
        FigureKind::HiddenGrid => format!("The input plane as {id}'s hidden layer sees it"),
    }
}

pub(super) fn describe(kind: FigureKind, block: &Block, r: &ExperimentResult) -> String {
    let n = r.data.x.nrows();
    let classes = r.data.classes.len();
    match kind {
        FigureKind::Scatter => format!(
            "Scatter plot of {n} points in {classes} classes from experiment {}.",
            block.id
        ),
        FigureKind::DecisionRegions => format!(
            "The plane coloured by the class experiment {} predicts, with its {n} training points on top.",
            block.id
        ),
        FigureKind::TrainingCurve => {
            let epochs = r.trained.as_ref().map_or(0, |t| t.history.epochs_run);
            nnbook_live::draw::curve_desc(&block.id, epochs)
        }
        FigureKind::RegressionFit => format!(
            "The {n} training points of experiment {} and the trained model's prediction as a line.",
            block.id
        ),
        FigureKind::ActivationCurve => {
            format!("An activation function in experiment {}.", block.id)
        }
        FigureKind::ImageGrid => format!(
            "The first images of experiment {} with their labels, in grayscale.",
            block.id
        ),
        FigureKind::NetworkDiagram => {
            format!("The layers and connections of experiment {}.", block.id)
        }
        FigureKind::ProbabilityMesh => format!(
            "The probability of class 1 that experiment {}'s model gives each point of the plane, from class 0's tint (0) through white (0.5) to class 1's (1), with a colour key, the p = 0.5 contour in black and the {n} training points on top.",
            block.id
        ),
        FigureKind::UnitDecomposition => format!(
            "Small plots taking experiment {}'s network apart: each hidden unit's output a_i, its weighted share w_i·a_i, the output bias, the sum of the shares, and the prediction over the data; the outputs share one y-axis, and the shares, bias, sum and prediction another.",
            block.id
        ),
        FigureKind::BoundaryHistory => format!(
            "The line where experiment {}'s output probability is 0.5, after several epochs of training, from light grey (early) to black (late), over its {n} training points.",
            block.id
        ),
        FigureKind::Sweep => format!("Small multiples of experiment {}.", block.id),
        FigureKind::HiddenGrid => format!(
            "A regular grid of lines over the input plane after experiment {}'s 2-unit hidden layer: how the layer folds, stretches and squashes the plane, with the {n} training points.",
            block.id
        ),
        FigureKind::Scatter3d => format!(
            "A 3-D scatter plot of the {n} points of experiment {} coloured by class, seen from a fixed angle; where drawn, the translucent plane is where the model's output is 0.5 and the arrows are weight vectors.",
            block.id
        ),
        FigureKind::UnitOverlay => format!(
            "The weighted outputs of experiment {}'s live hidden units as coloured curves, and their sum plus the bias in black, over the faint data points.",
            block.id
        ),
        FigureKind::Evolution => format!(
            "An animation of experiment {}'s training, one frame per kept epoch: on the left the {n} points in the 2-unit hidden layer's space with the output's p = 0.5 line dashed; on the right the input plane coloured by the probability of class 1 with its p = 0.5 contour. Without animation the last epoch is shown.",
            block.id
        ),
    }
}

pub(super) fn diagram_meta(show: &Show, units: &[usize]) -> Meta {
    let sizes: Vec<String> = units.iter().map(usize::to_string).collect();
    Meta {
        id: show.id.clone(),
        title: caption_of(show).unwrap_or_else(|| format!("A {} network", sizes.join("-"))),
        desc: format!(
            "A fully connected network with layers of {} units.",
            sizes.join(", ")
        ),
    }
}

pub(super) fn activation_label(a: crate::engine::Activation) -> String {
    use crate::engine::Activation as A;
    match a {
        A::Linear => "linear",
        A::Relu => "ReLU",
        A::Tanh => "tanh",
        A::Sigmoid => "sigmoid",
        A::Softmax => "softmax",
        A::Step => "step",
    }
    .into()
}
