//! Live figures: the embedded WebAssembly module, run under Node as the page's worker runs
//! it, gives the same bits as nnbook's native build (crates/live/src/lib.rs says why).

mod common;

use std::path::Path;
use std::process::Command;

use nnbook::config::{Config, Limits};
use nnbook::content::{Chapter, load_chapters};
use nnbook::live::{Experiment, Outcome, Settings};
use nnbook::run::{Cache, Outcome as RunOutcome, run_all};
use nnbook::spec::Block;

/// The module and a working `node`, or None (reason printed; `NNBOOK_REQUIRE_LIVE=1`, as CI
/// sets, fails instead).
fn module_or_skip() -> Option<&'static [u8]> {
    let Some(module) = nnbook::live::module() else {
        common::skip(
            "NNBOOK_REQUIRE_LIVE",
            "nnbook was built without the wasm32 target (rustup target add wasm32-unknown-unknown)",
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
    let e = dir.join(format!("{}.json", exp.id));
    let s = dir.join(format!("{}-settings.json", exp.id));
    std::fs::write(&e, serde_json::to_vec(exp).unwrap()).unwrap();
    std::fs::write(&s, serde_json::to_vec(settings).unwrap()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/live/run.mjs");
    let out = Command::new("node")
        .arg(script)
        .args([module, &e, &s])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(v.get("error").is_none(), "{}: {v}", exp.id);
    serde_json::from_value(v["ok"].clone()).unwrap()
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(root).unwrap();
    let chapters = load_chapters(root, &config).unwrap();
    let sources = nnbook::datasets::locate(root, &config, &chapters, false).unwrap();
    let wanted = [
        "leo-relu-0.1",
        "leo-tanh-0.01",
        "bagheri-m3",
        "bagheri-m5",
        "bagheri-m6",
    ];
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
        &std::collections::BTreeSet::new(),
    );
    for (_, block) in &blocks {
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
