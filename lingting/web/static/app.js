// lingting review pages: keyboard shortcuts and two small helpers (copy, dialogs).
// Written for this project. Every action here submits the same form a mouse user would, so the
// pages work without this file; the CSRF token travels in each form.
(function () {
  "use strict";

  var page = document.body.dataset.page;
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  var CATEGORIES = ["functional", "experience", "bug", "feature_request", "service", "question", "other"];
  var NOT_TYPING = ["checkbox", "radio", "button", "submit", "reset"];

  function typing(el) {
    if (!el || !el.tagName) return false;
    if (el.isContentEditable) return true;
    if (el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
    return el.tagName === "INPUT" && NOT_TYPING.indexOf(el.type) < 0;
  }

  function openDialog(id) {
    var dialog = document.getElementById(id);
    if (dialog && !dialog.open) dialog.showModal();
    return dialog;
  }

  $$("[data-close]").forEach(function (button) {
    button.addEventListener("click", function () { button.closest("dialog").close(); });
  });
  $$("[data-open-dialog]").forEach(function (button) {
    button.addEventListener("click", function () { openDialog(button.dataset.openDialog); });
  });
  $$("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = document.getElementById(button.dataset.copy).innerText;
      var done = function () { button.textContent = button.dataset.copied; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { selectAndCopy(button.dataset.copy); done(); });
      } else {
        selectAndCopy(button.dataset.copy);
        done();
      }
    });
  });

  function selectAndCopy(id) {
    var range = document.createRange();
    range.selectNodeContents(document.getElementById(id));
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    document.execCommand("copy");
  }

  // -- where a decision goes ------------------------------------------------------------------

  function pointForms(url, next) {
    $$("form.decide").forEach(function (form) {
      if (url) form.action = url;
      if (next !== null) form.elements.next.value = next;
    });
  }

  function submitQuick(action, category) {
    var form = $("#quick-form");
    if (!form || !form.action) return;
    form.elements.action.value = action;
    form.elements.category.value = category || "";
    form.submit();
  }

  function undo(next) {
    var form = $("#undo-form");
    if (!form) return;
    form.elements.next.value = next;
    form.submit();
  }

  // -- the queue --------------------------------------------------------------------------------

  function queueKeys() {
    var rows = $$("tr.item");
    var current = Math.max(0, rows.findIndex(function (r) { return r.classList.contains("current"); }));
    var selectedCount = $("#selected-count");

    function mark(index) {
      if (!rows.length) return;
      rows.forEach(function (r) { r.classList.remove("current"); });
      current = Math.min(Math.max(index, 0), rows.length - 1);
      rows[current].classList.add("current");
      rows[current].scrollIntoView({ block: "nearest" });
    }

    function queueUrl(focusId) {
      var url = new URL(window.location.href);
      ["flash", "n", "id", "name", "action", "focus"].forEach(function (k) { url.searchParams.delete(k); });
      if (focusId) url.searchParams.set("focus", focusId);
      return url.pathname + url.search;
    }

    function point(movesOn) {
      if (!rows.length) return false;
      var row = rows[current];
      var after = rows[current + 1] || rows[current - 1];
      var focus = movesOn ? (after ? after.dataset.id : "") : row.dataset.id;
      pointForms("/clusters/" + row.dataset.id + "/decide", queueUrl(focus));
      return true;
    }

    function countSelected() {
      if (selectedCount) selectedCount.textContent = String($$("input[name=ids]:checked").length);
    }
    $$("input[name=ids]").forEach(function (box) { box.addEventListener("change", countSelected); });
    countSelected();
    rows.forEach(function (row, index) {
      row.addEventListener("click", function () { mark(index); });
    });
    mark(current);

    return {
      j: function () { mark(current + 1); },
      k: function () { mark(current - 1); },
      o: function () { if (rows.length) window.location.assign(rows[current].dataset.href); },
      x: function () {
        var box = rows.length && $("input[name=ids]", rows[current]);
        if (box) { box.checked = !box.checked; countSelected(); }
      },
      c: function () { if (point(true)) submitQuick("confirm"); },
      d: function () { if (point(true)) openDialog("dismiss-dialog"); },
      p: function () { if (point(false)) openDialog("priority-dialog"); },
      a: function () { if (point(false)) openDialog("assign-dialog"); },
      n: function () { if (point(false)) openDialog("note-dialog"); },
      u: function () { undo(queueUrl(rows.length ? rows[current].dataset.id : "")); },
      digit: function (n) { if (point(false)) submitQuick("relabel", CATEGORIES[n - 1]); },
      search: function () { var box = $("#search"); if (box) { box.focus(); box.select(); } },
    };
  }

  // -- a cluster page ---------------------------------------------------------------------------

  function clusterKeys() {
    var posts = $$("article.post");
    var current = -1;
    function mark(index) {
      if (!posts.length) return;
      posts.forEach(function (p) { p.classList.remove("current"); });
      current = Math.min(Math.max(index, 0), posts.length - 1);
      posts[current].classList.add("current");
      posts[current].focus();
      posts[current].scrollIntoView({ block: "nearest" });
    }
    function click(sel) { var el = $(sel); if (el) el.click(); }
    pointForms(null, "");
    return {
      j: function () { mark(current + 1); },
      k: function () { mark(current - 1); },
      o: function () { click("#next-link"); },
      x: function () {},
      c: function () { click("#confirm-button"); },
      d: function () { openDialog("dismiss-dialog"); },
      p: function () { openDialog("priority-dialog"); },
      a: function () { openDialog("assign-dialog"); },
      n: function () { openDialog("note-dialog"); },
      u: function () { undo(window.location.pathname + window.location.search); },
      digit: function (n) { submitQuick("relabel", CATEGORIES[n - 1]); },
      search: function () {
        var back = $("#back-link");
        if (back) window.location.assign(back.getAttribute("href") + "#search");
      },
    };
  }

  var keys = page === "queue" ? queueKeys() : page === "cluster" ? clusterKeys() : null;
  if (page === "queue" && window.location.hash === "#search" && keys) keys.search();

  // -- the one key handler ------------------------------------------------------------------------

  function inDialog(dialog, ev) {
    if (typing(ev.target) || !/^[0-9]$/.test(ev.key)) return;
    var radios = $$("input[type=radio]", dialog);
    var first = dialog.id === "priority-dialog" ? 0 : 1;  // P0-P3 on 0-3; reasons on 1-5
    var radio = radios[Number(ev.key) - first];
    if (radio) { radio.checked = true; ev.preventDefault(); }
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
    var dialog = $("dialog[open]");
    if (dialog) { inDialog(dialog, ev); return; }
    if (typing(ev.target)) return;
    var key = ev.key;
    if (key === "?") { ev.preventDefault(); openDialog("keys-dialog"); return; }
    if (!keys) return;
    var interactive = ev.target.closest && ev.target.closest("a, button");
    if (key === "Enter") {
      if (interactive) return;  // Enter on a link or button does what it says
      ev.preventDefault();
      keys.o();
      return;
    }
    if (/^[1-7]$/.test(key)) { ev.preventDefault(); keys.digit(Number(key)); return; }
    if (key === "/") { ev.preventDefault(); keys.search(); return; }
    var handler = keys[key];
    if (typeof handler === "function" && key.length === 1) {
      ev.preventDefault();
      handler();
    }
  });
})();
