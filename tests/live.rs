//! Live figures: the embedded WebAssembly module, run under Node as the page's worker runs
//! it, gives the same bits as nnbook's native build (crates/live/src/lib.rs says why).

mod common;

use std::path::Path;
use std::process::Command;

use nnbook::config::{Config, Limits};
use nnbook::content::{Chapter, load_chapters};
use std::collections::BTreeMap;

use nnbook::live::{Experiment, Outcome, Settings};
use nnbook::run::{Cache, Outcome as RunOutcome, run_all};
use nnbook::spec::Block;
use nnbook_live::draw::Figures;

/// The module and a working `node`, or None (reason printed; `NNBOOK_REQUIRE_LIVE=1`, as CI
/// sets, fails instead).
fn module_or_skip() -> Option<&'static [u8]> {
    let Some(module) = nnbook::live::module() else {
        common::skip(
            "NNBOOK_REQUIRE_LIVE",
            "nnbook was built without the wasm32 target (rustup target add wasm32-wasip1)",
        );
        return None;
    };
    if Command::new("node").arg("--version").output().is_err() {
        common::skip("NNBOOK_REQUIRE_LIVE", "no `node` to run the module");
        return None;
    }
    Some(module)
}

/// Run an experiment in the module under Node.
fn in_node(dir: &Path, module: &Path, exp: &Experiment, settings: &Settings) -> Outcome {
    let v = in_node_drawing(dir, module, exp, settings, None);
    serde_json::from_value(v["ok"].clone()).unwrap()
}

/// Run an experiment in the module under Node and have it redraw `figures`: its whole output.
fn in_node_drawing(
    dir: &Path,
    module: &Path,
    exp: &Experiment,
    settings: &Settings,
    figures: Option<&Figures>,
) -> serde_json::Value {
    let e = dir.join(format!("{}.json", exp.id));
    let s = dir.join(format!("{}-settings.json", exp.id));
    std::fs::write(&e, serde_json::to_vec(exp).unwrap()).unwrap();
    std::fs::write(&s, serde_json::to_vec(settings).unwrap()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/live/run.mjs");
    let mut cmd = Command::new("node");
    cmd.arg(script).args([module, &e, &s]);
    if let Some(f) = figures {
        let path = dir.join(format!("{}-figures.json", exp.id));
        std::fs::write(&path, serde_json::to_vec(f).unwrap()).unwrap();
        cmd.arg(path);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(v.get("error").is_none(), "{}: {v}", exp.id);
    v
}

/// The sample book's blocks with these ids, run natively by nnbook's run stage.
fn native_runs(wanted: &[&str]) -> (Vec<Block>, BTreeMap<String, RunOutcome>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(root).unwrap();
    let chapters = load_chapters(root, &config).unwrap();
    let sources = nnbook::datasets::locate(root, &config, &chapters, false).unwrap();
    let blocks: Vec<(&Chapter, &Block)> = chapters
        .iter()
        .flat_map(|c| c.blocks.iter().map(move |b| (c, b)))
        .filter(|(_, b)| wanted.contains(&b.id.as_str()) && b.experiment.is_some())
        .collect();
    assert_eq!(blocks.len(), wanted.len());
    let outcomes = run_all(
        &blocks,
        &sources,
        &[],
        Some(1),
        &Cache::new(None),
        &Limits::default(),
        &Default::default(),
    );
    (
        blocks.into_iter().map(|(_, b)| b.clone()).collect(),
        outcomes,
    )
}

#[test]
fn the_browser_module_redraws_the_builds_figures() {
    let Some(module) = module_or_skip() else {
        return;
    };
    let dir = common::TempDir::new("live-draw");
    let wasm = dir.path().join("nnbook-live.wasm");
    std::fs::write(&wasm, module).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (blocks, outcomes) = native_runs(&["bagheri-m3", "bagheri-m5", "leo-tanh-0.01"]);
    let mut kinds = Vec::new();
    let mut tables = 0;
    for block in &blocks {
        let Some(RunOutcome::Done(r)) = outcomes.get(&block.id) else {
            panic!("{} did not run", block.id);
        };
        let exp = block.experiment.as_ref().unwrap();
        let live = nnbook::live::experiment(
            &block.id,
            exp.model.as_ref().unwrap(),
            exp.train.as_ref().unwrap(),
            &r.data,
        )
        .unwrap();
        let figures = nnbook::show::live_figures(block, r);
        assert!(!figures.items.is_empty(), "{} redraws nothing", block.id);
        // At the authored settings: the committed snapshots, byte for byte.
        let out = in_node_drawing(
            dir.path(),
            &wasm,
            &live,
            &Settings::default(),
            Some(&figures),
        );
        // Tables made from the model: the module's rows are the build's table, row by row.
        for t in &figures.tables {
            let html = std::fs::read_to_string(root.join(format!("tests/snapshots/{}.html", t.id)))
                .unwrap();
            let rows: Vec<Vec<String>> =
                serde_json::from_value(out["tables"][&t.id]["rows"].clone()).unwrap();
            assert!(rows.len() > 1, "{}: {}", t.id, out["tables"]);
            for row in rows {
                let tr: String = row.iter().map(|c| format!("<td>{c}</td>")).collect();
                assert!(html.contains(&format!("<tr>{tr}</tr>")), "{}: {tr}", t.id);
            }
            tables += 1;
        }
        for f in &figures.items {
            kinds.push(serde_json::to_value(&f.kind).unwrap()["kind"].clone());
            let svg = out["figures"][&f.id]["svg"].as_str();
            let snapshot =
                std::fs::read_to_string(root.join(format!("tests/snapshots/{}.svg", f.id)))
                    .unwrap();
            assert!(
                svg == Some(snapshot.as_str()),
                "{}: the browser's SVG is not the snapshot: {}",
                f.id,
                out["figures"][&f.id]
            );
        }
        // At other settings: the same as a native draw of a native run of those settings.
        let settings = Settings {
            lr: Some("0.037".into()),
            units: Some(2),
            epochs: Some(150),
            seed: Some(11),
            ..Settings::default()
        };
        let out = in_node_drawing(dir.path(), &wasm, &live, &settings, Some(&figures));
        let run = common::NativeRedraw::new(&live, &settings, &figures);
        let input = run.input(&figures);
        for t in &figures.tables {
            let native = nnbook_live::tables::summary(&run.model, run.changed.inputs);
            assert_eq!(out["tables"][&t.id], serde_json::json!(native), "{}", t.id);
        }
        for f in &figures.items {
            let native = nnbook_live::draw::draw(f, &input).unwrap();
            assert_eq!(
                out["figures"][&f.id]["svg"].as_str(),
                Some(native.as_str()),
                "{}",
                f.id
            );
        }
    }
    // bagheri-m3's and bagheri-m5's summaries.
    assert_eq!(tables, 2, "summary tables rebuilt");
    for kind in [
        "scatter",
        "training-curve",
        "decision-regions",
        "boundary-history",
        "evolution",
    ] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "no {kind} redrawn: {kinds:?}"
        );
    }
}

#[test]
fn the_browser_module_trains_to_the_builds_bits() {
    let Some(module) = module_or_skip() else {
        return;
    };
    let dir = common::TempDir::new("live-node");
    let wasm = dir.path().join("nnbook-live.wasm");
    std::fs::write(&wasm, module).unwrap();

    // Experiments of the sample book, trained natively by nnbook's run stage.
    let (blocks, outcomes) = native_runs(&[
        "leo-relu-0.1",
        "leo-tanh-0.01",
        "bagheri-m3",
        "bagheri-m5",
        "bagheri-m6",
    ]);
    for block in &blocks {
        let Some(RunOutcome::Done(r)) = outcomes.get(&block.id) else {
            panic!("{} did not run", block.id);
        };
        let exp = block.experiment.as_ref().unwrap();
        let trained = r.trained.as_ref().unwrap();
        let live = nnbook::live::experiment(
            &block.id,
            exp.model.as_ref().unwrap(),
            exp.train.as_ref().unwrap(),
            &r.data,
        )
        .unwrap();
        // At the authored settings: the build's own history and weights.
        let browser = in_node(dir.path(), &wasm, &live, &Settings::default());
        let native_loss: Vec<u32> = trained.history.loss.iter().map(|v| v.to_bits()).collect();
        assert_eq!(browser.loss, native_loss, "{}: loss bits", block.id);
        assert_eq!(
            browser.digest,
            nnbook_live::digest(&trained.model),
            "{}: final weights",
            block.id
        );
        // At other settings: the same as the module's code run natively.
        let settings = Settings {
            lr: Some("0.037".into()),
            units: Some(5),
            activation: Some("tanh".into()),
            epochs: Some(150),
            seed: Some(11),
        };
        let browser = in_node(dir.path(), &wasm, &live, &settings);
        let native = nnbook_live::run(&live.with(&settings).unwrap(), &mut |_, _| {}).unwrap();
        assert_eq!(browser, native, "{} with {settings:?}", block.id);
        assert!(browser.epochs_run <= 150);
    }
}

/// Issue 18, item 4: the module a reader downloads is at most 1 MB compressed (it is served
/// as is; gzip -9 stands for what a server's compression would send).
#[test]
fn the_module_is_at_most_a_megabyte_compressed() {
    let Some(module) = module_or_skip() else {
        return;
    };
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(module).unwrap();
    let size = gz.finish().unwrap().len();
    println!("live module: {} bytes, {size} gzipped", module.len());
    assert!(size <= 1_000_000, "{size} bytes gzipped");
    // The module's imports are the page's: env.live_progress and the WASI shim's functions.
    let shim = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/live-wasi.js"),
    )
    .unwrap();
    let names = wasm_imports(module);
    assert!(!names.is_empty());
    for (module, name) in names {
        let known = match module.as_str() {
            "env" => name == "live_progress",
            "wasi_snapshot_preview1" => shim.contains(&format!("    {name}(")),
            _ => false,
        };
        assert!(
            known,
            "the module imports {module}.{name}, which the page does not provide"
        );
    }
}

/// The (module, name) of every import in a WebAssembly binary's import section.
fn wasm_imports(wasm: &[u8]) -> Vec<(String, String)> {
    let mut at = 8; // magic and version
    let leb = |at: &mut usize| {
        let (mut v, mut shift) = (0usize, 0);
        loop {
            let b = wasm[*at];
            *at += 1;
            v |= usize::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                return v;
            }
        }
    };
    let name = |at: &mut usize| {
        let len = leb(at);
        let s = String::from_utf8_lossy(&wasm[*at..*at + len]).into_owned();
        *at += len;
        s
    };
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let size = leb(&mut at);
        if id != 2 {
            at += size;
            continue;
        }
        let mut out = Vec::new();
        for _ in 0..leb(&mut at) {
            let m = name(&mut at);
            let n = name(&mut at);
            let kind = wasm[at];
            at += 1;
            match kind {
                0 => {
                    leb(&mut at);
                }
                1 => {
                    at += 1;
                    let flags = leb(&mut at);
                    leb(&mut at);
                    if flags & 1 != 0 {
                        leb(&mut at);
                    }
                }
                2 => {
                    let flags = leb(&mut at);
                    leb(&mut at);
                    if flags & 1 != 0 {
                        leb(&mut at);
                    }
                }
                _ => {
                    at += 2; // a global: value type and mutability
                }
            }
            out.push((m, n));
        }
        return out;
    }
    Vec::new()
}
