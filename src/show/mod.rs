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

use crate::content::{Chapter, escape};
use crate::diag::Diagnostic;
use crate::figures::Meta;
use crate::run::{self, Outcome};
use crate::spec::{Block, FigureKind, Show, ShowKind, TableKind};

use activation::activation_curve;
use captions::{caption_of, default_title, describe, diagram_meta};
use diagram::diagram;
use draw::{draw, evolution};
use markup::{figure_html, table_html};
use sweep::sweep;
use tables::{
    backprop_table, confusion_table, data_table, forward_table, metrics, runs, summary,
    weights_table,
};

/// One shown item, ready for the page.
#[derive(Debug, Clone)]
pub enum Shown {
    Figure {
        id: String,
        file: String,
        svg: String,
        html: String,
        /// More files of the figure (an evolution's GIF), by path in the site.
        extra: Vec<(String, Vec<u8>)>,
    },
    Table {
        id: String,
        html: String,
    },
    /// A figure or table that could not be made (e.g. a missing dataset).
    Notice {
        html: String,
    },
}

impl Shown {
    /// The HTML placed in the page.
    pub fn html(&self) -> String {
        match self {
            Shown::Figure { html, .. } | Shown::Table { html, .. } | Shown::Notice { html } => {
                html.clone()
            }
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
        let name = show.options.activation.map_or("linear", |a| a.name());
        let meta = Meta {
            id: show.id.clone(),
            title: caption_of(show).unwrap_or_else(|| format!("The {name} activation")),
            desc: format!("The {name} activation function g(z) plotted against z."),
        };
        let svg = activation_curve(show, &meta).map_err(fail)?;
        return Ok(figure(ch, block, show, number, svg, &meta));
    }
    let o = &show.options;
    if show.what == ShowKind::Figure(FigureKind::NetworkDiagram)
        && o.layers.is_some()
        && o.weights != Some(true)
        && o.heatmaps != Some(true)
    {
        let meta = diagram_meta(show, o.layers.as_deref().unwrap_or(&[]));
        let svg = diagram(show, o.layers.clone().unwrap_or_default(), None).map_err(fail)?;
        return Ok(figure(ch, block, show, number, svg, &meta));
    }
    if show.what == ShowKind::Figure(FigureKind::Sweep) {
        let meta = Meta {
            id: show.id.clone(),
            title: caption_of(show).unwrap_or_else(|| {
                format!(
                    "A sweep of {} runs",
                    show.options.runs.as_ref().map_or(0, Vec::len)
                )
            }),
            desc: format!(
                "Small multiples, one panel per experiment: {}.",
                show.options.runs.clone().unwrap_or_default().join(", ")
            ),
        };
        let svg = sweep(show, outcomes, &meta).map_err(fail)?;
        return Ok(figure(ch, block, show, number, svg, &meta));
    }
    if show.what == ShowKind::Table(TableKind::Runs) {
        let table = runs(show, outcomes).map_err(fail)?;
        return Ok(Shown::Table {
            id: show.id.clone(),
            html: table_html(show, number, &table),
        });
    }
    let result = match outcome {
        Some(Outcome::Done(r)) => r,
        Some(Outcome::Skipped { reason, help, .. }) => {
            return Ok(Shown::Notice {
                html: format!(
                    "<div class=\"nn-notice\" id=\"{}\" role=\"note\"><p><strong>{} not shown:</strong> {}</p><p>{}</p></div>\n",
                    escape(&show.id),
                    escape(number),
                    escape(reason),
                    escape(help)
                ),
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
            let (svg, gif) = evolution(show, result, &meta, cache).map_err(fail)?;
            let mut shown = figure(ch, block, show, number, svg, &meta);
            if let Shown::Figure { extra, .. } = &mut shown
                && let Some(gif) = gif
            {
                extra.push((format!("figures/{}.gif", show.id), gif));
            }
            Ok(shown)
        }
        ShowKind::Figure(kind) => {
            let meta = Meta {
                id: show.id.clone(),
                title: caption_of(show).unwrap_or_else(|| default_title(kind, &block.id)),
                desc: describe(kind, block, result),
            };
            let svg = draw(kind, show, result, &meta).map_err(fail)?;
            Ok(figure(ch, block, show, number, svg, &meta))
        }
        ShowKind::Table(kind) => {
            let table = match kind {
                TableKind::Summary => summary(result),
                TableKind::Data => data_table(result),
                TableKind::Metrics => metrics(result),
                TableKind::Runs => None,
                TableKind::ForwardPass => forward_table(show, result).map_err(fail)?,
                TableKind::Backprop => backprop_table(show, result).map_err(fail)?,
                TableKind::Weights => weights_table(show, result),
                TableKind::Confusion => confusion_table(result).map_err(fail)?,
            }
            .ok_or_else(|| {
                fail(match kind {
                    TableKind::Data => "a data table shows at most 100 rows".into(),
                    _ => "this table needs a trained model".into(),
                })
            })?;
            Ok(Shown::Table {
                id: show.id.clone(),
                html: table_html(show, number, &table),
            })
        }
    }
}

/// A drawn figure with its page HTML.
fn figure(
    ch: &Chapter,
    block: &Block,
    show: &Show,
    number: &str,
    svg: String,
    meta: &Meta,
) -> Shown {
    let file = format!("figures/{}.svg", show.id);
    let html = figure_html(ch, block, show, number, &file, &svg, meta);
    Shown::Figure {
        id: show.id.clone(),
        file,
        svg,
        html,
        extra: Vec::new(),
    }
}
