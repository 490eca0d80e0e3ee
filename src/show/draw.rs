//! Figures of one experiment's result: pick the data each kind needs from the result and the
//! block's options, and hand it to `figures`.

use ndarray::Array2;

use nnbook_live::draw as live;

use crate::figures::{self, Class, Meta};
use crate::run::{self, ExperimentResult};
use crate::spec::{Common, Metric, Options, Show};

use super::Animation;
use super::diagram::diagram;
use super::grid::{evolution_frames, probability_field};

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

/// Data extent with a 5% margin on each side (the browser's redraw uses the same).
pub(super) fn extent(pts: &[[f64; 2]], axis: usize) -> [f64; 2] {
    live::extent(pts, axis)
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
        Options::Scatter(_) | Options::DecisionRegions(_) => {
            let kind = live_kind(show, r, None).ok_or("not a live kind")??;
            draw_live(kind, r, meta)
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
        Options::BoundaryHistory(_) => {
            let kind = live_kind(show, r, None).ok_or("not a live kind")??;
            draw_live(kind, r, meta)
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
        Options::TrainingCurve(_) => {
            let kind = live_kind(show, r, None).ok_or("not a live kind")??;
            draw_live(kind, r, meta)
        }
        _ => Err(format!(
            "`{}` is not a figure of one experiment",
            show.what.name()
        )),
    }
}

/// The kinds the reader's browser redraws (crates/live's `draw`, which the build calls too),
/// with the block's options resolved as the build resolves them; None for the other kinds.
/// `experiment` names the block in a training curve's description drawn after retraining.
pub(crate) fn live_kind(
    show: &Show,
    r: &ExperimentResult,
    experiment: Option<&str>,
) -> Option<Result<live::Kind, String>> {
    let label = |l: &Option<String>, or: &str| l.clone().unwrap_or_else(|| or.to_string());
    // The plane of the kinds that draw over the data's two features, which bound it by
    // default.
    let plane = |c: &Common| {
        points2(r).map(|pts| {
            live::Plane::new(
                c.title.clone(),
                label(&c.x_label, "x1"),
                label(&c.y_label, "x2"),
                c.x.unwrap_or_else(|| extent(&pts, 0)),
                c.y.unwrap_or_else(|| extent(&pts, 1)),
            )
        })
    };
    Some(match &show.options {
        // Regression data (the target against one feature) is drawn natively only.
        Options::Scatter(_) if r.data.classes.is_empty() && r.data.x.ncols() == 1 => return None,
        Options::Scatter(o) => {
            let c = &o.common;
            points2(r).map(|_| {
                live::Kind::scatter(
                    c.title.clone(),
                    label(&c.x_label, "x1"),
                    label(&c.y_label, "x2"),
                    o.equal_aspect.unwrap_or(true),
                    c.x,
                    c.y,
                )
            })
        }
        Options::DecisionRegions(o) => plane(&o.common).map(|plane| live::Kind::DecisionRegions {
            plane,
            equal_aspect: o.equal_aspect.unwrap_or(true),
            compact: o.compact,
            grid: o.grid.unwrap_or(200),
            arrows: live::Kind::arrows(
                (o.weight_arrows == Some(true)).then(|| o.arrow_scale.unwrap_or(1.0)),
            ),
        }),
        Options::BoundaryHistory(o) => plane(&o.common).map(|plane| live::Kind::BoundaryHistory {
            plane,
            grid: o.grid.unwrap_or(150),
            frames: o.frames.clone(),
        }),
        Options::Evolution(o) => plane(&o.common).map(|plane| live::Kind::Evolution {
            plane,
            grid: o.grid,
            frames: o.frames.clone(),
        }),
        Options::TrainingCurve(o) => Ok(live::Kind::TrainingCurve {
            experiment: experiment.map(str::to_string),
            title: o.title.clone(),
            metric: o.metric.unwrap_or(Metric::Loss).name().to_string(),
        }),
        _ => return None,
    })
}

/// Draw a kind the browser redraws, from the experiment's result, with the shared code.
pub(crate) fn draw_live(
    kind: live::Kind,
    r: &ExperimentResult,
    meta: &Meta,
) -> Result<String, String> {
    let figure = live::Figure {
        id: meta.id.clone(),
        title: meta.title.clone(),
        desc: meta.desc.clone(),
        kind,
    };
    let trained = r.trained.as_ref();
    let input = live::Input {
        x: &r.data.x,
        classes: &r.data.classes,
        class_of: &r.data.class_of,
        model: trained.map(|t| &t.model),
        history: trained.map(|t| &t.history),
        epochs: trained.map_or(0, |t| t.train.epochs),
        predict: &run::predict,
    };
    live::draw(&figure, &input)
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
    let opts = live::evolution_options(
        &c.title,
        c.x_label.as_deref().unwrap_or("x1"),
        c.y_label.as_deref().unwrap_or("x2"),
        &f,
    );
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
