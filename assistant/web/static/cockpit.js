// Cockpit behaviour without a build step: heatmap toggles and a live word diff of each
// edited section against the AI original. The server renders the same diff on load.
(function () {
  "use strict";

  function tokens(text) { return text.match(/\s+|[^\s]+/g) || []; }

  // Longest-common-subsequence diff over word tokens (sections are short).
  function diff(a, b) {
    var n = a.length, m = b.length, i, j;
    var dp = new Array(n + 1);
    for (i = 0; i <= n; i++) { dp[i] = new Int32Array(m + 1); }
    for (i = n - 1; i >= 0; i--) {
      for (j = m - 1; j >= 0; j--) {
        dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
      }
    }
    var out = [];
    function push(op, t) {
      if (out.length && out[out.length - 1].op === op) { out[out.length - 1].text += t; }
      else { out.push({ op: op, text: t }); }
    }
    i = 0; j = 0;
    while (i < n && j < m) {
      if (a[i] === b[j]) { push("equal", a[i]); i++; j++; }
      else if (dp[i + 1][j] >= dp[i][j + 1]) { push("delete", a[i]); i++; }
      else { push("insert", b[j]); j++; }
    }
    for (; i < n; i++) { push("delete", a[i]); }
    for (; j < m; j++) { push("insert", b[j]); }
    return out;
  }

  function render(target, chunks) {
    target.textContent = "";
    if (chunks.every(function (c) { return c.op === "equal"; })) {
      var note = document.createElement("span");
      note.className = "note";
      note.textContent = "Unchanged from the AI original.";
      target.appendChild(note);
      return;
    }
    chunks.forEach(function (c) {
      var node = c.op === "equal" ? document.createTextNode(c.text)
        : document.createElement(c.op === "insert" ? "ins" : "del");
      if (c.op !== "equal") { node.textContent = c.text; }
      target.appendChild(node);
    });
  }

  function words(text) { return text.split(/\s+/).filter(Boolean); }

  function lcsLength(a, b) {
    var prev = new Int32Array(b.length + 1), cur, i, j;
    for (i = 1; i <= a.length; i++) {
      cur = new Int32Array(b.length + 1);
      for (j = 1; j <= b.length; j++) {
        cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
      }
      prev = cur;
    }
    return prev[b.length];
  }

  // Share of words changed, as the server computes it (words inserted + deleted over both texts).
  function updateShare(areas) {
    var distance = 0, size = 0;
    areas.forEach(function (area) {
      var a = words(area.getAttribute("data-original") || ""), b = words(area.value);
      var same = lcsLength(a, b);
      distance += (a.length - same) + (b.length - same);
      size += a.length + b.length;
    });
    var out = document.getElementById("edit-share");
    if (out) { out.textContent = size ? Math.round(100 * distance / size) + "%" : "0%"; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input.hm-toggle").forEach(function (box) {
      box.addEventListener("change", function () {
        var img = document.getElementById(box.getAttribute("data-target"));
        if (img) { img.hidden = !box.checked; }
      });
    });

    var form = document.getElementById("draft-form");
    if (!form) { return; }
    var areas = Array.prototype.slice.call(form.querySelectorAll("textarea[data-section]"));
    var dirty = false;
    areas.forEach(function (area) {
      var target = document.getElementById("diff-" + area.getAttribute("data-section"));
      area.addEventListener("input", function () {
        dirty = true;
        if (target) { render(target, diff(tokens(area.getAttribute("data-original") || ""), tokens(area.value))); }
        updateShare(areas);
      });
    });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (e) {
      if (dirty) { e.preventDefault(); e.returnValue = ""; }
    });
  });
})();
