//! Each figure and table kind's options as a type of its own, so the show stage can read only
//! what its kind takes. They are filled from the keys `options.rs` parsed (each key defined
//! once there) and written back to that flat form to be serialised, which keeps the items'
//! cache keys as they were.

use serde::{Serialize, Serializer};

use super::options::{Given, PanelSpec};
use super::{FigureKind, Metric, ShowKind, TableKind};
use crate::config::Palette;
use crate::spec::Activation;

/// `kind_options!(Name [common] { field: Type, … } plain { field: Type })`: a kind's options,
/// taken from the parsed keys and given back; `[common]` adds the shared ranges, labels and
/// title; `plain` fields are set by nnbook, not written by an author.
macro_rules! kind_options {
    ($(#[$m:meta])* $name:ident $([$c:ident])? {
        $($(#[$fm:meta])* $field:ident: $ty:ty),* $(,)?
    } $(plain { $($(#[$pm:meta])* $pf:ident: $pty:ty),* $(,)? })?) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            $(pub $c: Common,)?
            $($(#[$fm])* pub $field: Option<$ty>,)*
            $($($(#[$pm])* pub $pf: $pty,)*)?
        }

        impl $name {
            #[allow(clippy::needless_update)]
            fn take(g: &mut Given) -> Self {
                $name {
                    $($c: Common::take(g),)?
                    $($field: g.$field.take(),)*
                    ..Default::default()
                }
            }

            fn give(&self, g: &mut Given) {
                $(self.$c.give(g);)?
                $(g.$field.clone_from(&self.$field);)*
            }
        }
    };
}

kind_options!(
    /// What most plots share: axis ranges, axis labels and a title.
    Common {
        x: [f64; 2],
        y: [f64; 2],
        title: String,
        x_label: String,
        y_label: String,
    }
);

kind_options!(
    /// `scatter`.
    ScatterOptions [common] {
        equal_aspect: bool,
        palette: Palette,
    }
);

kind_options!(
    /// `decision-regions` (and a sweep's or a 3-D figure's regions panels).
    RegionOptions [common] {
        /// Grid resolution per axis.
        grid: usize,
        equal_aspect: bool,
        /// Draw the weight vectors (pairwise differences for softmax).
        weight_arrows: bool,
        /// Length factor of the weight arrows.
        arrow_scale: f64,
        palette: Palette,
    } plain {
        /// A sweep's panels: points as compact dots.
        compact: bool,
    }
);

kind_options!(
    /// `training-curve`.
    CurveOptions {
        metric: Metric,
        title: String,
        palette: Palette,
    }
);

kind_options!(
    /// `regression-fit`, `unit-decomposition` and `unit-overlay`: ranges and labels only.
    PlotOptions [common] {
        palette: Palette,
    }
);

kind_options!(
    /// `activation-curve`.
    ActivationOptions [common] {
        /// The function drawn.
        activation: Activation,
        /// Panels `out·g(w·x + b)`, each as `[w, b, out]`.
        variants: Vec<[f64; 3]>,
        /// Add the activation's derivative.
        derivative: bool,
        palette: Palette,
    }
);

kind_options!(
    /// `network-diagram`.
    DiagramOptions {
        /// Units per layer, input first.
        layers: Vec<usize>,
        /// Captions under the columns.
        captions: Vec<String>,
        /// Text inside the nodes, one list per column.
        node_labels: Vec<Vec<String>>,
        /// Label the edges with the trained weights.
        weights: bool,
        /// The input whose worked values `values` writes into the nodes.
        input: Vec<f64>,
        /// Columns whose nodes show the worked values (0 = the input).
        values: Vec<usize>,
        /// Each node of a 2-input network as a heatmap of its output over the input plane.
        heatmaps: bool,
        /// The heatmaps' input plane.
        x: [f64; 2],
        y: [f64; 2],
        palette: Palette,
    }
);

kind_options!(
    /// `image-grid`.
    ImageOptions {
        /// Images shown.
        count: usize,
        columns: usize,
        /// The first layer's weights as images instead of the data.
        weights: bool,
    }
);

kind_options!(
    /// `probability-mesh` and `hidden-grid`.
    MeshOptions [common] {
        /// Grid resolution (mesh) or lines per axis (hidden grid).
        grid: usize,
        palette: Palette,
    }
);

kind_options!(
    /// `evolution`.
    EvolutionOptions [common] {
        grid: usize,
        /// Epochs shown (default: a schedule up to the last epoch).
        frames: Vec<usize>,
        /// Also write the evolution as an animated GIF.
        gif: bool,
        palette: Palette,
    }
);

kind_options!(
    /// `boundary-history`.
    HistoryOptions [common] {
        grid: usize,
        /// Epochs shown (default: a schedule up to the last epoch).
        frames: Vec<usize>,
        palette: Palette,
    }
);

kind_options!(
    /// `sweep`: one panel per run, each drawn as `of`.
    SweepOptions [common] {
        /// The experiments drawn.
        runs: Vec<String>,
        /// The kind of figure each panel draws.
        of: FigureKind,
        columns: usize,
        grid: usize,
        metric: Metric,
        /// Every run's p = 0.5 boundary overlaid in one panel.
        overlay: bool,
        palette: Palette,
    }
);

kind_options!(
    /// `scatter-3d`.
    Scatter3dOptions [common] {
        z_label: String,
        /// Camera elevation and azimuth, in degrees.
        view: [f64; 2],
        /// `hidden`: plot the first layer's outputs instead of the input features.
        space: String,
        /// Draw the model's p = 0.5 plane.
        plane: bool,
        plane_x: [f64; 2],
        plane_y: [f64; 2],
        plane_opacity: f64,
        /// Point opacity.
        opacity: f64,
        weight_arrows: bool,
        arrow_scale: f64,
        /// Several views side by side, each overriding the figure's settings.
        panels: Vec<PanelSpec>,
        /// Grid resolution of a regions panel.
        grid: usize,
        palette: Palette,
    }
);

kind_options!(
    /// The `runs` table.
    RunsOptions {
        runs: Vec<String>,
    }
);

kind_options!(
    /// The `forward-pass` table.
    ForwardOptions {
        input: Vec<f64>,
        /// The one layer (1 = first hidden) shown.
        layer: usize,
        /// Decimals printed.
        digits: usize,
    }
);

kind_options!(
    /// The `backprop` table.
    BackpropOptions {
        input: Vec<f64>,
        target: f64,
        digits: usize,
    }
);

kind_options!(
    /// The `weights` table.
    WeightsOptions {
        digits: usize,
    }
);

impl SweepOptions {
    /// The options of one panel, drawn as `of` with the sweep's ranges, labels and grid.
    pub fn panel(&self, title: String) -> Options {
        let common = Common {
            title: Some(title),
            ..self.common.clone()
        };
        match self.of.unwrap_or(FigureKind::DecisionRegions) {
            FigureKind::ProbabilityMesh => Options::ProbabilityMesh(MeshOptions {
                common,
                grid: self.grid,
                palette: self.palette,
            }),
            FigureKind::TrainingCurve => Options::TrainingCurve(CurveOptions {
                metric: self.metric,
                title: common.title,
                palette: self.palette,
            }),
            FigureKind::RegressionFit => Options::RegressionFit(PlotOptions {
                common,
                palette: self.palette,
            }),
            _ => Options::DecisionRegions(RegionOptions {
                common,
                grid: self.grid,
                palette: self.palette,
                compact: true,
                ..Default::default()
            }),
        }
    }
}

impl Scatter3dOptions {
    /// A 2-D regions panel: the same ranges, labels and grid; the weight arrows belong to the
    /// 3-D views.
    pub fn regions_panel(&self) -> RegionOptions {
        RegionOptions {
            common: self.common.clone(),
            grid: self.grid,
            arrow_scale: self.arrow_scale,
            palette: self.palette,
            ..Default::default()
        }
    }
}

/// A figure's or table's options: the kind's own type.
#[derive(Debug, Clone, PartialEq)]
pub enum Options {
    Scatter(ScatterOptions),
    DecisionRegions(RegionOptions),
    TrainingCurve(CurveOptions),
    RegressionFit(PlotOptions),
    ActivationCurve(ActivationOptions),
    NetworkDiagram(DiagramOptions),
    ImageGrid(ImageOptions),
    ProbabilityMesh(MeshOptions),
    Evolution(EvolutionOptions),
    UnitDecomposition(PlotOptions),
    UnitOverlay(PlotOptions),
    Scatter3d(Scatter3dOptions),
    BoundaryHistory(HistoryOptions),
    Sweep(SweepOptions),
    HiddenGrid(MeshOptions),
    Runs(RunsOptions),
    ForwardPass(ForwardOptions),
    Backprop(BackpropOptions),
    Weights(WeightsOptions),
    /// A table that takes no options.
    Table,
}

impl Options {
    /// The options of `what`, taken from the keys parsed for it.
    pub(super) fn take(what: ShowKind, g: &mut Given) -> Options {
        use FigureKind as F;
        match what {
            ShowKind::Figure(k) => match k {
                F::Scatter => Options::Scatter(ScatterOptions::take(g)),
                F::DecisionRegions => Options::DecisionRegions(RegionOptions::take(g)),
                F::TrainingCurve => Options::TrainingCurve(CurveOptions::take(g)),
                F::RegressionFit => Options::RegressionFit(PlotOptions::take(g)),
                F::ActivationCurve => Options::ActivationCurve(ActivationOptions::take(g)),
                F::NetworkDiagram => Options::NetworkDiagram(DiagramOptions::take(g)),
                F::ImageGrid => Options::ImageGrid(ImageOptions::take(g)),
                F::ProbabilityMesh => Options::ProbabilityMesh(MeshOptions::take(g)),
                F::Evolution => Options::Evolution(EvolutionOptions::take(g)),
                F::UnitDecomposition => Options::UnitDecomposition(PlotOptions::take(g)),
                F::UnitOverlay => Options::UnitOverlay(PlotOptions::take(g)),
                F::Scatter3d => Options::Scatter3d(Scatter3dOptions::take(g)),
                F::BoundaryHistory => Options::BoundaryHistory(HistoryOptions::take(g)),
                F::Sweep => Options::Sweep(SweepOptions::take(g)),
                F::HiddenGrid => Options::HiddenGrid(MeshOptions::take(g)),
            },
            ShowKind::Table(TableKind::Runs) => Options::Runs(RunsOptions::take(g)),
            ShowKind::Table(TableKind::ForwardPass) => {
                Options::ForwardPass(ForwardOptions::take(g))
            }
            ShowKind::Table(TableKind::Backprop) => Options::Backprop(BackpropOptions::take(g)),
            ShowKind::Table(TableKind::Weights) => Options::Weights(WeightsOptions::take(g)),
            ShowKind::Table(_) => Options::Table,
        }
    }

    /// The options back in their parsed, flat form.
    pub(super) fn given(&self) -> Given {
        let mut g = Given::default();
        match self {
            Options::Scatter(o) => o.give(&mut g),
            Options::DecisionRegions(o) => o.give(&mut g),
            Options::TrainingCurve(o) => o.give(&mut g),
            Options::RegressionFit(o) | Options::UnitDecomposition(o) | Options::UnitOverlay(o) => {
                o.give(&mut g);
            }
            Options::ActivationCurve(o) => o.give(&mut g),
            Options::NetworkDiagram(o) => o.give(&mut g),
            Options::ImageGrid(o) => o.give(&mut g),
            Options::ProbabilityMesh(o) | Options::HiddenGrid(o) => o.give(&mut g),
            Options::Evolution(o) => o.give(&mut g),
            Options::Scatter3d(o) => o.give(&mut g),
            Options::BoundaryHistory(o) => o.give(&mut g),
            Options::Sweep(o) => o.give(&mut g),
            Options::Runs(o) => o.give(&mut g),
            Options::ForwardPass(o) => o.give(&mut g),
            Options::Backprop(o) => o.give(&mut g),
            Options::Weights(o) => o.give(&mut g),
            Options::Table => {}
        }
        g
    }

    /// The experiments a sweep or runs table lists.
    pub fn runs(&self) -> Option<&Vec<String>> {
        match self {
            Options::Sweep(o) => o.runs.as_ref(),
            Options::Runs(o) => o.runs.as_ref(),
            _ => None,
        }
    }

    /// The list `runs` reads, for kinds that have one.
    pub fn runs_mut(&mut self) -> Option<&mut Option<Vec<String>>> {
        match self {
            Options::Sweep(o) => Some(&mut o.runs),
            Options::Runs(o) => Some(&mut o.runs),
            _ => None,
        }
    }

    /// The epochs an evolution or boundary history shows, when given.
    pub fn frames(&self) -> Option<&Vec<usize>> {
        match self {
            Options::Evolution(o) => o.frames.as_ref(),
            Options::BoundaryHistory(o) => o.frames.as_ref(),
            _ => None,
        }
    }

    /// The metric a training curve or sweep plots, when given.
    pub fn metric(&self) -> Option<Metric> {
        match self {
            Options::TrainingCurve(o) => o.metric,
            Options::Sweep(o) => o.metric,
            _ => None,
        }
    }

    /// The figure's own palette, overriding the book's.
    pub fn palette(&self) -> Option<Palette> {
        self.given().palette
    }
}

impl Serialize for Options {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.given().serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::super::kinds::{all_kinds, keys};
    use super::super::options::BASE_KEYS;
    use super::*;

    /// Every option set, so what a kind keeps is exactly what its type has.
    fn full() -> Given {
        Given {
            x: Some([0.0, 1.0]),
            y: Some([0.0, 1.0]),
            title: Some("t".into()),
            x_label: Some("x".into()),
            y_label: Some("y".into()),
            grid: Some(10),
            metric: Some(Metric::Loss),
            equal_aspect: Some(true),
            activation: Some(Activation::Relu),
            layers: Some(vec![2]),
            captions: Some(vec!["c".into()]),
            node_labels: Some(vec![vec!["n".into()]]),
            weights: Some(true),
            count: Some(1),
            columns: Some(1),
            frames: Some(vec![1]),
            gif: Some(true),
            runs: Some(vec!["r".into()]),
            input: Some(vec![1.0]),
            target: Some(1.0),
            layer: Some(1),
            digits: Some(1),
            values: Some(vec![0]),
            variants: Some(vec![[1.0, 0.0, 1.0]]),
            weight_arrows: Some(true),
            arrow_scale: Some(1.0),
            view: Some([0.0, 0.0]),
            space: Some("hidden".into()),
            plane: Some(true),
            plane_x: Some([0.0, 1.0]),
            plane_y: Some([0.0, 1.0]),
            plane_opacity: Some(0.5),
            opacity: Some(0.5),
            z_label: Some("z".into()),
            panels: Some(vec![PanelSpec::default()]),
            of: Some(FigureKind::Scatter),
            overlay: Some(true),
            heatmaps: Some(true),
            derivative: Some(true),
            palette: Some(Palette::Article),
        }
    }

    #[test]
    fn each_kinds_type_holds_exactly_the_keys_it_takes() {
        for kind in all_kinds() {
            let options = Options::take(kind, &mut full());
            let json = serde_json::to_value(&options).unwrap();
            let mut held: Vec<String> = json
                .as_object()
                .unwrap()
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, _)| k.replace('_', "-"))
                .collect();
            let mut taken: Vec<String> = keys(kind)
                .iter()
                .filter(|k| !BASE_KEYS.contains(k))
                .map(|k| k.to_string())
                .collect();
            held.sort();
            taken.sort();
            assert_eq!(held, taken, "`{}`", kind.name());
        }
    }

    #[test]
    fn a_sweep_panel_keeps_the_sweeps_ranges_grid_and_palette() {
        let mut g = full();
        let sweep = SweepOptions::take(&mut g);
        let Options::DecisionRegions(r) = sweep.panel("lr 0.1".into()) else {
            panic!("a sweep of scatters draws regions");
        };
        assert_eq!(r.common.x, sweep.common.x);
        assert_eq!(r.common.title.as_deref(), Some("lr 0.1"));
        assert_eq!(
            (r.grid, r.palette, r.compact),
            (Some(10), Some(Palette::Article), true)
        );
    }
}
