// What a reader can read: the smallest rendered text of every figure, and boxes that stick out
// of the page. Used by run.mjs (and by hand: import it in a script of your own).
//
// Issue 16's limits: at 1280 CSS px wide no text inside a figure renders below 11 px, at 390 px
// none below 9 px; at 1280 px nothing sticks out sideways except inside an explicit scroll box,
// and no table or figure needs one.

export const LIMITS = [
  { width: 1280, min: 11 },
  { width: 390, min: 9 },
];

/** For every figure on the page, the smallest rendered font size of its text in CSS px, with
 * that text. Inline SVG is measured where it is; an SVG in an <img> is drawn again at the
 * image's rendered width in a shadow root (so no page CSS reaches it) and measured there: font
 * size × the scale from the SVG's user units to the screen, which is the rendered-to-viewBox
 * scale. Every text element counts, hidden animation frames too (they show in turn). */
export async function smallestText(page) {
  return page.evaluate(async () => {
    function measure(svg) {
      let min = Infinity;
      let text = "";
      for (const t of svg.querySelectorAll("text")) {
        const words = t.textContent.trim();
        if (!words) continue;
        const m = t.getScreenCTM();
        if (!m) continue;
        // Rotated labels (a y-axis title) keep their size: the determinant's root is the scale.
        const size = parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
        if (size < min) {
          min = size;
          text = words.slice(0, 40);
        }
      }
      return { min, text };
    }
    const out = [];
    for (const fig of document.querySelectorAll("figure.nn-figure")) {
      const shown = [];
      for (const svg of fig.querySelectorAll("svg")) {
        if (svg.parentElement.closest("svg")) continue;
        shown.push({ what: "inline svg", width: svg.getBoundingClientRect().width, ...measure(svg) });
      }
      for (const img of fig.querySelectorAll("img")) {
        const width = img.getBoundingClientRect().width;
        const source = await (await fetch(img.currentSrc || img.src)).text();
        const host = document.createElement("div");
        host.style.cssText = `position:absolute;left:-20000px;top:0;width:${width}px`;
        document.body.append(host);
        const root = host.attachShadow({ mode: "open" });
        root.innerHTML = source.replace(/^<\?xml[^>]*>/, "");
        const svg = root.querySelector("svg");
        let r = { min: Infinity, text: "" };
        if (svg) {
          const vb = svg.viewBox.baseVal;
          const w = vb && vb.width ? vb.width : parseFloat(svg.getAttribute("width"));
          const h = vb && vb.height ? vb.height : parseFloat(svg.getAttribute("height"));
          if (!svg.getAttribute("viewBox") && w && h) svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
          svg.setAttribute("width", String(width));
          svg.setAttribute("height", String(w ? (width * h) / w : 0));
          r = measure(svg);
        }
        host.remove();
        shown.push({ what: img.getAttribute("src"), width, ...r });
      }
      for (const s of shown) out.push({ id: fig.id, ...s });
    }
    return out;
  });
}

/** At the page's current width: elements that stick out of the page or of a box that clips
 * them (an explicit scroll box, overflow auto or scroll, may hold wider content), and tables or
 * figures that need their scroll box at all. */
export async function overflowing(page) {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const problems = [];
    const label = (el) => {
      const id = el.id || el.closest("[id]")?.id || "";
      return `<${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : ""}>${id ? " in #" + id : ""}`;
    };
    if (document.documentElement.scrollWidth > vw + 1) {
      problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px in ${vw})`);
    }
    for (const el of document.querySelectorAll("body *")) {
      // Inside a drawing or a formula, the drawing or formula is the unit.
      if (el.parentElement.closest("svg, math")) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (getComputedStyle(el).position === "fixed") continue;
      let box = el.parentElement;
      while (box && box !== document.body && getComputedStyle(box).overflowX === "visible") box = box.parentElement;
      const clip = box && box !== document.body ? box.getBoundingClientRect() : { left: 0, right: vw };
      const scrolls = box && box !== document.body && ["auto", "scroll"].includes(getComputedStyle(box).overflowX);
      if (!scrolls && (r.right > clip.right + 1 || r.left < clip.left - 1)) {
        problems.push(`${label(el)} sticks out by ${Math.round(Math.max(r.right - clip.right, clip.left - r.left))} px`);
      }
    }
    for (const el of document.querySelectorAll("table, figure, figure *")) {
      if (el.closest("svg, math, pre, details")) continue;
      if (el.scrollWidth > el.clientWidth + 1 && ["auto", "scroll"].includes(getComputedStyle(el).overflowX)) {
        problems.push(`${label(el)} needs to scroll (${el.scrollWidth} px in ${el.clientWidth})`);
      }
    }
    return [...new Set(problems)];
  });
}
