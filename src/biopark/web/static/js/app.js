// Page behaviour shared by every page, with no inline script (the CSP forbids it):
// - forms and buttons with data-confirm ask before a destructive action;
// - links with data-back go back in history;
// - tables: on phones a table with a header row becomes cards (data-label per cell),
//   any other table scrolls inside its own container;
// - date inputs carry the page language.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var text = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    // An option can ask too: choosing 终止 in a stage list.
    form.querySelectorAll("select").forEach(function (select) {
      var option = select.options[select.selectedIndex];
      if (!text && option && option.getAttribute("data-confirm")) text = option.getAttribute("data-confirm");
    });
    if (text && !window.confirm(text)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var back = event.target.closest && event.target.closest("[data-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  function tables(root) {
    root.querySelectorAll("table").forEach(function (table) {
      if (table.dataset.laidOut) return;
      table.dataset.laidOut = "1";
      var heads = table.tHead ? Array.prototype.map.call(
        table.tHead.rows[0] ? table.tHead.rows[0].cells : [],
        function (th) { return th.textContent.trim(); }) : [];
      var rowHeads = table.querySelector("tbody th");
      if (heads.length > 1 && !rowHeads && !table.classList.contains("keep-table")) {
        table.classList.add("cards");
        Array.prototype.forEach.call(table.tBodies, function (body) {
          Array.prototype.forEach.call(body.rows, function (row) {
            Array.prototype.forEach.call(row.cells, function (cell, i) {
              if (!cell.hasAttribute("data-label") && cell.colSpan === 1) {
                cell.setAttribute("data-label", heads[i] || "");
              }
            });
          });
        });
      }
      var parent = table.parentElement;
      if (parent && !parent.classList.contains("table-wrap")) {
        var wrap = document.createElement("div");
        wrap.className = "table-wrap";
        parent.insertBefore(wrap, table);
        wrap.appendChild(table);
      }
    });
  }

  // Chromium draws date fields in its own interface locale (mm/dd/yyyy on an English
  // browser) whatever the page says. On Chinese pages the field becomes text in
  // yyyy-mm-dd (the value sent is the same ISO date) with a button that opens the
  // browser's calendar through a hidden date input.
  function dates(root) {
    var lang = document.documentElement.lang || "zh-CN";
    root.querySelectorAll("input[type=date]").forEach(function (input) {
      if (!input.lang) input.lang = lang;
      if (lang.indexOf("zh") !== 0 || input.dataset.isoDate) return;
      input.dataset.isoDate = "1";
      var picker = document.createElement("input");
      picker.type = "date";
      picker.tabIndex = -1;
      picker.className = "date-picker-proxy";
      picker.setAttribute("aria-hidden", "true");
      if (input.min) picker.min = input.min;
      if (input.max) picker.max = input.max;
      input.type = "text";
      input.setAttribute("inputmode", "numeric");
      input.setAttribute("pattern", "\\d{4}-\\d{2}-\\d{2}");
      input.setAttribute("placeholder", "yyyy-mm-dd");
      input.setAttribute("autocomplete", "off");
      input.classList.add("iso-date");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "date-button";
      button.textContent = "\u{1F4C5}";
      button.setAttribute("aria-label", "\u9009\u62e9\u65e5\u671f"); // 选择日期
      button.addEventListener("click", function () {
        picker.value = /^\d{4}-\d{2}-\d{2}$/.test(input.value) ? input.value : "";
        if (picker.showPicker) { picker.showPicker(); } else { picker.focus(); }
      });
      picker.addEventListener("change", function () {
        input.value = picker.value;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      var wrap = document.createElement("span");
      wrap.className = "date-field";
      input.parentNode.insertBefore(wrap, input);
      wrap.appendChild(input);
      wrap.appendChild(button);
      wrap.appendChild(picker);
    });
  }

  // A filter select whose empty first option names it ("阶段") and an input with only a
  // placeholder get that text as their accessible name when no label is given.
  function names(root) {
    root.querySelectorAll("select, input:not([type=hidden]), textarea").forEach(function (el) {
      if (el.labels && el.labels.length) return;
      if (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")) return;
      var first = el.tagName === "SELECT" ? el.options[0] : null;
      var text = first && first.value === "" ? first.textContent.trim() : el.placeholder;
      if (text) el.setAttribute("aria-label", text);
    });
  }

  function prepare(root) { tables(root); dates(root); names(root); }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { prepare(document); });
  } else {
    prepare(document);
  }
  document.addEventListener("htmx:load", function (event) { prepare(event.target); });
})();
