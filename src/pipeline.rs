//! The pipeline driver: config → chapters → blocks → experiments → figures/tables → pages →
//! site, in memory ([`build_files`]) or written atomically ([`build`]). Each stage lives in its
//! own module; this file only wires them together. The commands (src/cmd/) call it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::{self, Chapter};
use crate::diag::{Diagnostic, Location};
use crate::manifest::Manifest;
use crate::output::Output;
use crate::run::{self, Outcome};
use crate::show::{self, Shown};
use crate::site::{self, Files, Page, Theme};
use crate::spec::{Block, ShowKind};

/// What `nnbook build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder from `--out`: relative to the root, or absolute (overrides book.yaml's
    /// `output`, which stays inside the book).
    pub out: Option<PathBuf>,
    /// Warnings become errors.
    pub strict: bool,
    /// Experiments trained at once (None: one per core).
    pub jobs: Option<usize>,
    /// Ignore the experiment cache (neither read nor write it).
    pub no_cache: bool,
    /// Download missing external datasets (`--download`; book.yaml's `download: true` allows
    /// it for one book). Off unless asked for, so CI and tests never reach the internet.
    pub download: bool,
    /// Cache folder from `--cache-dir`: relative to the root, or absolute (overrides
    /// book.yaml's `cache`; a sharded CI job keeps its entries apart with it).
    pub cache_dir: Option<PathBuf>,
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub out_dir: PathBuf,
    pub warnings: Vec<Diagnostic>,
    pub chapters: usize,
    pub experiments: usize,
    pub skipped: usize,
    /// Experiments whose results came from the cache.
    pub cached: usize,
    pub figures: usize,
    pub tables: usize,
    /// Every figure and table with the bytes snapshot tests compare (None: skipped).
    pub shown: Vec<ShownItem>,
    /// The data files the experiments read (CSV, IDX), as found: `nnbook serve` watches them.
    pub data_files: Vec<PathBuf>,
}

/// A figure (`<id>.svg`) or table (`<id>.html`) as snapshot testing sees it.
#[derive(Debug, Clone)]
pub struct ShownItem {
    pub id: String,
    pub file: String,
    pub bytes: Option<Vec<u8>>,
}

/// Build the book and write the site atomically.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Vec<Diagnostic>> {
    let (files, report, out) = make_files(opts, true)?;
    // Training may take minutes: look again at what the swap would replace.
    out.check_replaceable().map_err(|d| vec![d])?;
    site::write_site(&out.path, &files).map_err(|d| vec![d])?;
    Ok(report)
}

/// Build the book in memory: every file of the site, by relative path. Nothing is written,
/// so an output folder holding someone else's files is no reason to stop.
pub fn build_files(opts: &BuildOptions) -> Result<(Files, BuildReport), Vec<Diagnostic>> {
    make_files(opts, false).map(|(files, report, _)| (files, report))
}

fn make_files(
    opts: &BuildOptions,
    writes: bool,
) -> Result<(Files, BuildReport, Output), Vec<Diagnostic>> {
    let root = &opts.root;
    let config = Config::load(root).map_err(|d| vec![d])?;
    check_folders(root, &config).map_err(|d| vec![d])?;
    let out = Output::choose(root, &config, opts.out.as_deref()).map_err(|d| vec![d])?;
    // A build killed mid-swap left the previous site aside: put it back before anything fails.
    site::recover(&out.path);
    let theme = Theme::load(root, config.theme.as_deref()).map_err(|d| vec![d])?;
    let chapters = content::load_chapters(root, &config)?;
    let labels = content::collect_labels(&chapters)?;

    let bibliography = content::cite::Bibliography::load(root, &config).map_err(|d| vec![d])?;
    if let Some(bib) = &bibliography {
        let clashes = content::cite::clashes(bib, &labels);
        if !clashes.is_empty() {
            return Err(clashes);
        }
    }

    // Render all prose first: a typo in a label fails the build before anything trains.
    let known = content::Known {
        labels: &labels,
        experiments: experiment_shows(&chapters),
        keys: bibliography
            .as_ref()
            .map(|b| b.keys().into_iter().collect()),
    };
    let mut errors = Vec::new();
    let mut rendered = Vec::new();
    for ch in &chapters {
        match content::render_chapter_with(ch, &known) {
            Ok(r) => rendered.push(r),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(bib) = &bibliography {
        cite_all(bib, &chapters, &mut rendered, config.references);
    }

    // Find every data file (downloading when allowed) before anything trains.
    let download = config.download || opts.download;
    let sources = crate::datasets::locate(root, &config, &chapters, download)?;
    // The data files are known now: the output folder keeps clear of them too. All of this is
    // checked before anything trains.
    let data_files: Vec<(&Path, &str)> = sources
        .files()
        .map(|f| (f.path.as_path(), f.shown.as_str()))
        .collect();
    let data_paths: Vec<PathBuf> = data_files.iter().map(|(p, _)| p.to_path_buf()).collect();
    out.check_files(root, data_files).map_err(|d| vec![d])?;
    // After the data files, so a refusal names the file it would destroy ("is the data file
    // `points.csv`" rather than "is a file").
    if writes {
        out.check_replaceable().map_err(|d| vec![d])?;
    }
    let data_dirs: Vec<PathBuf> = crate::datasets::data_dirs(root, &config)
        .into_iter()
        .map(|d| d.path)
        .collect();
    let blocks: Vec<(&Chapter, &Block)> = chapters
        .iter()
        .flat_map(|c| c.blocks.iter().map(move |b| (c, b)))
        .collect();
    let cache = run::Cache::new((!opts.no_cache).then(|| cache_dir(opts, &config)));

    // Every figure and table, in book order, with what the cache has of it from earlier
    // builds; experiments whose items are all there need neither their data nor their model.
    let number_of = |id: &str| labels.get(id).map(|l| l.text.clone()).unwrap_or_default();
    let todo: Vec<(&Chapter, &Block, &crate::spec::Show)> = chapters
        .iter()
        .flat_map(|c| {
            c.blocks
                .iter()
                .flat_map(move |b| b.show.iter().map(move |s| (c, b, s)))
        })
        .collect();
    let item_keys: Vec<Option<Vec<u8>>> = if cache.dir().is_some() {
        let keys = run::experiment_keys(&blocks, &sources);
        let program = crate::warm::program();
        todo.iter()
            .map(|(ch, b, s)| {
                let palette = format!("{:?}", s.options.palette().unwrap_or(config.palette));
                crate::warm::item_key(&program, &palette, ch, b, s, &number_of(&s.id), &keys)
            })
            .collect()
    } else {
        vec![None; todo.len()]
    };
    let kept: Vec<Option<Shown>> = {
        use rayon::prelude::*;
        item_keys
            .par_iter()
            .map(|k| k.as_ref().and_then(|k| crate::warm::load(&cache, k)))
            .collect()
    };
    let mut all_kept: std::collections::BTreeSet<String> =
        todo.iter().map(|(_, b, _)| b.id.clone()).collect();
    for ((_, b, _), k) in todo.iter().zip(&kept) {
        if k.is_none() {
            all_kept.remove(&b.id);
        }
    }
    // Experiments without figures or tables are printed by prose only: their facts do.
    for (_, b) in &blocks {
        if !b.uses && b.show.is_empty() && !todo.iter().any(|(_, u, _)| u.id == b.id) {
            all_kept.insert(b.id.clone());
        }
    }
    // An item made again may show other experiments (a sweep's runs): those run in full too.
    for ((_, _, s), k) in todo.iter().zip(&kept) {
        if k.is_none() {
            for id in s.options.runs().into_iter().flatten() {
                all_kept.remove(id);
            }
        }
    }
    // A live experiment's page needs its data and trained model (from the training cache on
    // a warm build), not only its kept figures.
    for (_, b) in &blocks {
        if b.live.is_some() {
            all_kept.remove(&b.id);
        }
    }
    // Draw one item with the outcomes at hand. A kept item stands only while what it shows ran
    // (or came from the cache): a dataset gone from this machine turns it into a notice.
    let draw = |i: usize, outcomes: &BTreeMap<String, Outcome>| -> Result<Shown, Diagnostic> {
        let (ch, block, show) = todo[i];
        let ran = mentioned(show, block).all(|id| {
            matches!(
                outcomes.get(id),
                None | Some(Outcome::Done(_) | Outcome::Cached(_))
            )
        });
        if let Some(shown) = kept[i].as_ref().filter(|_| ran) {
            return Ok(shown.clone());
        }
        // Each item is drawn on one thread from start to end, in its own palette or the book's.
        let palette = show.options.palette().unwrap_or(config.palette);
        let shown = crate::figures::style::with_palette(palette, || {
            show::make(ch, block, show, &number_of(&show.id), outcomes, &cache)
        })?;
        if let Some(key) = &item_keys[i] {
            crate::warm::store(&cache, key, &shown);
        }
        Ok(shown)
    };
    // The longest training runs on one side; every other experiment runs beside it, and the
    // figures of those are drawn (meshes, GIFs and 3-D views are the slow part) while the
    // longest still trains.
    let around = run::Around {
        sources: &sources,
        data_dirs: &data_dirs,
        cache: &cache,
        limits: &config.limits,
        shown: &all_kept,
    };
    let (outcomes, early) = run::run_beside(&blocks, &around, opts.jobs, |others| {
        use rayon::prelude::*;
        (0..todo.len())
            .into_par_iter()
            .map(|i| {
                let (_, block, show) = todo[i];
                mentioned(show, block)
                    .all(|id| others.contains_key(id))
                    .then(|| draw(i, others))
            })
            .collect::<Vec<_>>()
    });

    let mut warnings = Vec::new();
    let mut files = Files::new();
    let mut manifest = Manifest::new(&chapters);
    for (id, outcome) in &outcomes {
        let chapter = blocks
            .iter()
            .find(|(_, b)| !b.uses && &b.id == id)
            .map(|(c, _)| c.source.clone())
            .unwrap_or_default();
        manifest.add_experiment(id, &chapter, outcome);
        match outcome {
            Outcome::Failed(d) => errors.push(d.clone()),
            Outcome::Skipped { warning, .. } => warnings.push(warning.clone()),
            Outcome::Done(_) | Outcome::Cached(_) => {}
        }
    }
    // Live experiments: their files, each figure's "Try it" control (or a warning without
    // the module).
    let live = crate::live::site(&chapters, &outcomes);
    warnings.extend(live.warnings.iter().cloned());
    if opts.strict {
        for w in warnings.drain(..) {
            errors.push(Diagnostic {
                severity: crate::diag::Severity::Error,
                ..w
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // Draw every figure and table the cache does not have at once (meshes, GIFs and 3-D
    // views are the slow part), in book order so the results line up with the pages below.
    let made: Vec<Result<Shown, Diagnostic>> = {
        use rayon::prelude::*;
        let work = || {
            early
                .into_par_iter()
                .enumerate()
                .map(|(i, e)| e.unwrap_or_else(|| draw(i, &outcomes)))
                .collect()
        };
        run::with_jobs(opts.jobs, work)
    };
    let mut made_ok = Vec::with_capacity(made.len());
    for m in made {
        match m {
            Ok(shown) => made_ok.push(shown),
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut made = made_ok.into_iter();

    let mut pages = Vec::new();
    let mut shown_items: Vec<ShownItem> = Vec::new();
    // Values in prose, now that every experiment has run.
    let mut filled = Vec::new();
    for (ch, r) in chapters.iter().zip(&rendered) {
        let html = content::values::fill(&r.html, &r.values, &ch.text, |v| {
            outcomes
                .get(&v.experiment)
                .map_or(Ok(None), |o| run::prose_value(&v.experiment, o, &v.metric))
        });
        match html {
            Ok((html, texts)) => filled.push((html, texts)),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let search_meta = search_meta(&chapters);
    for ((ch, mut r), (mut html, value_texts)) in chapters.iter().zip(rendered).zip(filled) {
        r.outline.fill_values(&value_texts);
        // What each block shows, as the search index reads it.
        let mut searchable: Vec<Vec<site::SearchPart>> = Vec::new();
        // A `vary:` family's members stand where its block does and show nothing.
        let fenced = ch.blocks.iter().filter(|b| b.member_of.is_none());
        for (k, block) in fenced.enumerate() {
            let mut block_html = String::new();
            let mut block_search = Vec::new();
            for show in &block.show {
                let number = number_of(&show.id);
                let Some(shown) = made.next() else {
                    return Err(vec![Diagnostic::error(
                        "E030",
                        format!("`{}` was not drawn", show.id),
                    )]);
                };
                match (&shown, show.what) {
                    (
                        Shown::Figure {
                            file, svg, extra, ..
                        },
                        _,
                    ) => {
                        manifest.add_figure(show, &number, &block.id, Some(file), svg.len());
                        files.insert(file.clone(), svg.clone().into_bytes());
                        for (path, bytes) in extra {
                            manifest.add_file(&show.id, path, bytes.len());
                            files.insert(path.clone(), bytes.clone());
                        }
                    }
                    (Shown::Table { .. }, _) => manifest.add_table(show, &number, &block.id, false),
                    (Shown::Notice { .. }, ShowKind::Figure(_)) => {
                        manifest.add_figure(show, &number, &block.id, None, 0)
                    }
                    (Shown::Notice { .. }, ShowKind::Table(_)) => {
                        manifest.add_table(show, &number, &block.id, true)
                    }
                }
                // The theme's figure, table and notice templates make the item's page markup.
                let markup = shown.markup();
                block_search.push(search_part(&shown, block, &search_meta));
                let item_html = theme
                    .render(markup.template, &markup.context)
                    .map_err(|d| vec![d])?;
                let ext = if matches!(show.what, ShowKind::Figure(_)) {
                    "svg"
                } else {
                    "html"
                };
                shown_items.push(ShownItem {
                    id: show.id.clone(),
                    file: format!("{}.{ext}", show.id),
                    bytes: match &shown {
                        Shown::Figure { svg, .. } => Some(svg.clone().into_bytes()),
                        Shown::Table { .. } => Some(item_html.clone().into_bytes()),
                        Shown::Notice { .. } => None,
                    },
                });
                block_html.push_str(&item_html);
                if let (Shown::Figure { .. }, Some(control)) =
                    (&shown, live.controls.get(&block.id))
                {
                    let mut control = control.clone();
                    control["figure"] = show.id.clone().into();
                    let ctx = serde_json::json!({ "live": control });
                    block_html.push_str(&theme.render("live.html", &ctx).map_err(|d| vec![d])?);
                }
            }
            html = html.replacen(&content::block_placeholder(k), &block_html, 1);
            searchable.push(block_search);
        }
        pages.push(Page {
            number: ch.number,
            title: ch.title.clone(),
            path: ch.page.clone(),
            html,
            toc: r.toc,
            search: site::search_parts(&r.outline, &searchable),
        });
    }
    for (path, bytes) in live.files {
        files.insert(path, bytes);
    }
    files.insert("manifest.json".into(), manifest.to_json().into_bytes());
    site::assemble(&config, &theme, &pages, &mut files).map_err(|d| vec![d])?;
    let report = BuildReport {
        out_dir: out.path.clone(),
        warnings,
        chapters: chapters.len(),
        experiments: outcomes.len(),
        skipped: outcomes
            .values()
            .filter(|o| matches!(o, Outcome::Skipped { .. }))
            .count(),
        cached: outcomes
            .values()
            .filter(|o| {
                matches!(o, Outcome::Done(r) if r.cached)
                    || matches!(o, Outcome::Cached(f) if f.trains)
            })
            .count(),
        figures: shown_items
            .iter()
            .filter(|s| s.bytes.is_some() && s.file.ends_with(".svg"))
            .count(),
        tables: shown_items
            .iter()
            .filter(|s| s.bytes.is_some() && s.file.ends_with(".html"))
            .count(),
        shown: shown_items,
        data_files: data_paths,
    };
    Ok((files, report, out))
}

/// Fill in each chapter's citations and append the reference lists (one per chapter, or one
/// at the end of the last chapter), with an entry in the chapter's table of contents.
fn cite_all(
    bib: &content::cite::Bibliography,
    chapters: &[Chapter],
    rendered: &mut [content::Rendered],
    mode: crate::config::References,
) {
    let cites: Vec<&[content::cite::Cite]> = rendered.iter().map(|r| r.cites.as_slice()).collect();
    let pages: Vec<&str> = chapters.iter().map(|c| c.page.as_str()).collect();
    let styled = content::cite::style(bib, &cites, &pages, mode);
    let texts = styled.citation_texts.iter().zip(&styled.list_texts);
    let styled = styled.citations.into_iter().zip(styled.lists).zip(texts);
    for (r, ((citations, list), (cite_texts, list_texts))) in rendered.iter_mut().zip(styled) {
        for (k, html) in citations.iter().enumerate() {
            r.html = r.html.replacen(&content::cite::placeholder(k), html, 1);
        }
        r.outline.fill_cites(cite_texts);
        if let Some(entries) = list_texts {
            r.outline
                .push_section(content::cite::LIST_ID, "References", entries);
        }
        if let Some(list) = list {
            r.html.push_str(&list);
            r.toc.push(content::TocEntry {
                level: 2,
                id: content::cite::LIST_ID.into(),
                title: "References".into(),
            });
        }
    }
}

/// A shown item as the search index reads it: a figure with its experiment's metadata and
/// block source, a table with its metadata and cells, a notice as text of its section.
fn search_part(shown: &Shown, block: &Block, meta: &BTreeMap<String, String>) -> site::SearchPart {
    let s = shown.markup().searchable();
    let Some(id) = s.id else {
        return site::SearchPart::Text(format!(" {} ", s.text));
    };
    let meta = meta.get(&id).map_or("", String::as_str);
    let text = match shown {
        Shown::Figure { .. } => format!("{meta} {}", block.source),
        _ => format!("{meta} {}", s.text),
    };
    site::SearchPart::Item {
        anchor: id,
        title: s.title,
        text,
    }
}

/// The experiments an item shows: its block's, and the runs it names.
fn mentioned<'a>(
    show: &'a crate::spec::Show,
    block: &'a Block,
) -> impl Iterator<Item = &'a String> {
    std::iter::once(&block.id).chain(show.options.runs().into_iter().flatten())
}

/// Searchable words about each figure's experiment: the dataset, the architecture, the
/// training (a block with `use:` describes the experiment it reuses).
fn search_meta(chapters: &[Chapter]) -> BTreeMap<String, String> {
    let experiments: BTreeMap<&str, &crate::spec::Experiment> = chapters
        .iter()
        .flat_map(|c| &c.blocks)
        .filter(|b| !b.uses)
        .filter_map(|b| Some((b.id.as_str(), b.experiment.as_ref()?)))
        .collect();
    let mut out = BTreeMap::new();
    for block in chapters.iter().flat_map(|c| &c.blocks) {
        let mut words = vec![format!("experiment {}", block.id)];
        if let Some(e) = experiments.get(block.id.as_str()) {
            words.push(format!("dataset {}", e.data.name()));
            if let Some(split) = &e.data.split {
                words.push(split.clone());
            }
            if let Some(m) = &e.model {
                if let Some(c) = m.classic {
                    words.push(format!("model {}", c.name()));
                }
                for l in &m.layers {
                    words.push(format!("dense {} {}", l.units, l.activation.name()));
                }
            }
            if let Some(t) = &e.train {
                words.push(format!(
                    "optimizer {} loss {} epochs {}",
                    t.optimizer.name(),
                    t.loss.name(),
                    t.epochs
                ));
            }
        }
        let words = words.join(" ");
        for show in &block.show {
            out.insert(show.id.clone(), words.clone());
        }
    }
    out
}

/// Each experiment's id with the ids of the figures and tables that show it, `use:` blocks
/// included (what prose may print values of, and what to cite instead of an experiment).
fn experiment_shows(chapters: &[Chapter]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let blocks = chapters.iter().flat_map(|c| &c.blocks);
    for block in blocks.clone().filter(|b| !b.uses) {
        out.insert(block.id.clone(), Vec::new());
    }
    for block in blocks {
        if let Some(shows) = out.get_mut(&block.id) {
            shows.extend(block.show.iter().map(|s| s.id.clone()));
        }
    }
    out
}

/// The experiment cache's folder: `--cache-dir`, else book.yaml's `cache`.
pub fn cache_dir(opts: &BuildOptions, config: &Config) -> PathBuf {
    opts.root
        .join(opts.cache_dir.as_deref().unwrap_or(&config.cache))
}

/// Every folder book.yaml names, resolved with symlinks, stays inside the book (the output
/// folder has rules of its own, in [`crate::output`]).
pub(crate) fn check_folders(root: &Path, config: &Config) -> Result<(), Diagnostic> {
    for p in [config.datasets.as_ref(), Some(&config.cache)]
        .into_iter()
        .flatten()
        .chain(&config.theme)
        .chain([&config.snapshots])
    {
        crate::config::inside_root(root, p).map_err(|d| {
            d.at(Location::file("book.yaml")).hint(
                "the folders book.yaml names stay inside the book; replace the symlink by a \
                 folder (datasets kept elsewhere are named with NNBOOK_DATA_DIR)",
            )
        })?;
    }
    Ok(())
}
