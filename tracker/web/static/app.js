// tracker: small enhancements; every page reads and works without them.
// No inline script anywhere (the Content-Security-Policy forbids it).
"use strict";

// Characters from the start of `root` to (node, offset), as the stored text
// counts them (code points, not UTF-16 units); a control character the page
// shows as a mark (span.ctl, "U+001B") is one character of the text.
function textOffset(root, node, offset) {
  const range = document.createRange();
  range.setStart(root, 0);
  range.setEnd(node, offset);
  const part = range.cloneContents();
  part.querySelectorAll("span.ctl").forEach(function (mark) {
    mark.replaceWith("x");
  });
  return Array.from(part.textContent).length;
}

// A passage selected in a source's article fills the form that adds a claim:
// its quote, and the offsets the server takes it from (the server reads the
// quote from the stored text there; typing in the quote drops the offsets).
function selectionFills(article, form) {
  const start = form.querySelector("input[name=start]");
  const end = form.querySelector("input[name=end]");
  const quote = form.querySelector("textarea[name=quote]");
  if (!start || !end || !quote) {
    return;
  }
  const said = document.createElement("p");
  said.className = "selection";
  said.setAttribute("aria-live", "polite");
  said.textContent = "Select a passage of the article to quote it.";
  quote.closest("label").after(said);
  document.addEventListener("selectionchange", function () {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return;
    }
    const range = selection.getRangeAt(0);
    if (!article.contains(range.startContainer) || !article.contains(range.endContainer)) {
      return;
    }
    const from = textOffset(article, range.startContainer, range.startOffset);
    const to = textOffset(article, range.endContainer, range.endOffset);
    if (to <= from) {
      return;
    }
    start.value = String(from);
    end.value = String(to);
    quote.value = selection.toString().trim();
    said.textContent = "Quoting characters " + from + "–" + to + " of the article.";
  });
  quote.addEventListener("input", function () {
    start.value = "";
    end.value = "";
    said.textContent = "A typed quote: it must occur in the article.";
  });
}

// The extraction workbench: a passage selected in the article becomes a
// proposal's span (its offset fields) when its "Use the passage" button is
// pressed; a proposal with no resolved speaker cannot be accepted until one
// is picked or created (the server refuses it too).
function workbench(article, form) {
  let selected = null;
  document.addEventListener("selectionchange", function () {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return;
    }
    const range = selection.getRangeAt(0);
    if (!article.contains(range.startContainer) || !article.contains(range.endContainer)) {
      return;
    }
    const from = textOffset(article, range.startContainer, range.startOffset);
    const to = textOffset(article, range.endContainer, range.endOffset);
    if (to > from) {
      selected = { from: from, to: to, text: selection.toString() };
    }
  });
  form.querySelectorAll("fieldset.proposal").forEach(function (box) {
    const button = box.querySelector("button.use-selection");
    const start = box.querySelector("input[name^=start]");
    const end = box.querySelector("input[name^=end]");
    const shown = box.querySelector(".span-text");
    if (button && start && end) {
      button.hidden = false;
      button.addEventListener("click", function () {
        if (!selected) {
          button.textContent = "Select a passage of the article first";
          return;
        }
        start.value = String(selected.from);
        end.value = String(selected.to);
        if (shown) {
          shown.textContent = selected.text.trim();
        }
        button.textContent = "Using characters " + selected.from + "–" + selected.to;
      });
    }
    const accept = box.querySelector("input[type=radio][value=accept]");
    if (accept && box.dataset.resolved === "no") {
      const picked = function () {
        return box.querySelector("input[type=radio][name^=who]:checked") !== null;
      };
      const update = function () {
        accept.disabled = !picked();
        if (accept.disabled && accept.checked) {
          accept.checked = false;
        }
      };
      box.querySelectorAll("input[type=radio][name^=who]").forEach(function (radio) {
        radio.addEventListener("change", update);
      });
      update();
    }
  });
}

document.addEventListener("DOMContentLoaded", function () {
  // A filter picked from a list applies at once, as the Filter button would.
  document.querySelectorAll("form.filters select").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.requestSubmit();
    });
  });
  const article = document.querySelector(".source-page .article");
  const bench = document.getElementById("workbench");
  if (article && bench) {
    workbench(article, bench);
  }
  const form = document.getElementById("add-claim");
  if (article && form) {
    selectionFills(article, form);
  }
  document.documentElement.dataset.enhanced = "1";
});
