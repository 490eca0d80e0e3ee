//! The module's C ABI, for the page's worker (themes/default/static/live-worker.js):
//!
//! - `live_alloc(len) -> ptr` and `live_free(ptr, len)`: buffers the worker writes JSON into;
//! - `live_run(experiment, len, settings, len, figures, len) -> len`: train, then redraw the
//!   figures (`draw::Figures` as JSON; length 0 for none), leaving JSON (`{"ok": outcome,
//!   "figures": {id: {"svg": text} or {"error": message}}}` or `{"error": message}`) at
//!   `live_output()`, valid until the next run;
//! - it imports `env.live_progress(epoch, loss)`, called after every epoch, so the worker can
//!   post progress while it trains (and be stopped with `terminate()`).

use std::sync::Mutex;

use crate::draw::{self, Figures};
use crate::run::{Experiment, Settings, inputs, outcome, train};

/// The last run's JSON (one worker runs one experiment at a time).
static OUTPUT: Mutex<Vec<u8>> = Mutex::new(Vec::new());

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "env")]
unsafe extern "C" {
    fn live_progress(epoch: u32, loss: f32);
}

#[cfg(target_arch = "wasm32")]
fn progress(epoch: usize, loss: f32) {
    // SAFETY: an imported JS function taking two numbers; it cannot touch our memory.
    unsafe { live_progress(u32::try_from(epoch).unwrap_or(u32::MAX), loss) }
}

#[cfg(not(target_arch = "wasm32"))]
fn progress(_epoch: usize, _loss: f32) {}

/// A buffer of `len` bytes for the caller to fill.
#[unsafe(no_mangle)]
pub extern "C" fn live_alloc(len: usize) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(len);
    let ptr = v.as_mut_ptr();
    std::mem::forget(v);
    ptr
}

/// Give back a buffer from [`live_alloc`].
///
/// # Safety
/// `ptr` and `len` must come from one `live_alloc` call, freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn live_free(ptr: *mut u8, len: usize) {
    // SAFETY: the caller's contract above: a Vec of this capacity, not freed before.
    drop(unsafe { Vec::from_raw_parts(ptr, 0, len) });
}

/// Train an experiment with settings (both JSON); returns the length of the output.
///
/// # Safety
/// Each pointer must point at `len` initialised bytes (from [`live_alloc`]).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn live_run(
    exp: *const u8,
    exp_len: usize,
    settings: *const u8,
    settings_len: usize,
    figures: *const u8,
    figures_len: usize,
) -> usize {
    // SAFETY: the caller's contract above (a null or dangling pointer only with length 0).
    let (exp, settings, figures) = unsafe {
        (
            std::slice::from_raw_parts(exp, exp_len),
            std::slice::from_raw_parts(settings, settings_len),
            if figures_len == 0 {
                &[][..]
            } else {
                std::slice::from_raw_parts(figures, figures_len)
            },
        )
    };
    let json = match run_json(exp, settings, figures) {
        Ok(out) => out,
        Err(msg) => serde_json::json!({ "error": msg }).to_string(),
    };
    let mut out = OUTPUT.lock().unwrap_or_else(|p| p.into_inner());
    *out = json.into_bytes();
    out.len()
}

/// Where the last run's output is.
#[unsafe(no_mangle)]
pub extern "C" fn live_output() -> *const u8 {
    OUTPUT.lock().unwrap_or_else(|p| p.into_inner()).as_ptr()
}

/// The run behind [`live_run`], with its JSON in and out (`figures` empty for none).
pub fn run_json(exp: &[u8], settings: &[u8], figures: &[u8]) -> Result<String, String> {
    let exp: Experiment =
        serde_json::from_slice(exp).map_err(|e| format!("bad experiment: {e}"))?;
    let settings: Settings =
        serde_json::from_slice(settings).map_err(|e| format!("bad settings: {e}"))?;
    let figures: Figures = if figures.is_empty() {
        Figures::default()
    } else {
        serde_json::from_slice(figures).map_err(|e| format!("bad figures: {e}"))?
    };
    let exp = exp.with(&settings)?;
    let (model, history) = train(&exp, figures.snapshots(exp.epochs), &mut progress)?;
    let mut drawn = serde_json::Map::new();
    if !figures.items.is_empty() {
        let x = inputs(&exp)?;
        let input = draw::Input {
            x: &x,
            classes: &figures.classes,
            class_of: &figures.class_of,
            model: Some(&model),
            history: Some(&history),
            epochs: exp.epochs,
            predict: &|m, x| m.forward(x),
        };
        for f in &figures.items {
            let v = match draw::draw(f, &input) {
                Ok(svg) => serde_json::json!({ "svg": svg }),
                Err(e) => serde_json::json!({ "error": e }),
            };
            drawn.insert(f.id.clone(), v);
        }
    }
    Ok(serde_json::json!({ "ok": outcome(&model, &history), "figures": drawn }).to_string())
}
