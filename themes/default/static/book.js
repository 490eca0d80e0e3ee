// nnbook default theme: small niceties on top of pages that work without JavaScript.
// No dependencies; every feature checks that what it needs exists first.
(function () {
  "use strict";

  // ArrowLeft / ArrowRight follow the pager's rel="prev" / rel="next" links, unless a modifier
  // is held or the reader is typing somewhere.
  function isTyping(el) {
    if (!el || el === document.body) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function inSideways(el) {
    for (; el && el !== document.body && el.nodeType === 1; el = el.parentElement) {
      var x = getComputedStyle(el).overflowX;
      if ((x === "auto" || x === "scroll") && el.scrollWidth > el.clientWidth + 1) return true;
    }
    return false;
  }

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (isTyping(e.target) || isTyping(document.activeElement)) return;
    var rel = e.key === "ArrowLeft" ? "prev" : e.key === "ArrowRight" ? "next" : null;
    if (!rel) return;
    // Inside something that scrolls sideways (a wide table, code, an equation) the
    // arrows belong to it: the browser scrolls it, and the page never turns under the reader.
    if (inSideways(e.target) || inSideways(document.activeElement)) return;
    var link = document.querySelector('a[rel~="' + rel + '"][href]');
    if (!link) return;
    e.preventDefault();
    window.location.href = link.href;
  });

  // Evolution figures play with CSS alone; here the script takes over so a play/pause button
  // and an epoch slider (hidden without JavaScript) drive the same frames. An animation plays
  // once through when it scrolls into view (pausing while out of view) and stops on its last
  // frame, so six animations on a page do not all move at once; with reduced motion it shows
  // the last frame and waits for the reader.
  function initAnimation(fig, watch) {
    var frames = fig.querySelectorAll(".nn-frame");
    var controls = fig.querySelector(".nn-anim-controls");
    var range = fig.querySelector(".nn-scrubber");
    var button = fig.querySelector(".nn-play");
    var label = fig.querySelector(".nn-epoch");
    if (!frames.length || !controls || !range || !button || !label) return;
    var timer = null;
    // "auto": waits to be seen, "done": played or touched by the reader (no more autoplay).
    var state = "auto";
    function show(k) {
      fig.classList.add("nn-manual");
      for (var i = 0; i < frames.length; i++) {
        frames[i].style.visibility = i === k ? "visible" : "hidden";
      }
      fig.setAttribute("data-frame", String(k));
      range.value = String(k);
      label.textContent = "Epoch " + frames[k].getAttribute("data-epoch");
    }
    function pause() {
      if (timer) window.clearInterval(timer);
      timer = null;
      button.textContent = "Play";
      button.setAttribute("aria-pressed", "false");
    }
    function play() {
      pause();
      var k = Number(range.value);
      if (k >= frames.length - 1) k = -1;
      timer = window.setInterval(function () {
        k += 1;
        show(k);
        if (k >= frames.length - 1) {
          pause();
          state = "done";
        }
      }, 400);
      button.textContent = "Pause";
      button.setAttribute("aria-pressed", "true");
    }
    controls.hidden = false;
    button.addEventListener("click", function () {
      state = "done";
      if (timer) pause(); else play();
    });
    range.addEventListener("input", function () {
      state = "done";
      pause();
      show(Number(range.value));
    });
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (still) {
      show(frames.length - 1);
      return;
    }
    show(0);
    if (!watch) {
      play();
      return;
    }
    fig.nnbookSeen = function (seen) {
      if (state !== "auto") return;
      if (seen && !timer) play();
      else if (!seen && timer) pause();
    };
    watch.observe(fig);
  }
  // Live figures (live.js) restart an animation after swapping in a retrained one.
  window.nnbookAnimate = function (fig) {
    initAnimation(fig, null);
  };
  var anims = document.querySelectorAll("figure.nn-anim");
  var animWatch = null;
  if ("IntersectionObserver" in window) {
    animWatch = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.target.nnbookSeen) e.target.nnbookSeen(e.isIntersecting);
      });
    }, { threshold: 0.6 });
  }
  for (var a = 0; a < anims.length; a++) initAnimation(anims[a], animWatch);

  // The light/dark switch: a toggle button (aria-pressed = dark) that remembers the choice.
  // base.html applies a stored choice before the first paint; without one the system's
  // preference holds, and the button shows it.
  function setupThemeSwitch() {
    var button = document.querySelector(".theme-button");
    if (!button) return;
    var root = document.documentElement;
    var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
    function isDark() {
      var chosen = root.getAttribute("data-theme");
      if (chosen) return chosen === "dark";
      return !!(system && system.matches);
    }
    function sync() { button.setAttribute("aria-pressed", isDark() ? "true" : "false"); }
    button.hidden = false;
    sync();
    button.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("nnbook-theme", next); } catch (e) { /* private mode */ }
      sync();
    });
    if (system && system.addEventListener) system.addEventListener("change", sync);
  }

  // The on-page contents follow the reader: the link of the section being read gets
  // aria-current="location". A section is being read from when its heading passes the upper
  // part of the window until the next heading does.
  function followSections() {
    var links = document.querySelectorAll('.toc a[href^="#"]');
    if (!links.length || !("IntersectionObserver" in window)) return;
    var byId = {}, headings = [];
    Array.prototype.forEach.call(links, function (link) {
      var id = decodeURIComponent(link.getAttribute("href").slice(1));
      var h = document.getElementById(id);
      if (h) { byId[id] = link; headings.push(h); }
    });
    if (!headings.length) return;
    var current = null;
    function mark() {
      var line = window.innerHeight * 0.25, found = null;
      for (var i = 0; i < headings.length; i++) {
        if (headings[i].getBoundingClientRect().top <= line) found = headings[i];
        else break;
      }
      if (!found) found = headings[0];
      var link = byId[found.id];
      if (link === current) return;
      if (current) current.removeAttribute("aria-current");
      link.setAttribute("aria-current", "location");
      current = link;
    }
    var watch = new IntersectionObserver(mark, { rootMargin: "0px 0px -70% 0px" });
    headings.forEach(function (h) { watch.observe(h); });
    // A jump (a link, a search result) can pass every heading without one crossing the band.
    window.addEventListener("hashchange", mark);
    window.addEventListener("scrollend", mark);
    mark();
  }

  // Copy buttons on code blocks: the async clipboard API where allowed (secure contexts),
  // otherwise a hidden textarea and execCommand("copy").
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (err) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok;
  }

  function copyText(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { done(true); },
        function () { done(fallbackCopy(text)); }
      );
    } else {
      done(fallbackCopy(text));
    }
  }

  function addCopyButtons() {
    var blocks = document.querySelectorAll("pre > code");
    Array.prototype.forEach.call(blocks, function (code) {
      var pre = code.parentNode;
      if (!pre || pre.querySelector(".copy-button")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy code to clipboard");
      var timer = null;
      button.addEventListener("click", function () {
        copyText(code.textContent || "", function (ok) {
          button.textContent = ok ? "Copied" : "Copy failed";
          button.classList.add("copied");
          if (timer) clearTimeout(timer);
          timer = setTimeout(function () {
            button.textContent = "Copy";
            button.classList.remove("copied");
          }, 1500);
        });
      });
      pre.appendChild(button);
    });
  }

  // On narrow screens the chapter list and the on-page contents start folded (they are open
  // in the HTML so that readers without JavaScript see them), and unfold again on wide screens.
  function foldOnNarrow(selector, query) {
    var box = document.querySelector(selector);
    if (!box || !window.matchMedia) return;
    var mq = window.matchMedia(query);
    if (mq.matches) box.open = false;
    var onChange = function (ev) {
      if (!ev.matches) box.open = true;
    };
    if (mq.addEventListener) mq.addEventListener("change", onChange);
    else if (mq.addListener) mq.addListener(onChange);
  }


  // Search: the index (search-index.js, written at build time) is loaded the first time the
  // reader opens search. Queries are tokenised as the index was (src/site/search.rs): words of
  // letters and digits, lower-cased, single letters dropped; CJK runs as character bigrams.
  // Every query token must match a term (the last one, or any, as a prefix). Results are built
  // with textContent only.
  function siteRoot() {
    var meta = document.querySelector('meta[name="nnbook-root"]');
    return meta ? meta.getAttribute("content") || "" : "";
  }

  function isCjk(c) {
    var n = c.codePointAt(0);
    return (n >= 0x3040 && n <= 0x30ff) || (n >= 0x3400 && n <= 0x4dbf) ||
      (n >= 0x4e00 && n <= 0x9fff) || (n >= 0xac00 && n <= 0xd7af) ||
      (n >= 0xf900 && n <= 0xfaff) || (n >= 0x20000 && n <= 0x2ffff);
  }

  var wordChar = /[\p{L}\p{N}\p{M}]/u;

  function tokenize(text) {
    var out = [], word = "", run = [];
    function flushWord() {
      var n = Array.from(word).length;
      if (n > 1 || (n === 1 && /[0-9]/.test(word))) out.push(word);
      word = "";
    }
    function flushRun() {
      if (run.length === 1) out.push(run[0]);
      for (var i = 0; i + 1 < run.length; i++) out.push(run[i] + run[i + 1]);
      run = [];
    }
    Array.from(text).forEach(function (c) {
      if (isCjk(c)) { flushWord(); run.push(c); }
      else if (wordChar.test(c)) { flushRun(); word += c.toLowerCase(); }
      else { flushWord(); flushRun(); }
    });
    flushWord();
    flushRun();
    return out;
  }

  function runSearch(index, query) {
    var tokens = tokenize(query);
    if (!tokens.length) return [];
    if (!index.termList) index.termList = Object.keys(index.terms).sort();
    var scores = null;
    tokens.forEach(function (tok) {
      var hits = {};
      var exact = index.terms[tok];
      if (exact) exact.forEach(function (d) { hits[d] = 3; });
      index.termList.forEach(function (term) {
        if (term !== tok && term.lastIndexOf(tok, 0) === 0) {
          index.terms[term].forEach(function (d) { if (!hits[d]) hits[d] = 1; });
        }
      });
      if (scores === null) {
        scores = hits;
      } else {
        var next = {};
        Object.keys(scores).forEach(function (d) {
          if (hits[d]) next[d] = scores[d] + hits[d];
        });
        scores = next;
      }
    });
    var lower = query.toLowerCase().trim();
    return Object.keys(scores).map(function (d) {
      var doc = index.docs[d];
      var score = scores[d];
      if (doc[2].toLowerCase().indexOf(lower) !== -1) score += 5;
      if (doc[3] === "section") score += 1;
      return { doc: doc, n: +d, score: score };
    }).sort(function (a, b) { return b.score - a.score || a.n - b.n; }).slice(0, 30);
  }

  var searchIndex = null, searchLoading = false;

  function loadIndex(done) {
    if (window.nnbookSearchIndex) { searchIndex = window.nnbookSearchIndex; done(); return; }
    if (searchLoading) return;
    searchLoading = true;
    var script = document.createElement("script");
    script.src = siteRoot() + "search-index.js";
    script.onload = function () { searchIndex = window.nnbookSearchIndex || null; done(); };
    script.onerror = function () { searchLoading = false; done(new Error("not loaded")); };
    document.head.appendChild(script);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function setupSearch() {
    var button = document.querySelector(".search-button");
    if (!button || typeof HTMLDialogElement === "undefined") return;
    var dialog = el("dialog", "search-dialog");
    dialog.setAttribute("aria-labelledby", "search-heading");
    var heading = el("h2", "visually-hidden", "Search the book");
    heading.id = "search-heading";
    var form = el("form");
    form.setAttribute("role", "search");
    var input = el("input", "search-input");
    input.type = "search";
    input.placeholder = "Search the book";
    input.setAttribute("aria-label", "Search the book");
    input.autocomplete = "off";
    var close = el("button", "search-close", "Close");
    close.type = "button";
    var status = el("p", "search-status");
    status.setAttribute("aria-live", "polite");
    var list = el("ul", "search-results");
    form.appendChild(input);
    form.appendChild(close);
    dialog.appendChild(heading);
    dialog.appendChild(form);
    dialog.appendChild(status);
    dialog.appendChild(list);
    document.body.appendChild(dialog);

    function render() {
      while (list.firstChild) list.removeChild(list.firstChild);
      var q = input.value;
      if (!searchIndex) { status.textContent = searchLoading ? "Loading the index…" : "The search index could not be loaded."; return; }
      if (!q.trim()) { status.textContent = ""; return; }
      var results = runSearch(searchIndex, q);
      status.textContent = results.length ? results.length + (results.length === 1 ? " result" : " results") : "No results for “" + q + "”";
      results.forEach(function (r) {
        var d = r.doc;
        var a = el("a", "search-result");
        a.href = siteRoot() + d[0] + (d[1] ? "#" + encodeURIComponent(d[1]) : "");
        a.appendChild(el("span", "search-result-title", d[2] || d[4]));
        a.appendChild(el("span", "search-result-where", d[3] === "page" ? d[4] : d[4] + " · " + (d[3] === "figure" ? "figure" : "section")));
        if (d[5]) a.appendChild(el("span", "search-result-snippet", d[5]));
        a.addEventListener("click", function () { dialog.close(); });
        var li = el("li");
        li.appendChild(a);
        list.appendChild(li);
      });
    }

    function open() {
      if (!dialog.open) dialog.showModal();
      input.focus();
      input.select();
      loadIndex(render);
      render();
    }

    button.hidden = false;
    button.addEventListener("click", open);
    close.addEventListener("click", function () { dialog.close(); });
    input.addEventListener("input", render);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) { dialog.close(); window.location.href = first.href; }
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") {
        var first = list.querySelector("a");
        if (first) { e.preventDefault(); first.focus(); }
      }
    });
    list.addEventListener("keydown", function (e) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var i = links.indexOf(document.activeElement);
      if (i < 0) return;
      if (e.key === "ArrowDown" && i + 1 < links.length) { e.preventDefault(); links[i + 1].focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (i > 0 ? links[i - 1] : input).focus(); }
    });
    dialog.addEventListener("click", function (e) { if (e.target === dialog) dialog.close(); });
    document.addEventListener("keydown", function (e) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      if (isTyping(e.target) || isTyping(document.activeElement)) return;
      if (e.key === "/" || e.key === "s") { e.preventDefault(); open(); }
    });
  }

  // Tables and code wider than the text column scroll sideways; keyboard readers reach the
  // hidden part only if the scrolling box can take focus (WCAG 2.1.1).
  function markScrollables() {
    var boxes = document.querySelectorAll(".content table, .content .nn-scroll, .content .nn-anim-svg, .content pre, .content math[display=\"block\"]");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
          box.setAttribute("data-nn-scroll", "");
        }
      } else if (box.hasAttribute("data-nn-scroll")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-nn-scroll");
      }
    });
  }

  function init() {
    addCopyButtons();
    markScrollables();
    var resizeTimer = null;
    window.addEventListener("resize", function () {
      if (resizeTimer) clearTimeout(resizeTimer);
      resizeTimer = setTimeout(markScrollables, 150);
    });
    setupSearch();
    setupThemeSwitch();
    followSections();
    foldOnNarrow(".sidebar .collapsible", "(max-width: 760px)");
    foldOnNarrow(".toc .collapsible", "(max-width: 1180px)");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
