//! What a `show:` entry needs from its block (a model, `runs:`, `input:`), and the epochs
//! evolution figures keep a model at.

use super::super::Block;
use super::{BackpropOptions, FigureKind, Metric, Options, ShowKind, TableKind};
use crate::yaml::{Node, YamlError, YamlErrorKind};

/// The epochs an evolution figure shows by default (shared with the browser's redraw).
pub fn default_frames(epochs: usize) -> Vec<usize> {
    nnbook_live::grid::default_frames(epochs)
}

/// The epochs to keep a model at for the block's evolution figures (sorted, unique).
pub(in crate::spec) fn evolution_frames(block: &Block) -> Vec<usize> {
    let Some(epochs) = block
        .experiment
        .as_ref()
        .and_then(|e| e.train.as_ref())
        .map(|t| t.epochs)
    else {
        return Vec::new();
    };
    let figures = block
        .show
        .iter()
        .filter(|s| {
            matches!(
                s.what,
                ShowKind::Figure(FigureKind::Evolution | FigureKind::BoundaryHistory)
            )
        })
        .map(|s| s.options.frames().map(Vec::as_slice));
    // The browser's redraw keeps models by the same rule (crates/live).
    nnbook_live::grid::snapshot_epochs(figures, epochs)
}

/// Kinds drawn from a training history (epochs, losses, models kept while training), which a
/// loaded model does not have.
pub fn needs_history(what: ShowKind) -> bool {
    matches!(
        what,
        ShowKind::Figure(
            FigureKind::TrainingCurve | FigureKind::Evolution | FigureKind::BoundaryHistory
        ) | ShowKind::Table(TableKind::Metrics)
    )
}

/// Figures that need a trained model cannot come from a data-only block.
pub(in crate::spec) fn check_show_needs(
    block: &Block,
    show_node: Option<&Node>,
) -> Result<(), YamlError> {
    let Some(exp) = &block.experiment else {
        return Ok(());
    };
    let items = show_node.map(|n| n.as_seq()).transpose()?.unwrap_or(&[]);
    for (show, node) in block.show.iter().zip(items) {
        if matches!(
            show.what,
            ShowKind::Table(TableKind::Runs) | ShowKind::Figure(FigureKind::Sweep)
        ) && show.options.runs().is_none()
        {
            return Err(
                YamlError::at(node, YamlErrorKind::MissingKey, "missing key `runs`")
                    .hint("list the experiments, e.g. `runs: [xor-relu, xor-tanh]`"),
            );
        }
        // A worked pass starts from an input: the tables', or the diagram's worked values'.
        let missing_input = match &show.options {
            Options::ForwardPass(o) => o.input.is_none(),
            Options::Backprop(o) => o.input.is_none(),
            Options::NetworkDiagram(o) => o.values.is_some() && o.input.is_none(),
            _ => false,
        };
        if missing_input {
            return Err(
                YamlError::at(node, YamlErrorKind::MissingKey, "missing key `input`")
                    .hint("give the input the pass starts from, e.g. `input: [1, 1]`"),
            );
        }
        if let Options::Backprop(BackpropOptions { target: None, .. }) = &show.options {
            return Err(
                YamlError::at(node, YamlErrorKind::MissingKey, "missing key `target`").hint(
                    "the backward pass starts from the error against a target, e.g. `target: 0`",
                ),
            );
        }
        if show.what == ShowKind::Figure(FigureKind::Evolution)
            && exp.model.as_ref().is_some_and(|m| m.classic.is_some())
        {
            return Err(YamlError::at(
                node,
                YamlErrorKind::Invalid,
                "an evolution needs a network trained by gradient descent",
            ));
        }
        if exp.model.as_ref().is_some_and(|m| m.load.is_some()) && needs_history(show.what) {
            return Err(YamlError::at(
                node,
                YamlErrorKind::Invalid,
                format!(
                    "`{}` shows training, and a loaded model was not trained here",
                    show.what.name()
                ),
            )
            .hint("show what the weights do instead: decision-regions, probability-mesh, network-diagram, the weights or summary table"));
        }
        let needs_model = match (&show.options, show.what) {
            (Options::Scatter(_) | Options::ActivationCurve(_) | Options::ImageGrid(_), _) => false,
            (Options::NetworkDiagram(o), _) => o.layers.is_none() || o.heatmaps == Some(true),
            (_, ShowKind::Table(TableKind::Data | TableKind::Runs)) => false,
            (Options::Sweep(_), _) => false,
            (Options::Scatter3d(o), _) => {
                o.space.as_deref() == Some("hidden")
                    || o.plane == Some(true)
                    || o.weight_arrows == Some(true)
                    || o.panels.is_some()
            }
            _ => true,
        };
        if needs_model && exp.model.is_none() {
            return Err(YamlError::at(
                node,
                YamlErrorKind::Invalid,
                format!("`{}` needs a trained model", show.what.name()),
            )
            .hint("add `model:` and `train:` to this block, or show a `scatter`"));
        }
        if show.options.metric() == Some(Metric::Accuracy)
            && let Some(t) = &exp.train
            && !t.loss.is_classification()
        {
            return Err(YamlError::at(
                node,
                YamlErrorKind::Invalid,
                "accuracy is only recorded for classifiers",
            )
            .hint("plot `metric: loss` or `metric: mse` for a regressor"));
        }
    }
    Ok(())
}
