//! Progress on a terminal (never in CI logs, pipes or redirected output): a bar of finished experiments and one
//! line per experiment in training with its epoch and loss. Builds that finish within a moment
//! are done before anything is drawn.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The bars of one build.
pub struct Progress {
    multi: MultiProgress,
    total: ProgressBar,
}

impl Progress {
    /// Bars for `len` experiments.
    pub fn new(len: usize) -> Self {
        use std::io::IsTerminal;
        // Bars go to stderr; none when either stream is redirected (CI logs, pipes).
        let target = if std::io::stderr().is_terminal() && std::io::stdout().is_terminal() {
            ProgressDrawTarget::stderr_with_hz(4)
        } else {
            ProgressDrawTarget::hidden()
        };
        let multi = MultiProgress::with_draw_target(target);
        let total = multi.add(ProgressBar::new(len as u64));
        if let Ok(style) =
            ProgressStyle::with_template("{bar:30} {pos}/{len} experiments  {elapsed}")
        {
            total.set_style(style);
        }
        Progress { multi, total }
    }

    /// A line for one experiment's epochs.
    pub fn training(&self, id: &str, epochs: usize) -> ProgressBar {
        let bar = self
            .multi
            .insert_before(&self.total, ProgressBar::new(epochs as u64));
        if let Ok(style) =
            ProgressStyle::with_template("  {prefix:24} epoch {pos}/{len}  loss {msg}")
        {
            bar.set_style(style);
        }
        bar.set_prefix(id.to_string());
        bar
    }

    /// One experiment finished.
    pub fn done(&self) {
        self.total.inc(1);
    }

    /// Remove the bars.
    pub fn finish(&self) {
        self.total.finish_and_clear();
        let _ = self.multi.clear();
    }
}
