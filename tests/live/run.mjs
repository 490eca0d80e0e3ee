// Runs the live module under Node as the page's worker does: `node run.mjs MODULE.wasm
// EXPERIMENT.json SETTINGS.json [FIGURES.json]` prints the module's output JSON (tests/live.rs
// compares it, and the figures it redrew, with a native run).
import { readFileSync } from 'node:fs';
import { runInThisContext } from 'node:vm';

// The page's own WASI shim, as its worker loads it.
globalThis.self = globalThis;
runInThisContext(readFileSync(new URL('../../themes/default/static/live-wasi.js', import.meta.url), 'utf8'));

const [wasmPath, expPath, settingsPath, figuresPath] = process.argv.slice(2);
const compiled = await WebAssembly.compile(readFileSync(wasmPath));
let memory = null;
const shim = self.nnbookWasi(() => memory);
const env = { live_progress() {} };
shim.check(compiled, env);
const instance = await WebAssembly.instantiate(compiled, { env, wasi_snapshot_preview1: shim.wasi });
const m = instance.exports;
memory = m.memory;
if (m._initialize) m._initialize();
const put = (bytes) => {
  const ptr = m.live_alloc(bytes.length);
  new Uint8Array(m.memory.buffer, ptr, bytes.length).set(bytes);
  return [ptr, bytes.length];
};
const [ep, el] = put(readFileSync(expPath));
const [sp, sl] = put(readFileSync(settingsPath));
const [fp, fl] = figuresPath ? put(readFileSync(figuresPath)) : [0, 0];
const t0 = performance.now();
const len = m.live_run(ep, el, sp, sl, fp, fl);
const ms = performance.now() - t0;
m.live_free(ep, el);
m.live_free(sp, sl);
if (fl) m.live_free(fp, fl);
const out = new TextDecoder().decode(new Uint8Array(m.memory.buffer, m.live_output(), len));
process.stdout.write(out + '\n');
process.stderr.write(`ms ${ms.toFixed(1)}\n`);
