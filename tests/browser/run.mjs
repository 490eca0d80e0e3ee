// Browser checks of a served nnbook site, driven by headless Chromium (playwright-core, no
// bundled browser: Debian's /usr/bin/chromium). Run by tests/browser.rs:
//
//   node run.mjs <site url ending in /> <artifacts dir> [search word]
//
// The site is expected under a sub-path (e.g. http://127.0.0.1:PORT/book/), as on GitHub
// Pages. Checks, for every page listed in manifest.json plus the front page and the 404 page:
//   - it loads with no console errors, no page errors, no failed requests, no HTTP errors,
//     and no request leaving the sub-path;
//   - every figure image is decoded (naturalWidth > 0) and has a visible box;
//   - an animated figure (.nn-anim), when present, moves to its last frame with the scrubber;
//   - axe-core reports no serious or critical violations;
//   - printed (emulated print media), every animation shows its last frame and no controls,
//     figures fit the page and tables are whole.
// print.html (the whole book) also has unique ids, links that stay on the page, and prints
// to a sane number of A4 pages. On the first chapter: the light/dark switch (axe in both
// themes, remembered on the next page before its first paint); on the first chapter with
// animations: they wait until seen, play then, stay still with reduced motion, and the
// on-page contents highlight the section read. The 404 page is styled and its links work
// at two depths.
// Then: search finds the word and clicking the first result navigates to it; screenshots of
// the front page and the first chapter go into the artifacts dir.
// Prints one JSON line {ok, failures, pages, ms} and exits 1 when anything failed.

import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LIMITS, smallestText, overflowing } from "./legibility.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
// Figures still known to render text below issue 16's limits at one width (small multiples and
// animations on a phone), each with the size it measured: one that gets smaller, or a figure
// that is not listed, fails; one that now reads well must leave the list.
const known = JSON.parse(readFileSync(new URL("./legibility-known.json", import.meta.url), "utf8"));

// `node run.mjs --live <site url> <chapter file> <page>`: live reload in a real browser
// instead (a fixture book's copy: the script edits the chapter).
const live = process.argv[2] === "--live";
const args = process.argv.slice(live ? 3 : 2);
const [base, artifacts = "artifacts", word = "sigmoid"] = live ? [args[0], "", ""] : args;
if (!base || !base.endsWith("/") || (live && args.length < 3)) {
  console.error("usage: node run.mjs <site url ending in /> <artifacts dir> [word]");
  process.exit(2);
}
const started = Date.now();
const basePath = new URL(base).pathname;
const failures = [];
const fail = (where, what) => failures.push(`${where}: ${what}`);
if (!live) mkdirSync(artifacts, { recursive: true });

const userDataDir = mkdtempSync(join(tmpdir(), "nnbook-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.NNBOOK_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
  ],
  viewport: { width: 1280, height: 900 },
});

/** Open a page with listeners that record every problem under `name`. */
async function open(name) {
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    // The 404 page is itself a 404 response, which Chromium logs.
    if (name === "404.html" && msg.text().includes("status of 404")) return;
    fail(name, `console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => fail(name, `page error: ${err.message}`));
  page.on("requestfailed", (req) => {
    // The live-reload stream is cut when a page is closed or navigates away.
    if (req.url().includes("__nnbook/events")) return;
    fail(name, `request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on("request", (req) => {
    const u = new URL(req.url());
    if (u.protocol.startsWith("http") && !u.pathname.startsWith(basePath)) {
      fail(name, `request outside the site's path: ${req.url()}`);
    }
  });
  page.on("response", (res) => {
    const expected404 = name === "404.html" && res.url().endsWith("no-such-page.html");
    if (res.status() >= 400 && !expected404) fail(name, `HTTP ${res.status()} for ${res.url()}`);
  });
  return page;
}

async function checkFigures(page, name) {
  const bad = await page.evaluate(async () => {
    const imgs = Array.from(document.querySelectorAll("figure.nn-figure img"));
    await Promise.all(
      imgs.map((img) => {
        img.loading = "eager";
        return img.decode().catch(() => {});
      }),
    );
    const out = [];
    for (const img of imgs) {
      const box = img.getBoundingClientRect();
      if (!img.complete || img.naturalWidth === 0) out.push(`${img.getAttribute("src")} not decoded`);
      else if (box.width < 10 || box.height < 10) out.push(`${img.getAttribute("src")} has no visible box`);
    }
    const svgs = document.querySelectorAll("figure.nn-figure > svg, figure.nn-anim > .nn-anim-svg > svg");
    for (const svg of svgs) {
      const box = svg.getBoundingClientRect();
      if (box.width < 10 || box.height < 10) out.push(`inline svg in #${svg.closest("figure").id} has no visible box`);
    }
    return { bad: out, count: imgs.length + svgs.length };
  });
  for (const b of bad.bad) fail(name, b);
  return bad.count;
}

/** Every figure's smallest text at 1280 and 390 px, and nothing sticking out at 1280 px. */
async function checkLegibility(page, name) {
  const seen = [];
  for (const { width, min } of LIMITS) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(150);
    for (const f of await smallestText(page)) {
      const key = `${f.id}@${width}`;
      seen.push(key);
      const listed = known[key];
      if (f.min >= min && listed !== undefined) fail(name, `${key} now reads at ${f.min.toFixed(1)} px: take it off legibility-known.json`);
      if (f.min < min && listed === undefined) fail(name, `figure #${f.id} at ${width} px renders text at ${f.min.toFixed(1)} px (below ${min}): "${f.text}"`);
      if (f.min < min && listed !== undefined && f.min < listed - 0.05) fail(name, `figure #${f.id} at ${width} px got smaller: ${f.min.toFixed(1)} px, was ${listed}`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.waitForTimeout(150);
  for (const p of await overflowing(page)) fail(name, `at 1280 px: ${p}`);
  return seen;
}

async function checkScrubber(page, name) {
  const result = await page.evaluate(() => {
    const fig = document.querySelector("figure.nn-anim");
    if (!fig) return null;
    const scrubber = fig.querySelector("input.nn-scrubber");
    if (!scrubber) return { error: "no .nn-scrubber" };
    if (scrubber.disabled) return { error: "scrubber left disabled" };
    const r = scrubber.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return { error: "scrubber not shown" };
    const frames = Array.from(fig.querySelectorAll(".nn-frame"));
    // From the first frame (the figure may be playing) to the last one.
    scrubber.value = scrubber.min || "0";
    scrubber.dispatchEvent(new Event("input", { bubbles: true }));
    const before = fig.getAttribute("data-frame");
    scrubber.value = scrubber.max;
    scrubber.dispatchEvent(new Event("input", { bubbles: true }));
    const after = fig.getAttribute("data-frame");
    const last = frames[frames.length - 1];
    const visible = (el) => {
      const s = getComputedStyle(el);
      return s.display !== "none" && s.visibility !== "hidden" && s.opacity !== "0";
    };
    return {
      id: fig.id,
      frames: frames.length,
      before,
      after,
      max: scrubber.max,
      lastVisible: last ? visible(last) : false,
      othersHidden: frames.slice(0, -1).every((f) => !visible(f)),
    };
  });
  if (result === null) return false;
  if (result.error) fail(name, `animation: ${result.error}`);
  else {
    if (result.after === result.before) fail(name, `animation #${result.id}: data-frame stayed ${result.before}`);
    if (String(result.after) !== String(result.max)) fail(name, `animation #${result.id}: data-frame ${result.after}, expected ${result.max}`);
    if (!result.lastVisible) fail(name, `animation #${result.id}: the last frame is not visible`);
    if (!result.othersHidden) fail(name, `animation #${result.id}: earlier frames still visible`);
  }
  return true;
}

async function checkAxe(page, name) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ content: axeSource });
  // Check what is folded away too ("How this figure was made", highlighted code).
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")})`);
  });
  for (const v of violations) fail(name, `axe: ${v}`);
}

/** Printing (emulated print media): every animation shows its last frame without controls,
 * figures fit the page, tables are not scroll boxes. */
async function checkPrint(page, name) {
  await page.emulateMedia({ media: "print" });
  const r = await page.evaluate(() => {
    const visible = (el) => {
      const s = getComputedStyle(el);
      return s.display !== "none" && s.visibility !== "hidden";
    };
    const out = { anims: 0, problems: [] };
    for (const fig of document.querySelectorAll("figure.nn-anim")) {
      out.anims += 1;
      const frames = Array.from(fig.querySelectorAll(".nn-frame"));
      const shown = frames.filter(visible).map((f) => f.getAttribute("data-epoch"));
      const last = frames[frames.length - 1].getAttribute("data-epoch");
      if (shown.length !== 1 || shown[0] !== last) out.problems.push(`#${fig.id} prints epoch(s) [${shown}], not the last (${last})`);
      const controls = fig.querySelector(".nn-anim-controls");
      if (controls && visible(controls) && controls.getBoundingClientRect().height > 0) out.problems.push(`#${fig.id} prints its controls`);
    }
    // 96 CSS px per inch: 85 mm is about 321 px.
    for (const el of document.querySelectorAll("figure.nn-figure img, figure.nn-figure > svg, .nn-anim-svg svg")) {
      const h = el.getBoundingClientRect().height;
      if (h > 330) out.problems.push(`#${el.closest("figure").id} prints ${Math.round(h)} px high`);
    }
    for (const t of document.querySelectorAll(".content table")) {
      if (getComputedStyle(t).display !== "table") out.problems.push(`a table prints as ${getComputedStyle(t).display}, a scroll box`);
    }
    for (const sel of [".sidebar", ".site-header", ".toc", ".theme-button", ".search-button"]) {
      const el = document.querySelector(sel);
      if (el && visible(el)) out.problems.push(`${sel} is printed`);
    }
    return out;
  });
  await page.emulateMedia({ media: null });
  for (const p of r.problems) fail(`${name} (print)`, p);
  return r.anims;
}

/** The light/dark switch: a pressed-state button that flips the theme, is remembered across
 * pages (localStorage) and applies before the first paint; axe is clean in both themes. */
async function checkThemeSwitch(page, name) {
  const button = page.locator(".theme-button");
  if (!(await button.isVisible())) return fail(name, "no visible theme switch");
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const before = { pressed: await button.getAttribute("aria-pressed"), bg: await bg() };
  for (const want of before.pressed === "true" ? ["false", "true"] : ["true", "false"]) {
    await button.click();
    const pressed = await button.getAttribute("aria-pressed");
    const theme = await page.evaluate(() => document.documentElement.getAttribute("data-theme"));
    const expected = want === "true" ? "dark" : "light";
    if (pressed !== want || theme !== expected) fail(name, `theme switch: aria-pressed ${pressed}, data-theme ${theme}, expected ${want}/${expected}`);
    await checkAxe(page, `${name} (${expected} theme, switched)`);
  }
  // Dark, then a new page: the choice holds from the first paint (the stylesheet is not even
  // needed to know it: base.html sets data-theme in <head>, before <body> is parsed).
  await button.click();
  const dark = await bg();
  if (dark === before.bg) fail(name, `theme switch: the background stayed ${dark}`);
  const other = await context.newPage();
  let early = null;
  other.on("domcontentloaded", async () => {
    early = await other.evaluate(() => document.documentElement.getAttribute("data-theme")).catch(() => null);
  });
  await other.goto(new URL("index.html", base).href, { waitUntil: "load" });
  const later = await other.evaluate(() => [document.documentElement.getAttribute("data-theme"), getComputedStyle(document.body).backgroundColor]);
  if (early !== "dark" || later[0] !== "dark" || later[1] !== dark) fail(name, `theme not remembered on the next page: ${early}, ${later}`);
  await other.evaluate(() => localStorage.removeItem("nnbook-theme"));
  await other.close();
}

/** Animations wait until they are seen, then play (one at a time as the reader scrolls);
 * with reduced motion none plays. The on-page contents follow the section being read. */
async function checkReading(url, name) {
  const page = await open(`${name} (reading)`);
  await page.goto(url, { waitUntil: "load" });
  await page.waitForTimeout(900);
  const state = () => page.evaluate(() => Array.from(document.querySelectorAll("figure.nn-anim")).map((f) => ({
    id: f.id,
    frame: f.getAttribute("data-frame"),
    playing: f.querySelector(".nn-play")?.getAttribute("aria-pressed") === "true",
    top: f.getBoundingClientRect().top,
  })));
  const unseen = (await state()).filter((a) => a.top > 900);
  for (const a of unseen) {
    if (a.playing || a.frame !== "0") fail(name, `animation #${a.id} plays before it is seen (frame ${a.frame})`);
  }
  if (unseen.length) {
    const target = unseen[0].id;
    await page.evaluate((id) => document.getElementById(id).scrollIntoView({ block: "center" }), target);
    await page.waitForTimeout(1000);
    const now = await state();
    const seen = now.find((a) => a.id === target);
    if (!seen.playing && seen.frame === "0") fail(name, `animation #${target} does not play once seen`);
    const elsewhere = now.filter((a) => a.id !== target && (a.top > 900 || a.top < -400) && a.playing);
    if (elsewhere.length) fail(name, `animations out of view play: ${elsewhere.map((a) => a.id)}`);
    // The contents highlight the section holding it.
    const current = await page.evaluate(() => document.querySelector('.toc a[aria-current="location"]')?.getAttribute("href"));
    const expected = await page.evaluate((id) => {
      const fig = document.getElementById(id);
      let best = null;
      for (const a of document.querySelectorAll('.toc a[href^="#"]')) {
        const h = document.getElementById(a.getAttribute("href").slice(1));
        if (h && h.compareDocumentPosition(fig) & Node.DOCUMENT_POSITION_FOLLOWING) best = a.getAttribute("href");
      }
      return best;
    }, target);
    if (!current || current !== expected) fail(name, `the contents highlight ${current}, not ${expected}`);
  }
  await page.close();
  const still = await context.newPage();
  await still.emulateMedia({ reducedMotion: "reduce" });
  await still.goto(url, { waitUntil: "load" });
  await still.waitForTimeout(600);
  const moving = await still.evaluate(() => Array.from(document.querySelectorAll("figure.nn-anim")).filter((f) => {
    const frames = f.querySelectorAll(".nn-frame");
    return f.getAttribute("data-frame") !== String(frames.length - 1) || f.querySelector(".nn-play").getAttribute("aria-pressed") === "true";
  }).map((f) => f.id));
  if (moving.length) fail(name, `with reduced motion these do not rest on their last frame: ${moving}`);
  await still.close();
}

/** The whole book on one page: every chapter, unique ids, links that stay on the page, and a
 * sane number of A4 pages when printed. */
async function checkPrintPage(page, name, chapters) {
  const r = await page.evaluate(() => {
    const ids = Array.from(document.querySelectorAll("[id]")).map((e) => e.id);
    const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
    const broken = [];
    let internal = 0;
    for (const a of document.querySelectorAll(".content a[href]")) {
      const href = a.getAttribute("href");
      if (/^[0-9A-Za-z_-]+\.html(#|$)/.test(href) && href !== "index.html") broken.push(`leaves the page: ${href}`);
      if (href.startsWith("#")) {
        internal += 1;
        if (!document.getElementById(decodeURIComponent(href.slice(1)))) broken.push(`no target: ${href}`);
      }
    }
    return { dup, broken, internal, sections: document.querySelectorAll(".print-chapter").length };
  });
  if (r.dup.length) fail(name, `duplicate ids: ${r.dup.slice(0, 5)}`);
  for (const b of r.broken.slice(0, 10)) fail(name, b);
  if (r.sections !== chapters) fail(name, `${r.sections} chapters on the page, expected ${chapters}`);
  const pdf = await page.pdf({ format: "A4" });
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
  const { figures, words } = await page.evaluate(() => {
    // The prose: the page without its figures, tables, sources and navigation.
    const body = document.body.cloneNode(true);
    for (const e of body.querySelectorAll("figure, details, svg, script, style, nav, math")) e.remove();
    return { figures: document.querySelectorAll("figure").length, words: body.textContent.split(/\s+/).filter(Boolean).length };
  });
  // Each chapter starts a page; then about two figures fit a page, plus the prose at about 600
  // words to an A4 page. Measured (issue 16): chapter 2 printed 48 figures on 42 pages before
  // the print stylesheet; the whole book 68 pages for 117 figures and tables and 7,226 words of
  // prose, then 72 for 118 and 8,332 once the guide gained its citation and weight-file
  // sections. One figure to a page would print 118 pages or more and fail.
  const most = chapters + figures * 0.5 + words / 600;
  if (pages < chapters || pages > most) fail(name, `${pages} A4 pages for ${chapters} chapters, ${figures} figures and tables and ${words} words (at most ${Math.floor(most)})`);
  return { pages, figures, links: r.internal };
}

const report = { pages: [], figures: 0, animations: 0 };
if (live) {
  const [, file, pageName] = args;
  const { writeFileSync } = await import("node:fs");
  const original = readFileSync(file, "utf8");
  const name = `live ${pageName}`;
  try {
    const page = await open(name);
    await page.goto(new URL(pageName, base).href, { waitUntil: "load" });
    // Wait for the event stream to be connected before editing.
    await page.waitForTimeout(300);
    // 1. A prose edit (with CJK text): the page reloads by itself and shows it.
    const reloaded = page.waitForEvent("load", { timeout: 20000 });
    writeFileSync(file, original + "\n\nLive edit: 神经网络的训练。\n");
    await reloaded;
    if (!(await page.evaluate(() => document.body.innerText.includes("神经网络的训练")))) fail(name, "the edit is not on the reloaded page");
    // The new words are searchable, CJK included.
    await page.click(".search-button");
    await page.fill(".search-dialog input[type=search]", "神经网络");
    await page.locator(".search-results a").first().waitFor({ timeout: 5000 }).catch(() => fail(name, "CJK search found nothing"));
    await page.keyboard.press("Escape");
    // 2. A broken block: the overlay appears, escaped.
    const broken = page.waitForEvent("load", { timeout: 20000 });
    writeFileSync(file, original.replace(/```nn\n/, "```nn\nbogus_key: <b>x</b>\n"));
    await broken;
    const overlay = await page.evaluate(() => {
      const o = document.getElementById("nnbook-error");
      return o ? { text: o.innerText, bold: o.querySelectorAll("b").length, box: o.getBoundingClientRect().height } : null;
    });
    if (!overlay) fail(name, "no error overlay after breaking a block");
    else {
      if (!overlay.text.includes("bogus_key")) fail(name, `overlay does not name the problem: ${overlay.text.slice(0, 200)}`);
      if (overlay.bold) fail(name, "overlay text is not escaped");
      if (overlay.box < 50) fail(name, "overlay not visible");
    }
    // 3. Fixed: the overlay goes away.
    const fixed = page.waitForEvent("load", { timeout: 20000 });
    writeFileSync(file, original);
    await fixed;
    if (await page.evaluate(() => !!document.getElementById("nnbook-error"))) fail(name, "overlay still shown after the fix");
    report.pages.push(pageName);
    await page.close();
  } catch (e) {
    fail("runner", e && e.stack ? e.stack : String(e));
  } finally {
    writeFileSync(file, original);
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  report.ok = failures.length === 0;
  report.failures = failures;
  report.ms = Date.now() - started;
  console.log(JSON.stringify(report));
  process.exit(report.ok ? 0 : 1);
}
try {
  const manifest = await (await fetch(new URL("manifest.json", base))).json();
  // Which pages have animations (the reading checks need one).
  const anims = {};
  for (const c of manifest.chapters) {
    const html = await (await fetch(new URL(c.page, base))).text();
    anims[c.page] = html.includes("nn-anim");
  }
  const pages = ["index.html", ...manifest.chapters.map((c) => c.page)];
  for (const name of [...pages, "print.html"]) {
    const page = await open(name);
    const res = await page.goto(new URL(name, base).href, { waitUntil: "load" });
    if (!res || res.status() !== 200) fail(name, `status ${res && res.status()}`);
    report.figures += await checkFigures(page, name);
    if (name !== "print.html") report.measured = (report.measured || 0) + (await checkLegibility(page, name)).length;
    if (await checkScrubber(page, name)) report.animations += 1;
    report.printedAnimations = (report.printedAnimations || 0) + (await checkPrint(page, name));
    if (name === "print.html") report.print = await checkPrintPage(page, name, manifest.chapters.length);
    await checkAxe(page, name);
    // The dark theme too, on every page (colours of text, code highlighting, figures' frames).
    await page.emulateMedia({ colorScheme: "dark" });
    await checkAxe(page, `${name} (dark)`);
    await page.emulateMedia({ colorScheme: "light" });
    if (name === pages[1]) await checkThemeSwitch(page, name);
    if (name === pages.find((p) => p !== "index.html" && anims[p])) await checkReading(new URL(name, base).href, name);
    if (name === "index.html" || name === pages[1]) {
      await page.screenshot({ path: join(artifacts, name.replace(/\.html$/, "") + ".png"), fullPage: name === "index.html" });
    }
    // Every page whole, at a desktop and a phone width, for a person to look at (CI keeps them).
    if (name !== "print.html") {
      mkdirSync(join(artifacts, "screenshots"), { recursive: true });
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await page.waitForTimeout(150);
        await page.screenshot({ path: join(artifacts, "screenshots", `${name.replace(/\.html$/, "")}-${width}.jpg`), fullPage: true, type: "jpeg", quality: 70 });
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    report.pages.push(name);
    await page.close();
  }

  // A missing page gets the 404 page, styled (its stylesheet loads) and accessible.
  {
    const name = "404.html";
    const page = await open(name);
    for (const missing of ["no-such-page.html", "deep/er/no-such-page.html"]) {
      const res = await page.goto(new URL(missing, base).href, { waitUntil: "load" });
      if (!res || res.status() !== 404) fail(name, `status ${res && res.status()} for ${missing}`);
      // Styled: its stylesheet loaded and applies (the header's rule).
      const styled = await page.evaluate(() => !!document.querySelector("h1") &&
        Array.from(document.styleSheets).some((s) => s.href && s.href.endsWith("theme/style.css") && s.cssRules.length > 10) &&
        getComputedStyle(document.querySelector(".site-header")).display === "flex");
      if (!styled) fail(name, `the 404 page at ${missing} is not styled`);
      // Its links lead to pages of the book, whatever the depth.
      const links = await page.evaluate(() => Array.from(document.querySelectorAll("a[href]")).map((a) => a.href).filter((h) => !h.includes("#")));
      for (const href of links) {
        const status = await page.evaluate(async (u) => { const r = await fetch(u); await r.text(); return r.status; }, href);
        if (status !== 200) fail(name, `at ${missing}, its link ${href} gives ${status}`);
      }
      if (links.length < 3) fail(name, `at ${missing}, only ${links.length} links`);
    }
    await checkAxe(page, name);
    report.pages.push(name);
    await page.close();
  }

  // Search: open with the button, type, click the first result.
  {
    const name = "search";
    const page = await open(name);
    await page.goto(new URL("index.html", base).href, { waitUntil: "load" });
    const indexRequests = [];
    page.on("request", (r) => r.url().includes("search-index") && indexRequests.push(r.url()));
    await page.waitForTimeout(100);
    if (indexRequests.length) fail(name, "the search index loaded before search was opened");
    await page.click(".search-button");
    await page.fill(".search-dialog input[type=search]", word);
    const first = page.locator(".search-results a").first();
    await first.waitFor({ timeout: 5000 }).catch(() => fail(name, `no result for "${word}"`));
    if (await first.count()) {
      const href = await first.getAttribute("href");
      const title = await first.locator(".search-result-title").textContent();
      await Promise.all([page.waitForURL((u) => u.href !== new URL("index.html", base).href), first.click()]);
      const url = new URL(page.url());
      if (!url.pathname.startsWith(basePath) || url.pathname.endsWith("/index.html")) {
        fail(name, `clicking "${title}" (${href}) went to ${url.href}`);
      }
      if (url.hash) {
        const target = await page.evaluate((id) => !!document.getElementById(id), decodeURIComponent(url.hash.slice(1)));
        if (!target) fail(name, `result anchor ${url.hash} is not on ${url.pathname}`);
      }
      const text = await page.evaluate(() => document.body.innerText.toLowerCase());
      if (!text.includes(word.toLowerCase())) fail(name, `the page of the first result does not mention "${word}"`);
      report.search = { word, first: title, url: url.pathname + url.hash };
    }
    await page.close();
  }
} catch (e) {
  fail("runner", e && e.stack ? e.stack : String(e));
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

report.ok = failures.length === 0;
report.failures = failures;
report.ms = Date.now() - started;
console.log(JSON.stringify(report));
process.exit(report.ok ? 0 : 1);
