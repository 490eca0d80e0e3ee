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

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (isTyping(e.target) || isTyping(document.activeElement)) return;
    var rel = e.key === "ArrowLeft" ? "prev" : e.key === "ArrowRight" ? "next" : null;
    if (!rel) return;
    var link = document.querySelector('a[rel~="' + rel + '"][href]');
    if (!link) return;
    e.preventDefault();
    window.location.href = link.href;
  });

  // Evolution figures play with CSS alone; here the script takes over so a play/pause button
  // and an epoch slider (hidden without JavaScript) drive the same frames.
  function initAnimation(fig) {
    var frames = fig.querySelectorAll(".nn-frame");
    var controls = fig.querySelector(".nn-anim-controls");
    var range = fig.querySelector(".nn-scrubber");
    var button = fig.querySelector(".nn-play");
    var label = fig.querySelector(".nn-epoch");
    if (!frames.length || !controls || !range || !button || !label) return;
    var timer = null;
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
        k = (k + 1) % frames.length;
        show(k);
      }, 400);
      button.textContent = "Pause";
      button.setAttribute("aria-pressed", "true");
    }
    controls.hidden = false;
    button.addEventListener("click", function () {
      if (timer) pause(); else play();
    });
    range.addEventListener("input", function () {
      pause();
      show(Number(range.value));
    });
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (still) {
      show(frames.length - 1);
    } else {
      show(0);
      play();
    }
  }
  var anims = document.querySelectorAll("figure.nn-anim");
  for (var a = 0; a < anims.length; a++) initAnimation(anims[a]);

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

  function init() {
    addCopyButtons();
    foldOnNarrow(".sidebar .collapsible", "(max-width: 760px)");
    foldOnNarrow(".toc .collapsible", "(max-width: 1180px)");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
