// Live figures in headless Chromium (run by tests/browser.rs): `node live.mjs <site url>`.
// For Leo's 2-2-1 network and Bagheri's M5 (2-3-1 on D4, 2,200 full-batch epochs) it opens the
// "Try it" control, trains at the block's own settings (the page must say it matches the
// published run) and times it; then changes settings through the controls, trains again and
// reports the browser's weight digest and loss bits for tests/browser.rs to compare with a
// native run; then reopens a shared link (#live=…) and checks it restores and trains. Each run
// waits for the figures' redraw: at the authored settings every redrawn figure must be the
// published SVG byte for byte; at changed settings the redrawn SVG goes into the report for
// tests/browser.rs to compare with a native draw. Last, a page saved to disk and opened from
// file:// must say why live mode is unavailable there.
// Prints `BENCH live_leo_ms N` / `BENCH live_tiny_ms N` and one JSON line {ok, failures, runs}.

import { chromium } from "playwright-core";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const base = process.argv[2];
const failures = [];
const fail = (what) => failures.push(what);
const userDataDir = mkdtempSync(join(tmpdir(), "nnbook-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.NNBOOK_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-dev-shm-usage"],
  viewport: { width: 1280, height: 900 },
});

const runs = [];
async function train(page, id, settings) {
  const box = page.locator(`details.nn-live[data-experiment="${id}"]`).first();
  if (!(await box.evaluate((b) => b.open))) await box.locator("summary").click();
  await box.locator("fieldset:not([disabled])").waitFor();
  for (const [name, value] of Object.entries(settings)) {
    const el = box.locator(`[name="${name}"]`);
    if ((await el.evaluate((e) => e.tagName)) === "SELECT") await el.selectOption(String(value));
    else await el.fill(String(value));
  }
  await box.evaluate((b) => { delete b.dataset.digest; delete b.dataset.error; });
  // Through the keyboard, as a reader without a mouse would.
  await box.locator('button[type="submit"]').focus();
  await page.keyboard.press("Enter");
  // Generous: training and redrawing in the page shares 2 cores with the other test binaries.
  await page.waitForFunction((b) => b.dataset.compared || b.dataset.error, await box.elementHandle(), { timeout: 90000 });
  const error = await box.evaluate((b) => b.dataset.error);
  if (error) throw new Error(`${id}: ${error}`);
  const out = await redrawn(box);
  for (const [fig, ok] of Object.entries(out.shown)) if (!ok) fail(`${id}: ${fig} does not show its redrawn SVG`);
  runs.push({ id, settings, ...out });
  return out;
}

// What a finished run left in the control, with the SVG of every figure it redrew (read back
// from the image the page now shows).
async function redrawn(box) {
  return await box.evaluate(async (b) => ({
    digest: b.dataset.digest,
    loss: b.dataset.loss.split(",").map(Number),
    ms: Number(b.dataset.ms),
    matches: b.dataset.matches === "1",
    status: b.querySelector(".nn-live-status").textContent,
    hash: location.hash,
    redrawn: b.dataset.redrawn.split(" ").filter(Boolean),
    same: b.dataset.same.split(" ").filter(Boolean),
    // The redrawn SVG as the module returned it; an image's must be what the page shows.
    svgs: b.nnSvgs,
    shown: Object.fromEntries(await Promise.all(b.dataset.redrawn.split(" ").filter(Boolean).map(async (id) => {
      const img = document.getElementById(id).querySelector(".nn-zoom img");
      return [id, img ? (await (await fetch(img.src)).text()) === b.nnSvgs[id] : document.getElementById(id).querySelector(".nn-anim-svg svg") !== null];
    }))),
  }));
}

const errors = [];
const page = await context.newPage();
page.on("pageerror", (e) => errors.push(String(e)));
page.on("console", (m) => m.type() === "error" && errors.push(m.text()));

await page.goto(base + "01-understanding-with-graphs.html");
const leo = await train(page, "leo-relu-0.1", {});
if (!leo.matches) fail(`leo-relu-0.1 at its own settings does not match the build: ${leo.status}`);
console.log(`BENCH live_leo_ms ${leo.ms}`);
if (leo.redrawn.join(" ") !== "leo-anim-relu-0.1" || leo.same.join(" ") !== leo.redrawn.join(" ")) {
  fail(`leo-relu-0.1 at its own settings: redrew ${leo.redrawn}, equal to the published SVG: ${leo.same}`);
}
const changed = await train(page, "leo-relu-0.1", { lr: "0.05", units: 2, activation: "tanh", epochs: 150, seed: 9 });
if (changed.redrawn.length !== 1 || changed.same.length) fail(`leo-relu-0.1 changed: redrew ${changed.redrawn}, same ${changed.same}`);
// An evolution draws two hidden units: with four the page keeps the published one and says so.
const four = await train(page, "leo-relu-0.1", { lr: "0.05", units: 4, activation: "tanh", epochs: 150, seed: 9 });
if (four.redrawn.length || !/as published/.test(await page.locator('details.nn-live[data-experiment="leo-relu-0.1"] .nn-live-result').first().textContent())) {
  fail(`leo-relu-0.1 with four units: redrew ${four.redrawn} without saying why not`);
}
if (changed.matches) fail("changed settings cannot match the published run");
if (!changed.hash.startsWith("#live=leo-relu-0.1&")) fail(`settings are not in the address: ${changed.hash}`);

await page.goto(base + "02-visual-understanding.html");
const m5 = await train(page, "bagheri-m5", {});
if (!m5.matches) fail(`bagheri-m5 at its own settings does not match the build: ${m5.status}`);
console.log(`BENCH live_tiny_ms ${m5.ms}`);
if (m5.redrawn.length !== 2) fail(`bagheri-m5 redrew ${m5.redrawn.join(", ") || "nothing"}, not its two figures`);
if (m5.same.join(" ") !== m5.redrawn.join(" ")) {
  fail(`bagheri-m5 at its own settings: only ${m5.same.join(", ") || "none"} of ${m5.redrawn.join(", ")} equal the published SVG`);
}
// Reset puts the published images back.
const m5box = page.locator('details.nn-live[data-experiment="bagheri-m5"]').first();
await m5box.locator('button[type="reset"]').click();
const back = await page.evaluate(() => [...document.querySelectorAll("figure[data-live]")].map((f) => f.dataset.live + " " + f.querySelector("img").getAttribute("src")));
if (back.some((b) => !b.startsWith("published figures/"))) fail(`Reset left redrawn figures: ${back}`);

// A shared link restores the settings and trains.
const link = base + "02-visual-understanding.html#live=bagheri-m6&lr=0.01&units=2&epochs=300";
const shared = await context.newPage();
shared.on("pageerror", (e) => errors.push(String(e)));
await shared.goto(link);
const box = shared.locator('details.nn-live[data-experiment="bagheri-m6"]').first();
await shared.waitForFunction((b) => b.dataset.digest || b.dataset.error, await box.elementHandle(), { timeout: 90000 });
await shared.waitForFunction((b) => b.dataset.compared || b.dataset.error, await box.elementHandle(), { timeout: 90000 });
const restoredFigures = await redrawn(box);
const restored = await box.evaluate((b) => ({
  open: b.open,
  lr: b.querySelector('[name="lr"]').value,
  units: b.querySelector('[name="units"]').value,
  epochs: b.querySelector('[name="epochs"]').value,
  digest: b.dataset.digest,
  loss: b.dataset.loss.split(",").map(Number),
}));
if (!restored.open || restored.lr !== "0.01" || restored.units !== "2" || restored.epochs !== "300") {
  fail(`the shared link did not restore its settings: ${JSON.stringify(restored)}`);
}
runs.push({ id: "bagheri-m6", settings: { lr: "0.01", units: 2, epochs: 300 }, digest: restored.digest, loss: restored.loss, svgs: restoredFigures.svgs });
if (restoredFigures.redrawn.length !== 2) fail(`the shared link redrew ${restoredFigures.redrawn.join(", ") || "nothing"}`);
if (restoredFigures.same.length) fail(`changed settings, yet ${restoredFigures.same} equal the published figures`);
// The experiment's other figures (kinds the browser does not redraw) stay as published.
const shown = await shared.evaluate(() => [...document.querySelectorAll("figure[data-live]")].map((f) => f.id + "=" + f.dataset.live));
const marked = shown.filter((s) => s.endsWith("=redrawn")).map((s) => s.split("=")[0]).sort();
if (marked.join(" ") !== [...restoredFigures.redrawn].sort().join(" ")) {
  fail(`the page marks ${marked} as redrawn, not ${restoredFigures.redrawn}: ${shown}`);
}

// From file://: the page says why live mode is off instead of failing silently.
const saved = mkdtempSync(join(tmpdir(), "nnbook-file-"));
mkdirSync(join(saved, "theme"));
for (const path of ["02-visual-understanding.html", "theme/live.js"]) {
  writeFileSync(join(saved, path), await (await fetch(base + path)).text());
}
const local = await context.newPage();
local.on("pageerror", (e) => errors.push(String(e)));
await local.goto("file://" + join(saved, "02-visual-understanding.html"));
const localBox = local.locator('details.nn-live[data-experiment="bagheri-m5"]').first();
await localBox.locator("summary").click();
const localStatus = await localBox.locator(".nn-live-status").textContent();
const localDisabled = await localBox.locator("fieldset").evaluate((f) => f.disabled);
if (!/file:\/\//.test(localStatus) || !localDisabled) fail(`from file:// the control says: ${localStatus}`);
rmSync(saved, { recursive: true, force: true });
for (const e of errors) fail(`page error: ${e}`);

await context.close();
rmSync(userDataDir, { recursive: true, force: true });
// The report carries the redrawn SVGs (hundreds of kB): exit only once a pipe has taken it all.
process.stdout.write(JSON.stringify({ ok: failures.length === 0, failures, runs }) + "\n", () =>
  process.exit(failures.length ? 1 : 0));
