// nnbook live figures: the "Try it" control under each figure of a live experiment (the
// theme's live.html). Nothing loads until a reader opens a control; then a Web Worker
// (live-worker.js) fetches the WebAssembly module and retrains the experiment with the
// reader's settings, reporting progress; Cancel terminates it. The module then redraws the
// experiment's figures with the build's own drawing code, and they replace the published
// images (Reset puts those back). Settings go into the address (#live=<experiment>&lr=…), so
// a link reopens them.
(function () {
  "use strict";
  if (window.nnLive) return; // one copy, though every control names this script
  window.nnLive = true;
  const NAMES = ["lr", "units", "activation", "epochs", "seed"];
  const bits = (b) => new Float32Array(new Uint32Array([b]).buffer)[0];
  const fmt = (b) => (b === null || b === undefined ? "–" : bits(b).toPrecision(6));
  const experiments = new Map(); // experiment id -> Promise of its JSON text

  function unavailable() {
    if (location.protocol === "file:") {
      return "Live mode needs the book served over http(s): browsers refuse to load its WebAssembly module from a file:// address (try `nnbook serve`). The figure above is as published.";
    }
    if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
      return "Live mode needs WebAssembly and Web Workers, which this browser does not offer. The figure above is as published.";
    }
    return null;
  }

  function settingsOf(form) {
    const s = {};
    for (const name of NAMES) {
      const el = form.elements.namedItem(name);
      if (!el) continue;
      if (name === "lr" || name === "activation") s[name] = String(el.value).trim();
      else s[name] = Number(el.value);
    }
    return s;
  }

  const initial = (el) =>
    el.tagName === "SELECT"
      ? ([...el.options].find((o) => o.defaultSelected) || el.options[0]).value
      : el.defaultValue;
  const isAuthored = (form) =>
    NAMES.every((n) => {
      const el = form.elements.namedItem(n);
      return !el || String(el.value).trim() === String(initial(el)).trim();
    });

  function setup(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    const form = box.querySelector("form");
    const fields = form.querySelector("fieldset");
    const status = box.querySelector(".nn-live-status");
    const bar = box.querySelector(".nn-live-progress");
    const cancel = box.querySelector(".nn-live-cancel");
    const result = box.querySelector(".nn-live-result");
    const why = unavailable();
    if (why) {
      status.textContent = why;
      return;
    }
    fields.disabled = false;
    status.textContent = "Change a setting and press Train: the figures of this experiment are redrawn from the retrained model.";
    let worker = null;
    const stop = (text) => {
      if (worker) worker.terminate();
      worker = null;
      bar.hidden = true;
      cancel.hidden = true;
      box.removeAttribute("aria-busy");
      if (text) status.textContent = text;
    };
    cancel.addEventListener("click", () => stop("Cancelled."));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!form.reportValidity()) return;
      stop();
      delete box.dataset.error;
      delete box.dataset.compared;
      const settings = settingsOf(form);
      const authored = isAuthored(form);
      const id = box.dataset.experiment;
      const hash = "live=" + encodeURIComponent(id) + NAMES.filter((n) => n in settings)
        .map((n) => "&" + n + "=" + encodeURIComponent(settings[n])).join("");
      history.replaceState(null, "", "#" + hash);
      if (!experiments.has(id)) {
        experiments.set(id, fetch(box.dataset.json).then((r) => {
          if (!r.ok) throw new Error("the experiment did not load (" + r.status + ")");
          return r.text();
        }));
      }
      status.textContent = "Loading…";
      box.setAttribute("aria-busy", "true");
      let text;
      try {
        text = await experiments.get(id);
      } catch (e) {
        experiments.delete(id);
        stop("Live mode failed: " + e.message);
        return;
      }
      const data = JSON.parse(text);
      const epochs = settings.epochs || data.experiment.epochs;
      const started = performance.now();
      worker = new Worker(box.dataset.worker);
      bar.max = epochs;
      bar.value = 0;
      bar.hidden = false;
      cancel.hidden = false;
      status.textContent = "Training…";
      worker.onmessage = (msg) => {
        const m = msg.data;
        if (m.progress) {
          bar.value = m.progress[0];
          bar.textContent = Math.round((100 * m.progress[0]) / epochs) + "%";
          status.textContent = "Epoch " + m.progress[0] + " of " + epochs + ", loss " + m.progress[1].toPrecision(4);
          return;
        }
        const ms = performance.now() - started;
        stop();
        if (m.error) {
          box.dataset.error = m.error;
          status.textContent = "Training stopped: " + m.error;
          return;
        }
        show(box, data, m, authored, ms);
      };
      worker.onerror = (e) => {
        box.dataset.error = e.message || "the worker stopped";
        stop("Live mode failed: " + box.dataset.error);
      };
      worker.postMessage({
        // The worker resolves URLs against its own script's folder: hand it an absolute one.
        module: new URL(box.dataset.module, document.baseURI).href,
        experiment: JSON.stringify(data.experiment),
        settings,
        figures: data.figures || "",
      });
    });
    form.addEventListener("reset", () => {
      result.textContent = "";
      redraw(box, null);
      stop("Back to the block's own settings and the published figures.");
    });
  }

  // Whether each redrawn figure's SVG is the published file (figures/<id>.svg) byte for
  // byte: said under the results and kept in data-same (the ids that are) for tests.
  async function compare(box) {
    const ids = (box.dataset.redrawn || "").split(" ").filter(Boolean);
    const same = [];
    for (const id of ids) {
      try {
        const r = await fetch("figures/" + id + ".svg");
        if (r.ok && (await r.text()) === box.nnSvgs[id]) same.push(id);
      } catch (e) {
        // An unreadable published file: the figure is simply not counted as the same.
      }
    }
    box.dataset.same = same.join(" ");
    const p = document.createElement("p");
    p.className = "nn-live-same";
    p.textContent = ids.length + (ids.length === 1 ? " figure" : " figures") + " redrawn; " +
      (same.length === ids.length
        ? "each is the published SVG byte for byte."
        : same.length + " of them equal the published SVG byte for byte.");
    box.querySelector(".nn-live-result").appendChild(p);
    box.dataset.compared = "1";
  }

  // An animated figure's SVG is inline: swap it and restart its controls (book.js).
  function swapAnimation(fig, svg) {
    const holder = fig.querySelector(".nn-anim-svg");
    if (fig.nnPublished === undefined) fig.nnPublished = holder.innerHTML;
    holder.innerHTML = svg === null ? fig.nnPublished : svg;
    const controls = fig.querySelector(".nn-anim-controls");
    if (!controls || !window.nnbookAnimate) return;
    // A fresh copy of the controls drops the listeners bound to the old frames.
    const fresh = controls.cloneNode(true);
    controls.replaceWith(fresh);
    const range = fresh.querySelector(".nn-scrubber");
    const frames = holder.querySelectorAll(".nn-frame").length;
    if (range) {
      range.max = String(Math.max(frames - 1, 0));
      range.value = range.max;
    }
    window.nnbookAnimate(fig);
  }

  // Put each redrawn figure's SVG in place of the published one (null: the published ones
  // again); returns the lines saying which figures could not be redrawn, and why.
  function redraw(box, drawn) {
    const notes = [];
    const done = [];
    box.nnSvgs = {};
    for (const id of (box.dataset.figures || "").split(" ").filter(Boolean)) {
      const fig = document.getElementById(id);
      if (!fig) continue;
      const d = drawn && drawn[id];
      const svg = d && d.svg ? d.svg : null;
      if (svg) {
        box.nnSvgs[id] = svg;
        done.push(id);
      } else if (drawn) {
        const num = fig.querySelector(".nn-number");
        notes.push((num ? num.textContent : id) + " is as published: " +
          (d ? "it could not be redrawn (" + d.error + ")" : "the browser does not redraw this kind of figure") + ".");
      }
      if (fig.querySelector(".nn-anim-svg")) {
        if (svg || fig.dataset.live === "redrawn") swapAnimation(fig, svg);
      } else {
        const img = fig.querySelector("img");
        if (!img) continue;
        const link = fig.querySelector("a.nn-zoom");
        if (!img.dataset.published) img.dataset.published = img.getAttribute("src");
        if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
        const src = svg ? URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" })) : img.dataset.published;
        img.src = src;
        if (link) link.href = src;
      }
      fig.dataset.live = svg ? "redrawn" : "published";
    }
    box.dataset.redrawn = done.join(" ");
    return notes;
  }

  function show(box, data, m, authored, ms) {
    const out = m.ok;
    out.figures = m.figures;
    const status = box.querySelector(".nn-live-status");
    const result = box.querySelector(".nn-live-result");
    const pub = data.published;
    const same = out.digest === pub.digest && out.epochs_run === pub.epochs_run &&
      out.loss[out.loss.length - 1] === pub.loss;
    const last = (a) => (a && a.length ? a[a.length - 1] : null);
    const rows = [
      ["Epochs run", out.epochs_run, pub.epochs_run],
      ["Final loss", fmt(last(out.loss)), fmt(pub.loss)],
      ["Final accuracy", fmt(last(out.accuracy)), fmt(pub.accuracy)],
      ["Weights (digest)", out.digest, pub.digest],
    ];
    const table = document.createElement("table");
    table.className = "nn-live-table";
    const head = table.createTHead().insertRow();
    for (const h of ["", "This run", "Published"]) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = h;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const [name, mine, theirs] of rows) {
      const tr = body.insertRow();
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = name;
      tr.appendChild(th);
      tr.insertCell().textContent = String(mine);
      tr.insertCell().textContent = String(theirs);
    }
    const notes = redraw(box, out.figures || {});
    result.replaceChildren(table);
    for (const note of notes) {
      const p = document.createElement("p");
      p.textContent = note;
      result.appendChild(p);
    }
    compare(box);
    box.dataset.digest = out.digest;
    box.dataset.loss = out.loss.join(",");
    box.dataset.ms = ms.toFixed(0);
    box.dataset.matches = same ? "1" : "0";
    status.textContent = "Trained in " + (ms / 1000).toFixed(2) + " s. " + (same
      ? "Same bits as the build: this matches the published figure."
      : authored
        ? "These are the block's settings, yet the bits differ from the build's: please report it."
        : "The figures above are redrawn from this run; its numbers are in the table beside the published run's.");
  }

  function restore() {
    const m = /^#live=([^&]+)(.*)$/.exec(location.hash);
    if (!m) return;
    const id = decodeURIComponent(m[1]);
    const box = [...document.querySelectorAll("details.nn-live")].find((b) => b.dataset.experiment === id);
    if (!box) return;
    box.open = true;
    setup(box);
    const form = box.querySelector("form");
    const params = new URLSearchParams(m[2].slice(1));
    for (const [k, v] of params) {
      const el = NAMES.includes(k) && form.elements.namedItem(k);
      if (el) el.value = v;
    }
    box.scrollIntoView();
    if (!unavailable()) form.requestSubmit();
  }

  for (const box of document.querySelectorAll("details.nn-live")) {
    box.addEventListener("toggle", () => box.open && setup(box));
  }
  restore();
})();
