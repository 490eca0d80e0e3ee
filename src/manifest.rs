//! `site/manifest.json`: what the build made — chapters, experiments with their final metrics,
//! figures and tables — with no timings, so it is as deterministic as the site.

use serde::Serialize;

use crate::content::Chapter;
use crate::diag::display_path;
use crate::run::Outcome;
use crate::spec::Show;

/// The manifest, filled while the site is built.
#[derive(Debug, Serialize)]
pub struct Manifest {
    nnbook_version: &'static str,
    engine_version: &'static str,
    chapters: Vec<ChapterEntry>,
    experiments: Vec<ExperimentEntry>,
    figures: Vec<FigureEntry>,
    tables: Vec<TableEntry>,
    equations: Vec<EquationEntry>,
}

/// A labelled equation with its LaTeX source.
#[derive(Debug, Serialize)]
struct EquationEntry {
    id: String,
    number: String,
    chapter: String,
    latex: String,
}

#[derive(Debug, Serialize)]
struct ChapterEntry {
    number: usize,
    source: String,
    title: String,
    page: String,
}

#[derive(Debug, Serialize)]
struct ExperimentEntry {
    id: String,
    chapter: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    epochs_run: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stopped_by_threshold: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameters: Option<usize>,
    /// Final logged metrics (loss, accuracy, mse), by name in a fixed order.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    final_metrics: std::collections::BTreeMap<String, f64>,
}

#[derive(Debug, Serialize)]
struct FigureEntry {
    id: String,
    label: String,
    number: String,
    kind: &'static str,
    experiment: String,
    /// `ok`, or `skipped` when its experiment was (no file then).
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    bytes: usize,
    /// More files of the figure (an evolution's GIF) and their sizes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    also: Vec<AlsoFile>,
}

#[derive(Debug, Serialize)]
struct AlsoFile {
    file: String,
    bytes: usize,
}

#[derive(Debug, Serialize)]
struct TableEntry {
    id: String,
    label: String,
    number: String,
    kind: &'static str,
    experiment: String,
    status: &'static str,
}

impl Manifest {
    /// A manifest listing the book's chapters.
    pub fn new(chapters: &[Chapter]) -> Self {
        Manifest {
            nnbook_version: crate::VERSION,
            engine_version: crate::engine::VERSION,
            chapters: chapters
                .iter()
                .map(|c| ChapterEntry {
                    number: c.number,
                    source: display_path(&c.source),
                    title: c.title.clone(),
                    page: c.page.clone(),
                })
                .collect(),
            experiments: Vec::new(),
            figures: Vec::new(),
            tables: Vec::new(),
            // Numbered as the build's labels are: chapter.k in order.
            equations: chapters
                .iter()
                .flat_map(|c| {
                    c.equations.iter().enumerate().map(|(k, e)| EquationEntry {
                        id: e.id.clone(),
                        number: format!("Equation {}.{}", c.number, k + 1),
                        chapter: display_path(&c.source),
                        latex: e.latex.clone(),
                    })
                })
                .collect(),
        }
    }

    /// Record an experiment's outcome.
    pub fn add_experiment(&mut self, id: &str, chapter: &std::path::Path, outcome: &Outcome) {
        let mut e = ExperimentEntry {
            id: id.to_string(),
            chapter: display_path(chapter),
            status: "ok",
            reason: None,
            epochs_run: None,
            stopped_by_threshold: None,
            parameters: None,
            final_metrics: Default::default(),
        };
        match outcome {
            Outcome::Done(r) => {
                if let Some(t) = &r.trained {
                    e.epochs_run = Some(t.history.epochs_run);
                    e.stopped_by_threshold = Some(t.history.stopped_by_threshold);
                    e.parameters = Some(t.model.param_count());
                    e.final_metrics = t.final_metrics();
                }
            }
            Outcome::Cached(f) => {
                if let Some(t) = &f.trained {
                    e.epochs_run = Some(t.epochs_run);
                    e.stopped_by_threshold = Some(t.stopped_by_threshold);
                    e.parameters = Some(t.params);
                    e.final_metrics = t.final_metrics.clone();
                }
            }
            Outcome::Skipped { reason, .. } => {
                e.status = "skipped";
                e.reason = Some(reason.clone());
            }
            Outcome::Failed(d) => {
                e.status = "failed";
                e.reason = Some(d.message.clone());
            }
        }
        self.experiments.push(e);
    }

    /// Record a figure written to `file` (None: skipped with its experiment).
    pub fn add_figure(
        &mut self,
        show: &Show,
        number: &str,
        experiment: &str,
        file: Option<&str>,
        bytes: usize,
    ) {
        self.figures.push(FigureEntry {
            id: show.id.clone(),
            label: show.id.clone(),
            number: number.to_string(),
            kind: show.what.name(),
            experiment: experiment.to_string(),
            status: if file.is_some() { "ok" } else { "skipped" },
            file: file.map(str::to_string),
            bytes,
            also: Vec::new(),
        });
    }

    /// Record another file of figure `id` (e.g. its GIF).
    pub fn add_file(&mut self, id: &str, file: &str, bytes: usize) {
        if let Some(f) = self.figures.iter_mut().rev().find(|f| f.id == id) {
            f.also.push(AlsoFile {
                file: file.to_string(),
                bytes,
            });
        }
    }

    /// Record a table (skipped when its experiment was).
    pub fn add_table(&mut self, show: &Show, number: &str, experiment: &str, skipped: bool) {
        self.tables.push(TableEntry {
            id: show.id.clone(),
            label: show.id.clone(),
            number: number.to_string(),
            kind: show.what.name(),
            experiment: experiment.to_string(),
            status: if skipped { "skipped" } else { "ok" },
        });
    }

    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        s.push('\n');
        s
    }
}
