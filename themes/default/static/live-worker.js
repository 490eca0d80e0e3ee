// nnbook live figures: trains one experiment in the WebAssembly module (crates/live) off the
// page's thread. Messages in: {module, experiment, settings} (the module's URL, the
// experiment's JSON text, the settings object). Out: {progress: [epoch, loss]} at most every
// 100 ms, then {ok: outcome} or {error: message}. The page stops a run with terminate().
"use strict";
let lastPost = 0;
self.onmessage = async (event) => {
  const { module, experiment, settings } = event.data;
  try {
    const response = await fetch(module);
    if (!response.ok) throw new Error("the module did not load (" + response.status + ")");
    const bytes = await response.arrayBuffer();
    const { instance } = await WebAssembly.instantiate(bytes, {
      env: {
        live_progress(epoch, loss) {
          const now = performance.now();
          if (now - lastPost > 100) {
            lastPost = now;
            self.postMessage({ progress: [epoch, loss] });
          }
        },
      },
    });
    const m = instance.exports;
    const put = (text) => {
      const data = new TextEncoder().encode(text);
      const ptr = m.live_alloc(data.length);
      new Uint8Array(m.memory.buffer, ptr, data.length).set(data);
      return [ptr, data.length];
    };
    const [ep, el] = put(experiment);
    const [sp, sl] = put(JSON.stringify(settings));
    const started = performance.now();
    const len = m.live_run(ep, el, sp, sl);
    const ms = performance.now() - started;
    m.live_free(ep, el);
    m.live_free(sp, sl);
    const out = new TextDecoder().decode(new Uint8Array(m.memory.buffer, m.live_output(), len));
    const result = JSON.parse(out);
    result.ms = ms;
    self.postMessage(result);
  } catch (e) {
    self.postMessage({ error: String(e && e.message ? e.message : e) });
  }
};
