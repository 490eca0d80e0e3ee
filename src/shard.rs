//! Sharded builds (`--shard K/N`): split the book's trained experiments into N shards of about
//! equal estimated work, so N CI runners can each train one shard into a cache folder of their
//! own; merging the folders (copying files) lets a plain build train nothing.
//!
//! The partition depends only on the book's sources (blocks, CSV files), never on the machine
//! or on which datasets it has, so every runner computes the same one.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::config::Config;
use crate::content::Chapter;
use crate::datasets::{Resolution, Role};
use crate::diag::Diagnostic;
use crate::run::{self, Outcome};
use crate::spec::{Block, Experiment};

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

/// More shards than this is no longer a CI matrix but a mistake.
pub const MAX_SHARDS: usize = 256;

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let usage = "write the shard as K/N with 1 ≤ K ≤ N, e.g. `--shard 2/4`";
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}` is not K/N; {usage}"))?;
        let number = |part: &str, what: &str| {
            part.trim()
                .parse::<usize>()
                .map_err(|_| format!("{what} `{part}` is not a whole number; {usage}"))
        };
        let (index, count) = (number(k, "K")?, number(n, "N")?);
        if count == 0 || count > MAX_SHARDS {
            return Err(format!("N must be 1 to {MAX_SHARDS}, not {count}; {usage}"));
        }
        if index == 0 || index > count {
            return Err(format!(
                "shard {index} of {count} does not exist (shards are numbered 1 to {count}); {usage}"
            ));
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// One thing a single runner trains: an experiment with the `use:` blocks that show it (they
/// read its result, so they belong where it is trained).
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub id: String,
    /// Estimated parameters × samples × epochs ([`run::estimate`]).
    pub work: f64,
}

/// The experiments a build caches (a model with training settings), with their estimated work.
/// Data-only and fixed-weight blocks train nothing, so no shard needs them.
pub fn units(chapters: &[Chapter], sources: &Resolution, data_dirs: &[PathBuf]) -> Vec<Unit> {
    chapters
        .iter()
        .flat_map(|c| &c.blocks)
        .filter(|b| !b.uses)
        .filter_map(|b| {
            let exp = b.experiment.as_ref()?;
            exp.train.as_ref()?;
            let model = exp.model.as_ref()?;
            let (samples, inputs) = shape(b, exp, sources, data_dirs);
            let mut layers: Vec<usize> = model.layers.iter().map(|l| l.units).collect();
            if layers.is_empty() {
                // A classic model: one linear unit.
                layers.push(1);
            }
            let train = exp.train.as_ref()?;
            let cost = run::estimate(inputs, &layers, samples, train.batch, train.epochs);
            Some(Unit {
                id: b.id.clone(),
                work: cost.work,
            })
        })
        .collect()
}

/// Rows and features of an experiment's data, known without reading MNIST (whose files a
/// runner may not have: the partition must not depend on them).
fn shape(
    block: &Block,
    exp: &Experiment,
    sources: &Resolution,
    dirs: &[PathBuf],
) -> (usize, usize) {
    if exp.data.is_mnist() {
        // The published sizes of the two splits.
        let total: usize = match exp.data.split.as_deref() {
            Some("test") => 10_000,
            _ => 60_000,
        };
        let rows = total.saturating_sub(exp.data.offset);
        return (exp.data.limit.map_or(rows, |l| l.min(rows)), 28 * 28);
    }
    // Generated data is cheap to make, CSV data was read by `locate`: prepare it as a build
    // does. Data that cannot be prepared fails in whichever shard gets it.
    run::prepare_data(
        &exp.data,
        sources.get(&block.id, Role::Data),
        exp.model.as_ref(),
        exp.train.as_ref(),
        dirs,
    )
    .map_or((0, 0), |d| (d.x.nrows(), d.x.ncols()))
}

/// Split `units` into `count` shards: longest processing time first, each to the shard with
/// the least work so far (ties: the lower shard; equal work: by id). Deterministic.
pub fn partition(units: &[Unit], count: usize) -> Vec<Vec<&Unit>> {
    let mut order: Vec<&Unit> = units.iter().collect();
    order.sort_by(|a, b| b.work.total_cmp(&a.work).then_with(|| a.id.cmp(&b.id)));
    let mut shards: Vec<(f64, Vec<&Unit>)> = vec![(0.0, Vec::new()); count.max(1)];
    for unit in order {
        let lightest = shards
            .iter()
            .enumerate()
            .min_by(|(i, a), (j, b)| a.0.total_cmp(&b.0).then(i.cmp(j)))
            .map_or(0, |(i, _)| i);
        shards[lightest].0 += unit.work;
        shards[lightest].1.push(unit);
    }
    shards.into_iter().map(|(_, s)| s).collect()
}

/// What a shard build did.
#[derive(Debug, Clone)]
pub struct ShardReport {
    pub cache_dir: PathBuf,
    /// Experiments of this shard, by id.
    pub experiments: Vec<String>,
    /// Of those, already in the cache.
    pub cached: usize,
    pub skipped: usize,
    /// Experiments in the whole book.
    pub total: usize,
    pub warnings: Vec<Diagnostic>,
}

/// Train shard `shard` of the book into its cache. Writes cache entries and nothing else: no
/// site, so there is never half a site, and nothing that nnbook did not write is touched.
pub fn train(
    opts: &crate::pipeline::BuildOptions,
    shard: Shard,
) -> Result<ShardReport, Vec<Diagnostic>> {
    let root = &opts.root;
    let config = Config::load(root).map_err(|d| vec![d])?;
    crate::pipeline::check_folders(root, &config).map_err(|d| vec![d])?;
    let chapters = crate::content::load_chapters(root, &config)?;
    let sources =
        crate::datasets::locate(root, &config, &chapters, config.download || opts.download)?;
    let data_dirs: Vec<PathBuf> = crate::datasets::data_dirs(root, &config)
        .into_iter()
        .map(|d| d.path)
        .collect();
    let units = units(&chapters, &sources, &data_dirs);
    let total = units.len();
    let mine: Vec<String> = partition(&units, shard.count)
        .swap_remove(shard.index - 1)
        .into_iter()
        .map(|u| u.id.clone())
        .collect();
    let blocks: Vec<(&Chapter, &Block)> = chapters
        .iter()
        .flat_map(|c| c.blocks.iter().map(move |b| (c, b)))
        .filter(|(_, b)| !b.uses && mine.contains(&b.id))
        .collect();
    let cache_dir = crate::pipeline::cache_dir(opts, &config);
    let cache = run::Cache::new(Some(cache_dir.clone()));
    let outcomes = run::run_all(
        &blocks,
        &sources,
        &data_dirs,
        opts.jobs,
        &cache,
        &config.limits,
        // A shard draws nothing, so no figure's cache lets an experiment go untrained.
        &std::collections::BTreeSet::new(),
    );
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for outcome in outcomes.values() {
        match outcome {
            Outcome::Failed(d) => errors.push(d.clone()),
            Outcome::Skipped { warning, .. } => warnings.push(warning.clone()),
            Outcome::Done(_) | Outcome::Cached(_) => {}
        }
    }
    if opts.strict {
        errors.extend(warnings.drain(..).map(|w| Diagnostic {
            severity: crate::diag::Severity::Error,
            ..w
        }));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ShardReport {
        cache_dir,
        cached: outcomes
            .values()
            .filter(|o| matches!(o, Outcome::Done(r) if r.cached))
            .count(),
        skipped: outcomes
            .values()
            .filter(|o| matches!(o, Outcome::Skipped { .. }))
            .count(),
        experiments: mine,
        total,
        warnings,
    })
}

/// Estimated work per shard, for a summary line.
pub fn loads(shards: &[Vec<&Unit>]) -> Vec<f64> {
    shards
        .iter()
        .map(|s| s.iter().map(|u| u.work).sum())
        .collect()
}

/// A folder as messages print it: relative to the book when inside it.
pub fn shown_dir(root: &Path, dir: &Path) -> String {
    crate::diag::display_path(dir.strip_prefix(root).unwrap_or(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, work: f64) -> Unit {
        Unit {
            id: id.into(),
            work,
        }
    }

    #[test]
    fn shards_parse_or_say_why_not() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        assert_eq!("1/1".parse::<Shard>(), Ok(Shard { index: 1, count: 1 }));
        for (bad, says) in [
            ("0/3", "shard 0 of 3 does not exist"),
            ("3/2", "shard 3 of 2 does not exist"),
            ("a/b", "K `a` is not a whole number"),
            ("1/b", "N `b` is not a whole number"),
            ("2", "`2` is not K/N"),
            ("1/0", "N must be 1 to"),
            ("-1/2", "K `-1` is not a whole number"),
        ] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains(says) && e.contains("--shard 2/4"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_partition_is_greedy_deterministic_and_complete() {
        let units = vec![
            unit("a", 5.0),
            unit("b", 4.0),
            unit("c", 3.0),
            unit("d", 3.0),
            unit("e", 3.0),
        ];
        let shards = partition(&units, 2);
        fn ids<'a>(s: &[&'a Unit]) -> Vec<&'a str> {
            s.iter().map(|u| u.id.as_str()).collect()
        }
        // LPT: a→1, b→2, then c, d, e (equal work, by id): c→2 (4 < 5), d→1 (5 < 7),
        // e→2 (7 < 8).
        assert_eq!(ids(&shards[0]), ["a", "d"]);
        assert_eq!(ids(&shards[1]), ["b", "c", "e"]);
        assert_eq!(loads(&shards), [8.0, 10.0]);
        // Equal loads go to the lower shard.
        let tie = [unit("x", 1.0), unit("y", 1.0), unit("z", 1.0)];
        assert_eq!(ids(&partition(&tie, 2)[0]), ["x", "z"]);
        // The same units in another order give the same shards.
        let mut reversed = units.clone();
        reversed.reverse();
        assert_eq!(partition(&reversed, 2), shards);
        // More shards than units: the extra ones are empty, nothing is lost or doubled.
        let many = partition(&units, 7);
        assert_eq!(many.iter().map(Vec::len).sum::<usize>(), units.len());
        assert_eq!(many.iter().filter(|s| s.is_empty()).count(), 2);
    }

    /// On the sample book (read from content/ as a build reads it), no shard's estimated work
    /// exceeds the ideal share by more than 15%, or the largest single experiment if that is
    /// bigger; every experiment is in exactly one shard.
    #[test]
    fn the_sample_book_splits_evenly() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = Config::load(root).unwrap();
        let chapters = crate::content::load_chapters(root, &config).unwrap();
        let sources = crate::datasets::locate(root, &config, &chapters, false).unwrap();
        let units = units(&chapters, &sources, &[]);
        assert!(units.len() > 20, "{units:?}");
        assert!(units.iter().all(|u| u.work > 0.0), "{units:?}");
        let total: f64 = units.iter().map(|u| u.work).sum();
        let largest = units.iter().map(|u| u.work).fold(0.0, f64::max);
        for n in 2..=8 {
            let shards = partition(&units, n);
            let mut ids: Vec<&str> = shards.iter().flatten().map(|u| u.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), units.len(), "{n} shards");
            let bound = (1.15 * total / n as f64).max(largest);
            for (k, load) in loads(&shards).into_iter().enumerate() {
                assert!(
                    load <= bound,
                    "shard {}/{n}: {load:.3e} > {bound:.3e} (ideal {:.3e}, largest {largest:.3e})",
                    k + 1,
                    total / n as f64
                );
            }
        }
    }
}
