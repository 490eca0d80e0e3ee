//! Figures of one experiment's result: pick the data each kind needs from the result and the
//! block's options, and hand it to `figures`.

use ndarray::Array2;

use crate::figures::{self, Class, Meta};
use crate::run::{self, ExperimentResult};
use crate::spec::{Common, Metric, Options, Show};

use super::Animation;
use super::diagram::diagram;
use super::grid::{boundary_fields, class_grid, evolution_frames, probability_field};

pub(super) fn classes(r: &ExperimentResult) -> Vec<Class> {
    r.data
        .classes
        .iter()
        .map(|c| Class {
            name: format!("y={c}"),
            color: None,
        })
        .collect()
}

pub(super) fn points2(r: &ExperimentResult) -> Result<Vec<[f64; 2]>, String> {
    if r.data.x.ncols() != 2 {
        return Err(format!(
            "the data has {} features; this figure needs 2",
            r.data.x.ncols()
        ));
    }
    Ok(r.data
        .x
        .rows()
        .into_iter()
        .map(|row| [f64::from(row[0]), f64::from(row[1])])
        .collect())
}

/// One-feature data as (x, target) points.
pub(super) fn xy_points(r: &ExperimentResult) -> Vec<[f64; 2]> {
    r.data
        .x
        .iter()
        .zip(&r.data.y)
        .map(|(x, y)| [f64::from(*x), *y])
        .collect()
}

/// Data extent with a 5% margin on each side.
pub(super) fn extent(pts: &[[f64; 2]], axis: usize) -> [f64; 2] {
    let (lo, hi) = pts
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p[axis]), hi.max(p[axis]))
        });
    if !lo.is_finite() || !hi.is_finite() || hi <= lo {
        return [lo.min(0.0) - 1.0, hi.max(0.0) + 1.0];
    }
    let pad = (hi - lo) * 0.05;
    [lo - pad, hi + pad]
}

/// A figure of one experiment, drawn as its options' kind with the options that kind has.
pub(super) fn draw(show: &Show, r: &ExperimentResult, meta: &Meta) -> Result<String, String> {
    match &show.options {
        Options::Scatter(o) if r.data.classes.is_empty() && r.data.x.ncols() == 1 => {
            // Regression data: the target against the one feature.
            let c = &o.common;
            let pts = xy_points(r);
            let opts = figures::ScatterOptions {
                title: c.title.clone(),
                x: c.x,
                y: c.y,
                x_label: c.x_label.clone().or(Some("x".into())),
                y_label: c.y_label.clone().or(Some("y".into())),
                equal_aspect: o.equal_aspect.unwrap_or(false),
                legend: false,
                ..Default::default()
            };
            let one = [Class {
                name: "data".into(),
                color: Some(figures::style::LINE.into()),
            }];
            figures::scatter(&pts, &vec![0; pts.len()], &one, &opts, meta)
                .map_err(|e| e.to_string())
        }
        Options::Scatter(o) => {
            let c = &o.common;
            let pts = points2(r)?;
            let opts = figures::ScatterOptions {
                title: c.title.clone(),
                x: c.x,
                y: c.y,
                x_label: c.x_label.clone().or(Some("x1".into())),
                y_label: c.y_label.clone().or(Some("x2".into())),
                equal_aspect: o.equal_aspect.unwrap_or(true),
                ..Default::default()
            };
            figures::scatter(&pts, &r.data.class_of, &classes(r), &opts, meta)
                .map_err(|e| e.to_string())
        }
        Options::DecisionRegions(o) => {
            let c = &o.common;
            let t = r.trained.as_ref().ok_or("no trained model")?;
            let pts = points2(r)?;
            let (x, y) = (
                c.x.unwrap_or_else(|| extent(&pts, 0)),
                c.y.unwrap_or_else(|| extent(&pts, 1)),
            );
            let n = o.grid.unwrap_or(200);
            let grid = class_grid(&t.model, x, y, n);
            let arrows = if o.weight_arrows == Some(true) {
                weight_arrows(&t.model, r, x, y, o.arrow_scale.unwrap_or(1.0))?
            } else {
                Vec::new()
            };
            let opts = figures::RegionOptions {
                title: c.title.clone(),
                x_label: c.x_label.clone().or(Some("x1".into())),
                y_label: c.y_label.clone().or(Some("x2".into())),
                equal_aspect: o.equal_aspect.unwrap_or(true),
                arrows,
                compact: o.compact,
                ..Default::default()
            };
            figures::decision_regions(&grid, &pts, &r.data.class_of, &classes(r), &opts, meta)
                .map_err(|e| e.to_string())
        }
        Options::RegressionFit(o) => {
            let c = &o.common;
            let t = r.trained.as_ref().ok_or("no trained model")?;
            if r.data.x.ncols() != 1 || t.model.output_dim() != 1 {
                return Err("a regression fit needs one input and one output".into());
            }
            let pts = xy_points(r);
            let [lo, hi] = c.x.unwrap_or_else(|| {
                let (lo, hi) = pts
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                        (a.min(p[0]), b.max(p[0]))
                    });
                [lo, hi]
            });
            // The notebook's test grid: 1,000 evenly spaced x over the data's range.
            let xs = crate::engine::data::generators::linspace(lo, hi, 1000);
            let grid = Array2::from_shape_fn((xs.len(), 1), |(i, _)| xs[i] as f32);
            let ys: Vec<f64> = run::predict(&t.model, &grid)
                .iter()
                .map(|v| f64::from(*v))
                .collect();
            let opts = figures::PlotOptions {
                title: c.title.clone(),
                x_label: c.x_label.clone().or(Some("x".into())),
                y_label: c.y_label.clone().or(Some("y".into())),
                x: c.x,
                y: c.y,
                ..Default::default()
            };
            let dots = figures::Dots {
                name: Some("Train data".into()),
                points: pts,
                color: None,
                opacity: 0.7,
            };
            let line = figures::Line {
                name: Some("Prediction".into()),
                xs,
                ys,
                color: Some("#ff0000".into()),
                width: 2.0,
            };
            figures::line_plot(&[line], &[dots], &opts, meta).map_err(|e| e.to_string())
        }
        Options::ActivationCurve(_) => {
            Err("activation curves are drawn without an experiment".into())
        }
        Options::Evolution(_) => Err("evolutions are drawn on their own".into()),
        Options::UnitDecomposition(o) => super::units::decomposition(r, &o.common, meta),
        Options::UnitOverlay(o) => super::units::overlay(r, &o.common, meta),
        Options::Sweep(_) => Err("sweeps are drawn on their own".into()),
        Options::HiddenGrid(o) => super::units::hidden_grid(r, o, meta),
        Options::BoundaryHistory(o) => {
            let c = &o.common;
            let pts = points2(r)?;
            let (x, y) = (
                c.x.unwrap_or_else(|| extent(&pts, 0)),
                c.y.unwrap_or_else(|| extent(&pts, 1)),
            );
            let fields = boundary_fields(r, o.frames.as_deref(), o.grid, x, y)?;
            let opts = mesh_options(c);
            figures::boundary_history(
                &fields,
                &pts,
                &r.data.class_of,
                &classes(r),
                &opts,
                meta,
                "epoch",
            )
            .map_err(|e| e.to_string())
        }
        Options::Scatter3d(o) => {
            let flat = Show {
                options: Options::DecisionRegions(o.regions_panel()),
                ..show.clone()
            };
            let regions = |m: &Meta| draw(&flat, r, m);
            super::three_d::scatter_3d(r, &classes(r), o, meta, &regions)
        }
        Options::ProbabilityMesh(o) => {
            let c = &o.common;
            let t = r.trained.as_ref().ok_or("no trained model")?;
            let pts = points2(r)?;
            let (x, y) = (
                c.x.unwrap_or_else(|| extent(&pts, 0)),
                c.y.unwrap_or_else(|| extent(&pts, 1)),
            );
            let field = probability_field(&t.model, x, y, o.grid.unwrap_or(100))?;
            let opts = mesh_options(c);
            figures::probability_mesh(&field, &pts, &r.data.class_of, &classes(r), &opts, meta)
                .map_err(|e| e.to_string())
        }
        Options::ImageGrid(o) => {
            let (n, d) = r.data.x.dim();
            let side = (d as f64).sqrt().round() as usize;
            if side * side != d {
                return Err(format!("{d} features do not make a square image"));
            }
            if o.weights == Some(true) {
                return weight_images(r, side, o, meta);
            }
            let count = o.count.unwrap_or(4).min(n);
            let images: Vec<figures::Gray> = (0..count)
                .map(|i| figures::Gray {
                    width: side,
                    height: side,
                    pixels: r.data.x.row(i).to_vec(),
                    label: r
                        .data
                        .classes
                        .get(r.data.class_of[i])
                        .cloned()
                        .unwrap_or_default(),
                })
                .collect();
            let columns = o.columns.unwrap_or(2);
            figures::image_grid(&images, columns, 112.0, meta).map_err(|e| e.to_string())
        }
        Options::NetworkDiagram(o) => {
            let t = r.trained.as_ref().ok_or("no trained model")?;
            let units = match &o.layers {
                Some(l) => l.clone(),
                None => std::iter::once(r.data.x.ncols())
                    .chain(t.model.layers.iter().map(|l| l.w.ncols()))
                    .collect(),
            };
            diagram(show, o, units, Some(&t.model))
        }
        Options::TrainingCurve(o) => {
            let t = r.trained.as_ref().ok_or("no trained model")?;
            let h = &t.history;
            let metric = o.metric.unwrap_or(Metric::Loss);
            let values = match metric {
                Metric::Loss => Some(&h.loss),
                Metric::Accuracy => h.accuracy.as_ref(),
                Metric::Mse => h.mse.as_ref(),
            }
            .ok_or_else(|| format!("the history has no {}", metric.name()))?;
            let label = match metric {
                Metric::Loss => "Loss",
                Metric::Accuracy => "Accuracy",
                Metric::Mse => "MSE",
            };
            let mut series = vec![figures::Series {
                name: if h.validation.is_empty() {
                    label.to_string()
                } else {
                    "Training".to_string()
                },
                values: values.iter().map(|v| f64::from(*v)).collect(),
                color: None,
            }];
            // The held-out data's value after each epoch (loss, or the metric), when measured.
            if !h.validation.is_empty() {
                let k = usize::from(metric != Metric::Loss);
                series.push(figures::Series {
                    name: "Validation".into(),
                    values: h.validation.iter().map(|v| f64::from(v[k])).collect(),
                    color: Some("#ff7f0e".into()),
                });
            }
            let opts = figures::CurveOptions {
                title: o.title.clone().or(Some(format!("{label} vs Epochs"))),
                x_label: Some("Epoch".into()),
                y_label: Some(label.to_string()),
                stop_epoch: h
                    .stopped_by_threshold
                    .then_some(h.epochs_run.saturating_sub(1)),
                within: (metric == Metric::Accuracy).then_some([0.0, 1.0]),
                ..Default::default()
            };
            figures::training_curve(&series, &opts, meta).map_err(|e| e.to_string())
        }
        _ => Err(format!(
            "`{}` is not a figure of one experiment",
            show.what.name()
        )),
    }
}

/// Weight vectors of a single-layer classifier: w from the origin for one output unit (normal
/// to its boundary), or for softmax each pairwise difference w_j − w_i anchored on the i–j
/// boundary at its point nearest the plot's centre.
pub(super) fn weight_arrows(
    model: &crate::engine::Model,
    r: &ExperimentResult,
    x: [f64; 2],
    y: [f64; 2],
    scale: f64,
) -> Result<Vec<figures::Arrow>, String> {
    let [layer] = model.layers.as_slice() else {
        return Err("weight arrows need a model with a single layer".into());
    };
    if layer.w.nrows() != 2 {
        return Err("weight arrows need two inputs".into());
    }
    let w = |i: usize, k: usize| f64::from(layer.w[[i, k]]);
    if layer.w.ncols() == 1 {
        return Ok(vec![figures::Arrow {
            from: [0.0, 0.0],
            to: [scale * w(0, 0), scale * w(1, 0)],
            label: Some("w".into()),
        }]);
    }
    let names: Vec<String> = r.data.classes.clone();
    let centre = [(x[0] + x[1]) / 2.0, (y[0] + y[1]) / 2.0];
    let mut out = Vec::new();
    let k = layer.w.ncols();
    for j in (1..k).rev() {
        for i in (0..j).rev() {
            let d = [w(0, j) - w(0, i), w(1, j) - w(1, i)];
            let e = f64::from(layer.b[j]) - f64::from(layer.b[i]);
            let n2 = d[0] * d[0] + d[1] * d[1];
            if n2 == 0.0 {
                continue;
            }
            let t = (d[0] * centre[0] + d[1] * centre[1] + e) / n2;
            let foot = [centre[0] - t * d[0], centre[1] - t * d[1]];
            // The drawn i–j boundary is the part of this line where i and j lead the other
            // classes; anchor the arrow at the middle of that part inside the plot.
            let z = |p: [f64; 2], c: usize| w(0, c) * p[0] + w(1, c) * p[1] + f64::from(layer.b[c]);
            let dir = [-d[1] / n2.sqrt(), d[0] / n2.sqrt()];
            let span = (x[1] - x[0]).max(y[1] - y[0]);
            let inside =
                |p: [f64; 2]| (x[0]..=x[1]).contains(&p[0]) && (y[0]..=y[1]).contains(&p[1]);
            let on_boundary = |p: [f64; 2]| (0..k).all(|c| c == i || c == j || z(p, c) <= z(p, i));
            let along: Vec<[f64; 2]> = (-400..=400)
                .map(|s| span * f64::from(s) / 400.0)
                .map(|u| [foot[0] + u * dir[0], foot[1] + u * dir[1]])
                .filter(|p| inside(*p) && on_boundary(*p))
                .collect();
            let from = along.get(along.len() / 2).copied().unwrap_or(foot);
            let name = |c: usize| names.get(c).cloned().unwrap_or_else(|| (c + 1).to_string());
            out.push(figures::Arrow {
                from,
                to: [from[0] + scale * d[0], from[1] + scale * d[1]],
                label: Some(format!("w{}−w{}", name(j), name(i))),
            });
        }
    }
    Ok(out)
}

/// The first layer's weights into each of the first `count` units as images (one pixel per
/// input), each scaled to its own largest magnitude: what each unit looks for in a digit.
pub(super) fn weight_images(
    r: &ExperimentResult,
    side: usize,
    o: &crate::spec::ImageOptions,
    meta: &Meta,
) -> Result<String, String> {
    let t = r
        .trained
        .as_ref()
        .ok_or("weight images need a trained model")?;
    let layer = t.model.layers.first().ok_or("the model has no layers")?;
    let count = o.count.unwrap_or(16).min(layer.w.ncols());
    let images: Vec<figures::Gray> = (0..count)
        .map(|j| {
            let col = layer.w.column(j);
            let m = col.iter().fold(1e-12f32, |m, v| m.max(v.abs()));
            figures::Gray {
                width: side,
                height: side,
                // Zero weight is mid-grey; positive light, negative dark.
                pixels: col.iter().map(|v| 0.5 + 0.5 * v / m).collect(),
                label: format!("unit {}", j + 1),
            }
        })
        .collect();
    figures::image_grid(&images, o.columns.unwrap_or(4), 84.0, meta).map_err(|e| e.to_string())
}

/// The evolution's animated SVG, its GIF when the block asks for it, and what the page's
/// controls need to know of its frames.
pub(super) fn evolution(
    show: &Show,
    r: &ExperimentResult,
    meta: &Meta,
    cache: &run::Cache,
) -> Result<(String, Option<Vec<u8>>, Animation), String> {
    let Options::Evolution(o) = &show.options else {
        return Err(format!("`{}` is not an evolution", show.what.name()));
    };
    let c = &o.common;
    let pts = points2(r)?;
    let (x, y) = (
        c.x.unwrap_or_else(|| extent(&pts, 0)),
        c.y.unwrap_or_else(|| extent(&pts, 1)),
    );
    let f = evolution_frames(r, o.frames.as_deref(), o.grid, x, y)?;
    let opts = figures::EvolutionOptions {
        title: c.title.clone(),
        x_label: c.x_label.clone().or(Some("x1".into())),
        y_label: c.y_label.clone().or(Some("x2".into())),
        hidden_labels: ["h1".into(), "h2".into()],
        hidden_x: f.hidden_x,
        hidden_y: f.hidden_y,
        seconds: 0.4,
    };
    let gif = o.gif == Some(true);
    let anim = Animation {
        frames: f.frames.len(),
        last_epoch: f.frames.last().map_or(0, |fr| fr.epoch),
        gif,
    };
    let e = figures::evolution(
        &f.frames,
        &pts,
        &r.data.class_of,
        &classes(r),
        &opts,
        meta,
        gif,
    )
    .map_err(|e| e.to_string())?;
    let gif = if gif {
        // Rendering every frame is the slowest step of a warm build; the GIF depends on nothing
        // but the frames' SVG, so it is cached under their hash.
        let inputs: Vec<&[u8]> = e.stills.iter().map(|s| s.as_bytes()).collect();
        Some(cache.blob(&inputs, "gif", || crate::raster::gif(&e.stills, 1.0, 40))?)
    } else {
        None
    };
    Ok((e.svg, gif, anim))
}

/// A mesh's labels and title: the block's, or x1 and x2 as the articles name the inputs.
pub(super) fn mesh_options(c: &Common) -> figures::MeshOptions {
    figures::MeshOptions {
        x_label: c.x_label.clone().or(Some("x1".into())),
        y_label: c.y_label.clone().or(Some("x2".into())),
        title: c.title.clone(),
    }
}
