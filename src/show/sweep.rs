//! Figures over several experiments: small multiples of a sweep, and every run's boundary
//! overlaid; with the look-ups of listed runs that the runs table shares.

use std::collections::BTreeMap;

use crate::figures::{self, Meta};
use crate::run::{self, ExperimentResult, Outcome};
use crate::spec::{FigureKind, Options, Show, ShowKind, SweepOptions};

use super::captions::activation_label;
use super::draw::{classes, draw, extent, points2};
use super::grid::probability_field;

/// One panel per listed experiment, each drawn as `of` with the figure's options and titled
/// with what distinguishes the run (hidden activation and learning rate).
pub(super) fn sweep(
    show: &Show,
    outcomes: &BTreeMap<String, Outcome>,
    meta: &Meta,
) -> Result<String, String> {
    let Options::Sweep(o) = &show.options else {
        return Err(format!("`{}` is not a sweep", show.what.name()));
    };
    let kind = o.of.unwrap_or(FigureKind::DecisionRegions);
    let ids = o.runs.clone().unwrap_or_default();
    if o.overlay == Some(true) {
        return sweep_overlay(&ids, o, outcomes, meta);
    }
    let mut panels = Vec::new();
    let mut keys = Vec::new();
    for (k, id) in ids.iter().enumerate() {
        let Outcome::Done(r) = listed(id, outcomes)? else {
            return Err(format!("experiment `{id}` did not run"));
        };
        let t = trained_run(id, r)?;
        let hidden = hidden_layers(&t.model);
        // A model not trained here (weights given or loaded) has no learning rate to name.
        let title = match (hidden.is_empty(), t.trained_here()) {
            (true, true) => format!("lr {}", t.train.optimizer.lr()),
            (false, true) => format!("{} · lr {}", hidden.join(", "), t.train.optimizer.lr()),
            (true, false) => "no hidden layer".into(),
            (false, false) => hidden.join(", "),
        };
        let part = Show {
            what: ShowKind::Figure(kind),
            options: o.panel(title),
            ..show.clone()
        };
        let part_meta = Meta {
            id: format!("{}-{k}", meta.id),
            title: id.clone(),
            desc: String::new(),
        };
        // Each panel's legend is held back: panels that share their classes or series get
        // one key for the whole grid instead of one per panel, some on data, some under it.
        let (svg, held) = figures::legends_held(|| draw(&part, r, &part_meta));
        panels.push((part, r, part_meta, svg?));
        keys.push(held.concat());
    }
    let columns = o.columns.unwrap_or(3).min(panels.len().max(1));
    let shared = keys.windows(2).all(|w| w[0] == w[1]);
    let (drawn, key) = if shared {
        let key = keys.into_iter().next().unwrap_or_default();
        (panels.into_iter().map(|p| Some(p.3)).collect(), key)
    } else {
        // Panels with different legends keep their own.
        let drawn = panels
            .iter()
            .map(|(part, r, part_meta, _)| draw(part, r, part_meta).map(Some))
            .collect::<Result<Vec<_>, String>>()?;
        (drawn, Vec::new())
    };
    figures::panel_grid_keyed(&drawn, columns, o.common.title.as_deref(), &key, meta)
        .map_err(|e| e.to_string())
}

/// Every listed run's final p = 0.5 boundary in one panel (seed spread, for example), over the
/// first run's data.
pub(super) fn sweep_overlay(
    ids: &[String],
    o: &SweepOptions,
    outcomes: &BTreeMap<String, Outcome>,
    meta: &Meta,
) -> Result<String, String> {
    let mut fields = Vec::new();
    let mut first: Option<&ExperimentResult> = None;
    for (k, id) in ids.iter().enumerate() {
        let Outcome::Done(r) = listed(id, outcomes)? else {
            return Err(format!("experiment `{id}` did not run"));
        };
        let t = trained_run(id, r)?;
        let pts = points2(r)?;
        let (x, y) = (
            o.common.x.unwrap_or_else(|| extent(&pts, 0)),
            o.common.y.unwrap_or_else(|| extent(&pts, 1)),
        );
        fields.push((
            k + 1,
            probability_field(&t.model, x, y, o.grid.unwrap_or(150))?,
        ));
        first.get_or_insert(r);
    }
    let r = first.ok_or("an overlay needs at least one run")?;
    let opts = super::draw::mesh_options(&o.common);
    figures::boundary_history(
        &fields,
        &points2(r)?,
        &r.data.class_of,
        &classes(r),
        &opts,
        meta,
        "run",
    )
    .map_err(|e| e.to_string())
}

/// The outcome of an experiment a sweep or runs table lists (an unknown id gets a suggestion).
pub(super) fn listed<'a>(
    id: &str,
    outcomes: &'a BTreeMap<String, Outcome>,
) -> Result<&'a Outcome, String> {
    outcomes.get(id).ok_or_else(|| {
        let known: Vec<&str> = outcomes.keys().map(String::as_str).collect();
        format!(
            "no experiment `{id}`{}",
            crate::diag::suggest(id, known)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default()
        )
    })
}

pub(super) fn trained_run<'a>(
    id: &str,
    r: &'a ExperimentResult,
) -> Result<&'a run::Trained, String> {
    r.trained
        .as_ref()
        .ok_or_else(|| format!("experiment `{id}` trains no model"))
}

/// "10 ReLU" for each hidden layer.
pub(super) fn hidden_layers(model: &crate::engine::Model) -> Vec<String> {
    model.layers[..model.layers.len().saturating_sub(1)]
        .iter()
        .map(|l| format!("{} {}", l.w.ncols(), activation_label(l.activation)))
        .collect()
}
