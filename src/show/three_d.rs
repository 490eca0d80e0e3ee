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

/// The weight arrows a view draws, scaled.
fn arrows_of(space: &Space, o: &Scatter3dOptions, panel: &PanelSpec) -> Vec<Arrow3> {
    if panel.weight_arrows.or(o.weight_arrows) != Some(true) {
        return Vec::new();
    }
    let scale = o.arrow_scale.unwrap_or(1.0);
    space
        .arrows
        .iter()
        .map(|(w, label)| Arrow3 {
            from: [0.0; 3],
            to: w.map(|v| v * scale),
            label: Some(label.clone()),
        })
        .collect()
}

fn plane_on(o: &Scatter3dOptions, panel: &PanelSpec) -> bool {
    panel.plane.or(o.plane) == Some(true)
}

/// One range per axis for all the 3-D views of a figure: the points with a margin, grown to
/// hold every view's arrows and plane, so that views of the same points are drawn to the
/// same scale (a view without the plane does not zoom in on the points).
fn shared_limits(space: &Space, o: &Scatter3dOptions, views: &[&PanelSpec]) -> [[f64; 2]; 3] {
    let mut limits = [0, 1, 2].map(|k| extent(&space.points, k));
    let mut grow = |k: usize, lo: f64, hi: f64| {
        limits[k] = [limits[k][0].min(lo), limits[k][1].max(hi)];
    };
    for panel in views {
        for a in arrows_of(space, o, panel) {
            for k in 0..3 {
                grow(k, a.from[k].min(a.to[k]), a.from[k].max(a.to[k]));
            }
        }
        if plane_on(o, panel) {
            if let Some([lo, hi]) = o.plane_x {
                grow(0, lo, hi);
            }
            if let Some([lo, hi]) = o.plane_y {
                grow(1, lo, hi);
            }
        }
    }
    limits
}

/// One 3-D view of the space with the panel's settings over the figure's.
fn view_svg(
    r: &ExperimentResult,
    space: &Space,
    classes: &[Class],
    (o, panel): (&Scatter3dOptions, &PanelSpec),
    limits: [[f64; 2]; 3],
    meta: &Meta,
) -> Result<String, String> {
    let plane = if plane_on(o, panel) {
        let (w, b) = space
            .plane
            .ok_or("this model has no single output unit whose plane could be drawn")?;
        Some(Plane {
            normal: w,
            offset: b,
            x: o.plane_x.unwrap_or(limits[0]),
            y: o.plane_y.unwrap_or(limits[1]),
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
        arrows: arrows_of(space, o, panel),
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
        let one = PanelSpec::default();
        let limits = shared_limits(&space, o, &[&one]);
        return view_svg(r, &space, classes, (o, &one), limits, meta);
    };
    let views: Vec<&PanelSpec> = panels.iter().filter(|p| !p.regions).collect();
    let limits = shared_limits(&space, o, &views);
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
            view_svg(r, &space, classes, (o, p), limits, &part)?
        }));
    }
    panel_grid(&svgs, svgs.len(), o.common.title.as_deref(), meta).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bagheri's Fig 25: the plane on the left, the arrows on the right. Both views get the
    /// plane's range and the arrows' reach, not each its own.
    #[test]
    fn views_of_the_same_points_share_their_ranges() {
        let space = Space {
            points: vec![[0.0, 0.0, 0.0], [1.0, 0.5, -1.0]],
            labels: ["a1", "a2", "a3"].map(String::from),
            plane: Some(([1.0, 1.0, 1.0], 0.0)),
            arrows: vec![([0.5, 3.0, 0.0], "v1".into())],
        };
        let o = Scatter3dOptions {
            plane: Some(true),
            plane_x: Some([-3.0, 4.0]),
            plane_y: Some([-3.0, 4.0]),
            arrow_scale: Some(1.1),
            ..Default::default()
        };
        let left = PanelSpec::default();
        let right = PanelSpec {
            plane: Some(false),
            weight_arrows: Some(true),
            ..Default::default()
        };
        let both = shared_limits(&space, &o, &[&left, &right]);
        assert_eq!(both[0], [-3.0, 4.0]);
        assert_eq!(both[1], [-3.0, 4.0]);
        // The points span 1 in a3: 5 % of it on each side.
        let pad = 0.05;
        assert_eq!(both[2], [-1.0 - pad, 0.0 + pad]);
        // Alone, the right view would have zoomed in on the points and the arrow.
        let alone = shared_limits(&space, &o, &[&right]);
        assert!(
            (alone[1][1] - 3.3).abs() < 1e-12 && alone[0][0] > -1.0,
            "{alone:?}"
        );
    }
}
