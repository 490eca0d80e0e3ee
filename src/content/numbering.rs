//! Numbering: every figure, table and numbered equation gets its label ("Figure 2.3"), in book
//! order, before any chapter is rendered, so a cross-reference can point forward.

use std::collections::BTreeMap;

use super::{Chapter, Label, Labels};
use crate::diag::{Diagnostic, Location, did_you_mean, display_path};
use crate::spec::{Options, ShowKind, needs_history};

/// Give every figure and table a number ("Figure 2.3") and check ids: experiment ids unique,
/// `use:` naming a known experiment, show ids unique across the book.
pub fn collect_labels(chapters: &[Chapter]) -> Result<Labels, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut experiments: BTreeMap<&str, &Location> = BTreeMap::new();
    // Experiments whose model is loaded from a file: they have no training to show.
    let mut loaded: Vec<&str> = Vec::new();
    let blocks = chapters
        .iter()
        .flat_map(|c| c.blocks.iter().map(move |b| (c, b)));
    for (ch, block) in blocks.filter(|(_, b)| !b.uses) {
        let model = block.experiment.as_ref().and_then(|e| e.model.as_ref());
        if model.is_some_and(|m| m.load.is_some()) {
            loaded.push(&block.id);
        }
        if let Some(first) = experiments.insert(&block.id, &block.location) {
            errors.push(
                Diagnostic::error("E015", format!("duplicate experiment id `{}`", block.id))
                    .at(block.location.clone())
                    .with_source(&ch.text)
                    .hint(format!(
                        "`{}` is already defined at {}",
                        block.id,
                        location_text(first)
                    )),
            );
        }
    }
    let known: Vec<&str> = experiments.keys().copied().collect();
    let mut labels = Labels::new();
    for ch in chapters {
        for (k, eq) in ch.equations.iter().enumerate() {
            let label = Label {
                page: ch.page.clone(),
                anchor: eq.id.clone(),
                text: format!("Equation {}.{}", ch.number, k + 1),
            };
            if labels.insert(eq.id.clone(), label).is_some() {
                errors.push(
                    Diagnostic::error("E015", format!("duplicate label `{}`", eq.id))
                        .at(eq.location.clone())
                        .with_source(&ch.text)
                        .hint("give this equation a label of its own"),
                );
            }
        }
        let (mut fig, mut tab) = (0, 0);
        for block in &ch.blocks {
            if block.uses && !experiments.contains_key(block.id.as_str()) {
                errors.push(
                    Diagnostic::error(
                        "E016",
                        format!("`use:` names an unknown experiment `{}`", block.id),
                    )
                    .at(block.location.clone())
                    .with_source(&ch.text)
                    .hint(did_you_mean(&block.id, &known)),
                );
            }
            for show in &block.show {
                if block.uses && needs_history(show.what) && loaded.contains(&block.id.as_str()) {
                    errors.push(
                        Diagnostic::error(
                            "E013",
                            format!(
                                "`{}` shows training, and `{}` loads its model from a file",
                                show.what.name(),
                                block.id
                            ),
                        )
                        .at(show.location.clone())
                        .with_source(&ch.text)
                        .hint("show what the weights do instead: decision-regions, probability-mesh, network-diagram, the weights or summary table"),
                    );
                }
                // A runs table reports training (optimizer, epochs, final loss): a loaded model
                // has none, so listing one is refused like its training curve.
                if let Options::Runs(o) = &show.options
                    && let Some(id) = o
                        .runs
                        .iter()
                        .flatten()
                        .find(|id| loaded.contains(&id.as_str()))
                {
                    errors.push(
                        Diagnostic::error(
                            "E013",
                            format!("a runs table shows training, and `{id}` loads its model from a file"),
                        )
                        .at(show.location.clone())
                        .with_source(&ch.text)
                        .hint("leave it out of `runs:`; a weights or summary table shows a loaded model"),
                    );
                }
                let text = match show.what {
                    ShowKind::Figure(_) => {
                        fig += 1;
                        format!("Figure {}.{fig}", ch.number)
                    }
                    ShowKind::Table(_) => {
                        tab += 1;
                        format!("Table {}.{tab}", ch.number)
                    }
                };
                let label = Label {
                    page: ch.page.clone(),
                    anchor: show.id.clone(),
                    text,
                };
                if labels.insert(show.id.clone(), label).is_some() {
                    errors.push(
                        Diagnostic::error(
                            "E015",
                            format!("duplicate figure or table id `{}`", show.id),
                        )
                        .at(show.location.clone())
                        .with_source(&ch.text)
                        .hint("give this figure its own `id:`"),
                    );
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(labels)
    } else {
        Err(errors)
    }
}

fn location_text(l: &Location) -> String {
    format!("{}:{}", display_path(&l.file), l.line)
}
