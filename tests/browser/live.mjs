// Live figures in headless Chromium (run by tests/browser.rs): `node live.mjs <site url>`.
// For Leo's 2-2-1 network and Bagheri's M5 (2-3-1 on D4, 2,200 full-batch epochs) it opens the
// "Try it" control, trains at the block's own settings (the page must say it matches the
// published run) and times it; then changes settings through the controls, trains again and
// reports the browser's weight digest and loss bits for tests/browser.rs to compare with a
// native run; then reopens a shared link (#live=…) and checks it restores and trains.
// Prints `BENCH live_leo_ms N` / `BENCH live_tiny_ms N` and one JSON line {ok, failures, runs}.

import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
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
  await page.waitForFunction((b) => b.dataset.digest || b.dataset.error, await box.elementHandle(), { timeout: 30000 });
  const error = await box.evaluate((b) => b.dataset.error);
  if (error) throw new Error(`${id}: ${error}`);
  const out = await box.evaluate((b) => ({
    digest: b.dataset.digest,
    loss: b.dataset.loss.split(",").map(Number),
    ms: Number(b.dataset.ms),
    matches: b.dataset.matches === "1",
    status: b.querySelector(".nn-live-status").textContent,
    hash: location.hash,
  }));
  runs.push({ id, settings, ...out });
  return out;
}

const errors = [];
const page = await context.newPage();
page.on("pageerror", (e) => errors.push(String(e)));
page.on("console", (m) => m.type() === "error" && errors.push(m.text()));

await page.goto(base + "01-understanding-with-graphs.html");
const leo = await train(page, "leo-relu-0.1", {});
if (!leo.matches) fail(`leo-relu-0.1 at its own settings does not match the build: ${leo.status}`);
console.log(`BENCH live_leo_ms ${leo.ms}`);
const changed = await train(page, "leo-relu-0.1", { lr: "0.05", units: 4, activation: "tanh", epochs: 150, seed: 9 });
if (changed.matches) fail("changed settings cannot match the published run");
if (!changed.hash.startsWith("#live=leo-relu-0.1&")) fail(`settings are not in the address: ${changed.hash}`);

await page.goto(base + "02-visual-understanding.html");
const m5 = await train(page, "bagheri-m5", {});
if (!m5.matches) fail(`bagheri-m5 at its own settings does not match the build: ${m5.status}`);
console.log(`BENCH live_tiny_ms ${m5.ms}`);

// A shared link restores the settings and trains.
const link = base + "02-visual-understanding.html#live=bagheri-m6&lr=0.01&units=2&epochs=300";
const shared = await context.newPage();
shared.on("pageerror", (e) => errors.push(String(e)));
await shared.goto(link);
const box = shared.locator('details.nn-live[data-experiment="bagheri-m6"]').first();
await shared.waitForFunction((b) => b.dataset.digest || b.dataset.error, await box.elementHandle(), { timeout: 30000 });
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
runs.push({ id: "bagheri-m6", settings: { lr: "0.01", units: 2, epochs: 300 }, digest: restored.digest, loss: restored.loss });
for (const e of errors) fail(`page error: ${e}`);

await context.close();
rmSync(userDataDir, { recursive: true, force: true });
console.log(JSON.stringify({ ok: failures.length === 0, failures, runs }));
process.exit(failures.length ? 1 : 0);
