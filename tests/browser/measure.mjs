// By hand: the smallest figure text on each page of a served site, at 1280 and 390 px, and what
// sticks out at 1280 px (the checks run.mjs makes, printed as a table to look at).
//
//   node measure.mjs <site url ending in /> [page.html ...]

import { chromium } from "playwright-core";
import { LIMITS, smallestText, overflowing } from "./legibility.mjs";

const [base, ...only] = process.argv.slice(2);
if (!base || !base.endsWith("/")) {
  console.error("usage: node measure.mjs <site url ending in /> [page.html ...]");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.NNBOOK_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const manifest = await (await fetch(new URL("manifest.json", base))).json();
const pages = only.length ? only : ["index.html", ...manifest.chapters.map((c) => c.page)];
let bad = 0;
for (const name of pages) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(new URL(name, base).href, { waitUntil: "load" });
  const rows = {};
  for (const { width, min } of LIMITS) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(100);
    for (const f of await smallestText(page)) {
      const key = `${f.id} ${f.what === "inline svg" ? "" : ""}`.trim();
      rows[key] = rows[key] || { id: f.id };
      rows[key][width] = `${f.min.toFixed(1)} (${Math.round(f.width)} px wide)${f.min < min ? " TOO SMALL: " + f.text : ""}`;
      if (f.min < min) bad += 1;
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.waitForTimeout(100);
  console.log(`== ${name}`);
  for (const r of Object.values(rows)) console.log(`  ${r.id.padEnd(28)} 1280: ${r[1280].padEnd(40)} 390: ${r[390]}`);
  for (const p of await overflowing(page)) {
    bad += 1;
    console.log(`  overflow at 1280: ${p}`);
  }
  await page.close();
}
await browser.close();
console.log(`${bad} problems`);
