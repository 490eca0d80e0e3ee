// Runs the live module under Node as the page's worker does: `node run.mjs MODULE.wasm
// EXPERIMENT.json SETTINGS.json` prints the module's output JSON (tests/live.rs compares it
// with a native run).
import { readFileSync } from 'node:fs';

const [wasmPath, expPath, settingsPath] = process.argv.slice(2);
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {
  env: { live_progress() {} },
});
const m = instance.exports;
const put = (bytes) => {
  const ptr = m.live_alloc(bytes.length);
  new Uint8Array(m.memory.buffer, ptr, bytes.length).set(bytes);
  return [ptr, bytes.length];
};
const [ep, el] = put(readFileSync(expPath));
const [sp, sl] = put(readFileSync(settingsPath));
const t0 = performance.now();
const len = m.live_run(ep, el, sp, sl);
const ms = performance.now() - t0;
m.live_free(ep, el);
m.live_free(sp, sl);
const out = new TextDecoder().decode(new Uint8Array(m.memory.buffer, m.live_output(), len));
process.stdout.write(out + '\n');
process.stderr.write(`ms ${ms.toFixed(1)}\n`);
