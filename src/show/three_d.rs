//! 3-D figures: points from three features or from a 3-unit hidden layer, the model's
//! true p = 0.5 plane (w0 + w·a = 0, not the 0.5 the article solves for), weight arrows, and
//! several views side by side (a view may be the 2-D decision regions instead).

use crate::engine::Model;
use crate::figures::{Arrow3, Class, Meta, Plane, Scatter3Options, View, panel_grid, scatter3d};
use crate::run::ExperimentResult;
use crate::spec::{PanelSpec, Scatter3dOptions};

/// matplotlib's default camera.
const DEFAULT_VIEW: [f64; 2] = [30.0, -60.0];

struct Space {
    points: Vec<[f64; 3]>,
    labels: [String; 3],
    /// The unit whose p = 0.5 plane separates the space: (weights, bias).
    plane: Option<([f64; 3], f64)>,
    /// Weight arrows from the origin, before scaling.
    arrows: Vec<([f64; 3], String)>,
}

fn input_space(r: &ExperimentResult, model: Option<&Model>) -> Result<Space, String> {
    if r.data.x.ncols() != 3 {
        return Err(format!(
            "the data has {} features; a 3-D scatter needs 3 (or `space: hidden`)",
            r.data.x.ncols()
        ));
    }
    let points = r
        .data
        .x
        .rows()
        .into_iter()
        .map(|row| [0, 1, 2].map(|k| f64::from(row[k])))
        .collect();
    let unit = model.and_then(|m| match m.layers.as_slice() {
        [l] if l.w.ncols() == 1 => {
            Some(([0, 1, 2].map(|k| f64::from(l.w[[k, 0]])), f64::from(l.b[0])))
        }
        _ => None,
    });
    Ok(Space {
        points,
        labels: ["x1".into(), "x2".into(), "x3".into()],
        plane: unit,
        arrows: unit
            .map(|(w, _)| (w, "w".to_string()))
            .into_iter()
            .collect(),
    })
}

fn hidden_space(r: &ExperimentResult, model: &Model) -> Result<Space, String> {
    let ok =
        model.layers.len() == 2 && model.layers[0].w.ncols() == 3 && model.layers[1].w.ncols() == 1;
    if !ok {
        return Err("`space: hidden` needs one hidden layer of 3 units and one output unit".into());
    }
    let hidden = &model.layer_outputs(&r.data.x)[0];
    let points = hidden
        .rows()
        .into_iter()
        .map(|row| [0, 1, 2].map(|k| f64::from(row[k])))
        .collect();
    let (l0, l1) = (&model.layers[0], &model.layers[1]);
    // v_i: the hidden weights leaving input i (row i of the kernel).
    let arrows = (0..l0.w.nrows().min(3))
        .map(|i| {
            (
                [0, 1, 2].map(|k| f64::from(l0.w[[i, k]])),
                format!("v{}", i + 1),
            )
        })
        .collect();
    Ok(Space {
        points,
        labels: ["a1".into(), "a2".into(), "a3".into()],
        plane: Some((
            [0, 1, 2].map(|k| f64::from(l1.w[[k, 0]])),
            f64::from(l1.b[0]),
        )),
        arrows,
    })
}

fn extent(points: &[[f64; 3]], k: usize) -> [f64; 2] {
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p[k]), b.max(p[k]))
        });
    if !lo.is_finite() || hi - lo < 1e-9 {
        return [lo.min(0.0) - 1.0, hi.max(0.0) + 1.0];
    }
    let pad = (hi - lo) * 0.05;
    [lo - pad, hi + pad]
}

/// One 3-D view of the space with the panel's settings over the figure's.
fn view_svg(
    r: &ExperimentResult,
    space: &Space,
    classes: &[Class],
    o: &Scatter3dOptions,
    panel: &PanelSpec,
    meta: &Meta,
) -> Result<String, String> {
    let mut limits = [0, 1, 2].map(|k| extent(&space.points, k));
    let scale = o.arrow_scale.unwrap_or(1.0);
    let arrows: Vec<Arrow3> = if panel.weight_arrows.or(o.weight_arrows) == Some(true) {
        space
            .arrows
            .iter()
            .map(|(w, label)| Arrow3 {
                from: [0.0; 3],
                to: w.map(|v| v * scale),
                label: Some(label.clone()),
            })
            .collect()
    } else {
        Vec::new()
    };
    for a in &arrows {
        for (k, lim) in limits.iter_mut().enumerate() {
            *lim = [
                lim[0].min(a.from[k]).min(a.to[k]),
                lim[1].max(a.from[k]).max(a.to[k]),
            ];
        }
    }
    let plane = if panel.plane.or(o.plane) == Some(true) {
        let (w, b) = space
            .plane
            .ok_or("this model has no single output unit whose plane could be drawn")?;
        let (px, py) = (
            o.plane_x.unwrap_or(limits[0]),
            o.plane_y.unwrap_or(limits[1]),
        );
        limits[0] = [limits[0][0].min(px[0]), limits[0][1].max(px[1])];
        limits[1] = [limits[1][0].min(py[0]), limits[1][1].max(py[1])];
        Some(Plane {
            normal: w,
            offset: b,
            x: px,
            y: py,
            opacity: o.plane_opacity.unwrap_or(0.5),
        })
    } else {
        None
    };
    let [e, a] = panel.view.or(o.view).unwrap_or(DEFAULT_VIEW);
    let opts = Scatter3Options {
        view: View {
            elevation: e,
            azimuth: a,
        },
        labels: [
            o.common
                .x_label
                .clone()
                .unwrap_or_else(|| space.labels[0].clone()),
            o.common
                .y_label
                .clone()
                .unwrap_or_else(|| space.labels[1].clone()),
            o.z_label.clone().unwrap_or_else(|| space.labels[2].clone()),
        ],
        limits: Some(limits),
        plane,
        arrows,
        point_opacity: panel.opacity.or(o.opacity).unwrap_or(0.8),
        title: None,
        legend: true,
        size: 440,
    };
    scatter3d(&space.points, &r.data.class_of, classes, &opts, meta).map_err(|e| e.to_string())
}

/// The figure: one view, or the listed panels side by side. `regions` draws the 2-D decision
/// regions panel.
pub fn scatter_3d(
    r: &ExperimentResult,
    classes: &[Class],
    o: &Scatter3dOptions,
    meta: &Meta,
    regions: &dyn Fn(&Meta) -> Result<String, String>,
) -> Result<String, String> {
    let model = r.trained.as_ref().map(|t| &t.model);
    let space = if o.space.as_deref() == Some("hidden") {
        hidden_space(r, model.ok_or("`space: hidden` needs a trained model")?)?
    } else {
        input_space(r, model)?
    };
    let Some(panels) = &o.panels else {
        return view_svg(r, &space, classes, o, &PanelSpec::default(), meta);
    };
    let mut svgs = Vec::new();
    for (k, p) in panels.iter().enumerate() {
        let part = Meta {
            id: format!("{}-v{k}", meta.id),
            title: format!("{} (view {})", meta.title, k + 1),
            desc: String::new(),
        };
        svgs.push(Some(if p.regions {
            regions(&part)?
        } else {
            view_svg(r, &space, classes, o, p, &part)?
        }));
    }
    panel_grid(&svgs, svgs.len(), o.common.title.as_deref(), meta).map_err(|e| e.to_string())
}
