// nnbook live figures: trains one experiment in the WebAssembly module (crates/live) off the
// page's thread, then redraws its figures with the build's drawing code. Messages in:
// {module, experiment, settings, figures} (the module's URL, the experiment's JSON text, the
// settings object, the figures' JSON text). Out: {progress: [epoch, loss]} at most every
// 100 ms, then {ok: outcome, figures: {id: {svg} or {error}}} or {error: message}. The page
// stops a run with terminate().
"use strict";
importScripts("live-wasi.js");
let lastPost = 0;
self.onmessage = async (event) => {
  const { module, experiment, settings, figures } = event.data;
  try {
    const response = await fetch(module);
    if (!response.ok) throw new Error("the module did not load (" + response.status + ")");
    const compiled = await WebAssembly.compile(await response.arrayBuffer());
    let memory = null;
    const shim = self.nnbookWasi(() => memory);
    const env = {
      live_progress(epoch, loss) {
        const now = performance.now();
        if (now - lastPost > 100) {
          lastPost = now;
          self.postMessage({ progress: [epoch, loss] });
        }
      },
    };
    shim.check(compiled, env);
    const instance = await WebAssembly.instantiate(compiled, { env, wasi_snapshot_preview1: shim.wasi });
    const m = instance.exports;
    memory = m.memory;
    // A WASI reactor sets up its runtime here before any other call.
    if (m._initialize) m._initialize();
    const put = (text) => {
      const data = new TextEncoder().encode(text);
      const ptr = m.live_alloc(data.length);
      new Uint8Array(m.memory.buffer, ptr, data.length).set(data);
      return [ptr, data.length];
    };
    const [ep, el] = put(experiment);
    const [sp, sl] = put(JSON.stringify(settings));
    const [fp, fl] = figures ? put(figures) : [0, 0];
    const started = performance.now();
    const len = m.live_run(ep, el, sp, sl, fp, fl);
    const ms = performance.now() - started;
    m.live_free(ep, el);
    m.live_free(sp, sl);
    if (fl) m.live_free(fp, fl);
    const out = new TextDecoder().decode(new Uint8Array(m.memory.buffer, m.live_output(), len));
    const result = JSON.parse(out);
    result.ms = ms;
    self.postMessage(result);
  } catch (e) {
    self.postMessage({ error: String(e && e.message ? e.message : e) });
  }
};
