//! The show stage: from a block's `show:` entries and its experiment's results to what the
//! page shows. It computes each figure's data (grids of predictions, curves, worked passes),
//! has `figures` draw it, builds tables as data, and wraps both in the page markup.

mod activation;
mod captions;
mod diagram;
mod draw;
mod grid;
mod markup;
mod sweep;
mod tables;
mod three_d;
mod units;
mod worked;

use std::collections::BTreeMap;

use crate::content::Chapter;
use crate::diag::Diagnostic;
use crate::figures::Meta;
use crate::run::{self, Outcome};
use crate::spec::{Block, FigureKind, Options, Show, ShowKind, TableKind};

use activation::activation_curve;
use captions::{caption_of, default_title, describe, diagram_meta};
use diagram::diagram;
use draw::{draw, evolution};
pub use markup::{Animation, Markup};
use sweep::sweep;
use tables::{
    backprop_table, confusion_table, data_table, forward_table, metrics, runs, summary,
    weights_table,
};

/// One shown item, ready for the page: its files, and its markup for the theme to render.
#[derive(Debug, Clone)]
pub enum Shown {
    Figure {
        id: String,
        file: String,
        svg: String,
        markup: Markup,
        /// More files of the figure (an evolution's GIF), by path in the site.
        extra: Vec<(String, Vec<u8>)>,
    },
    Table {
        id: String,
        markup: Markup,
    },
    /// A figure or table that could not be made (e.g. a missing dataset).
    Notice {
        markup: Markup,
    },
}

impl Shown {
    /// The template and context that make the item's page markup.
    pub fn markup(&self) -> &Markup {
        match self {
            Shown::Figure { markup, .. }
            | Shown::Table { markup, .. }
            | Shown::Notice { markup } => markup,
        }
    }
}

/// Make one figure or table of a block; a figure whose text the bundled font cannot draw is
/// an error, since its snapshot and its look on machines without that glyph would differ.
pub fn make(
    ch: &Chapter,
    block: &Block,
    item: &Show,
    number: &str,
    outcomes: &BTreeMap<String, Outcome>,
    cache: &run::Cache,
) -> Result<Shown, Diagnostic> {
    if let Some(c) = &item.caption {
        crate::content::math::inline_html(&crate::content::caption_text(c)).map_err(|e| {
            Diagnostic::error(
                "E021",
                format!("cannot render math in the caption of `{}`: {e}", item.id),
            )
            .at(item.location.clone())
            .with_source(&ch.text)
            .hint("math in a caption is LaTeX between $…$, as in prose; write `\\$` for a literal dollar sign")
        })?;
    }
    let shown = make_item(ch, block, item, number, outcomes, cache)?;
    if let Shown::Figure { svg, .. } = &shown {
        let missing = crate::raster::missing_glyphs(svg);
        if !missing.is_empty() {
            let list: String = missing.iter().map(|c| format!(" `{c}`")).collect();
            return Err(Diagnostic::error(
                "E032",
                format!("`{}` has text the book's font cannot draw:{list}", item.id),
            )
            .at(item.location.clone())
            .with_source(&ch.text)
            .hint("figures are drawn with DejaVu Sans; use characters it has (Latin, Greek, Cyrillic, math symbols)"));
        }
    }
    Ok(shown)
}

fn make_item(
    ch: &Chapter,
    block: &Block,
    show: &Show,
    number: &str,
    outcomes: &BTreeMap<String, Outcome>,
    cache: &run::Cache,
) -> Result<Shown, Diagnostic> {
    let outcome = outcomes.get(&block.id);
    let fail = |msg: String| {
        Diagnostic::error("E031", format!("cannot draw `{}`: {msg}", show.id))
            .at(show.location.clone())
            .hint(format!(
                "the guide's figure kinds say what `{}` needs; choose another kind or change the experiment",
                show.what.name()
            ))
            .with_source(&ch.text)
    };
    if show.what == ShowKind::Figure(FigureKind::ActivationCurve) {
        let name = match &show.options {
            Options::ActivationCurve(o) => o.activation.map_or("linear", |a| a.name()),
            _ => "linear",
        };
        let meta = Meta {
            id: show.id.clone(),
            title: caption_of(show).unwrap_or_else(|| format!("The {name} activation")),
            desc: format!("The {name} activation function g(z) plotted against z."),
        };
        let svg = activation_curve(show, &meta).map_err(fail)?;
        return Ok(figure(ch, block, show, number, svg, &meta, Made::Nothing));
    }
    if let Options::NetworkDiagram(o) = &show.options
        && let Some(layers) = &o.layers
        && o.weights != Some(true)
        && o.heatmaps != Some(true)
    {
        let meta = diagram_meta(show, layers);
        let svg = diagram(show, o, layers.clone(), None).map_err(fail)?;
        return Ok(figure(ch, block, show, number, svg, &meta, Made::Nothing));
    }
    if let Options::Sweep(o) = &show.options {
        let runs = o.runs.clone().unwrap_or_default();
        let meta = Meta {
            id: show.id.clone(),
            title: caption_of(show).unwrap_or_else(|| format!("A sweep of {} runs", runs.len())),
            desc: format!(
                "Small multiples, one panel per experiment: {}.",
                runs.join(", ")
            ),
        };
        let svg = sweep(show, outcomes, &meta).map_err(fail)?;
        return Ok(figure(ch, block, show, number, svg, &meta, Made::Listed));
    }
    if let Options::Runs(o) = &show.options {
        let mut table = runs(o, outcomes).map_err(fail)?;
        let same = tables::drop_same_columns(&mut table);
        return Ok(Shown::Table {
            id: show.id.clone(),
            markup: markup::table(show, number, &table, &same),
        });
    }
    let result = match outcome {
        Some(Outcome::Done(r)) => r,
        Some(Outcome::Skipped { reason, help, .. }) => {
            return Ok(Shown::Notice {
                markup: markup::notice(show, number, reason, help),
            });
        }
        _ => {
            return Err(Diagnostic::error(
                "E030",
                format!("experiment `{}` has no result", block.id),
            )
            .at(show.location.clone()));
        }
    };
    match show.what {
        ShowKind::Figure(FigureKind::Evolution) => {
            let meta = Meta {
                id: show.id.clone(),
                title: caption_of(show)
                    .unwrap_or_else(|| default_title(FigureKind::Evolution, &block.id)),
                desc: describe(FigureKind::Evolution, block, result),
            };
            let (svg, gif, anim) = evolution(show, result, &meta, cache).map_err(fail)?;
            let mut shown = figure(ch, block, show, number, svg, &meta, Made::of(result));
            if let Shown::Figure {
                extra,
                markup: m,
                svg,
                ..
            } = &mut shown
            {
                *m = markup::animated(m.clone(), show, svg, anim);
                if let Some(gif) = gif {
                    extra.push((format!("figures/{}.gif", show.id), gif));
                }
            }
            Ok(shown)
        }
        ShowKind::Figure(kind) => {
            let meta = Meta {
                id: show.id.clone(),
                title: caption_of(show).unwrap_or_else(|| default_title(kind, &block.id)),
                desc: describe(kind, block, result),
            };
            let svg = draw(show, result, &meta).map_err(fail)?;
            Ok(figure(
                ch,
                block,
                show,
                number,
                svg,
                &meta,
                Made::of(result),
            ))
        }
        ShowKind::Table(kind) => {
            let table = match (&show.options, kind) {
                (Options::ForwardPass(o), _) => forward_table(o, result).map_err(fail)?,
                (Options::Backprop(o), _) => backprop_table(o, result).map_err(fail)?,
                (Options::Weights(o), _) => weights_table(o, result),
                (_, TableKind::Summary) => summary(result),
                (_, TableKind::Data) => data_table(result),
                (_, TableKind::Metrics) => metrics(result),
                (_, TableKind::Confusion) => confusion_table(result).map_err(fail)?,
                _ => None,
            }
            .ok_or_else(|| {
                fail(match kind {
                    TableKind::Data => "a data table shows at most 100 rows".into(),
                    _ => "this table needs a trained model".into(),
                })
            })?;
            Ok(Shown::Table {
                id: show.id.clone(),
                markup: markup::table(show, number, &table, ""),
            })
        }
    }
}

/// How a figure's model came to be, for the line under it that says how it was made.
#[derive(Clone, Copy)]
pub(super) enum Made {
    /// Trained by the engine at build time.
    Trained,
    /// Weights given in the block or loaded from a file: drawn, not trained.
    Untrained,
    /// No model: the block's data, an activation function or a layer list.
    Nothing,
    /// From the experiments a sweep lists.
    Listed,
}

impl Made {
    fn of(result: &run::ExperimentResult) -> Made {
        match &result.trained {
            None => Made::Nothing,
            Some(t) if !t.trained_here() => Made::Untrained,
            Some(_) => Made::Trained,
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Made::Trained => "trained",
            Made::Untrained => "untrained",
            Made::Nothing => "nothing",
            Made::Listed => "listed",
        }
    }
}

/// A drawn figure with its page markup.
fn figure(
    ch: &Chapter,
    block: &Block,
    show: &Show,
    number: &str,
    svg: String,
    meta: &Meta,
    made: Made,
) -> Shown {
    let file = format!("figures/{}.svg", show.id);
    // Small multiples whose panels stand alone (a sweep, views side by side, variants) reach
    // the page as one image per panel, which the page lays out: side by side where there is
    // room, one under another on a phone, each drawn at a size its text can be read at.
    let panels = match show.what {
        ShowKind::Figure(
            FigureKind::Sweep | FigureKind::Scatter3d | FigureKind::ActivationCurve,
        ) => crate::figures::split_panels(&svg).filter(|p| p.len() > 1),
        _ => None,
    };
    let extra: Vec<(String, Vec<u8>)> = panels
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(k, p)| (format!("figures/{}/{}.svg", show.id, k + 1), p.into_bytes()))
        .collect();
    let markup = markup::figure(ch, block, show, number, &file, &svg, &extra, meta, made);
    Shown::Figure {
        id: show.id.clone(),
        file,
        svg,
        markup,
        extra,
    }
}

/// The figures of a block that the reader's browser redraws after retraining (see
/// crates/live's `draw`), each with the title and description the build gives it; the
/// block's other figures stay as published.
pub fn live_figures(block: &Block, result: &run::ExperimentResult) -> nnbook_live::draw::Figures {
    let items = block
        .show
        .iter()
        .filter_map(|show| {
            let ShowKind::Figure(kind) = show.what else {
                return None;
            };
            let live = draw::live_kind(show, result, Some(&block.id))?.ok()?;
            Some(nnbook_live::draw::Figure {
                id: show.id.clone(),
                title: caption_of(show).unwrap_or_else(|| default_title(kind, &block.id)),
                desc: describe(kind, block, result),
                kind: live,
            })
        })
        .collect();
    nnbook_live::draw::Figures {
        classes: result.data.classes.clone(),
        class_of: result.data.class_of.clone(),
        items,
    }
}
