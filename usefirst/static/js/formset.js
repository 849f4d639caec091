/*
 * Rows a person can add and remove in a Django formset (progressive enhancement).
 *
 * The page works without this script: the server renders a few empty rows and a "删除" box per
 * row. With it, each row gets a "删除" button (which ticks that box and hides the row) and the
 * formset an "添加…" button that copies the formset's empty row from its <template>.
 * Markup: see catalog/_formset_rows.html.
 */
(function () {
  "use strict";

  function rowsOf(formset) {
    return Array.prototype.slice.call(formset.querySelectorAll("[data-formset-rows] > [data-formset-row]"));
  }

  function visibleRows(formset) {
    return rowsOf(formset).filter(function (row) { return !row.hidden; });
  }

  function renumber(formset) {
    var name = formset.getAttribute("data-row-name");
    visibleRows(formset).forEach(function (row, i) {
      var label = name.replace("{n}", String(i + 1));
      row.querySelector(".row-legend").textContent = label;
      var remove = row.querySelector("[data-formset-remove]");
      if (remove) { remove.setAttribute("aria-label", "删除" + label); }
    });
    var add = formset.querySelector("[data-formset-add]");
    var max = formset.querySelector("input[name$='-MAX_NUM_FORMS']");
    if (add && max) { add.disabled = visibleRows(formset).length >= parseInt(max.value, 10); }
  }

  function say(formset, text) {
    var status = formset.querySelector("[data-formset-status]");
    if (status) { status.textContent = text; }
  }

  function enhanceRow(formset, row) {
    var box = row.querySelector("input[type=checkbox][name$='-DELETE']");
    if (!box) { return; }
    var boxRow = box.closest(".form-row");
    if (boxRow) { boxRow.hidden = true; }
    if (box.checked || row.hasAttribute("data-deleted")) {
      row.hidden = true;
      return;
    }
    var actions = document.createElement("div");
    actions.className = "row-actions";
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "secondary";
    remove.textContent = "删除";
    remove.setAttribute("data-formset-remove", "");
    remove.addEventListener("click", function () {
      var label = row.querySelector(".row-legend").textContent;
      box.checked = true;
      row.hidden = true;
      renumber(formset);
      say(formset, "已删除" + label + "，保存后生效");
      var add = formset.querySelector("[data-formset-add]");
      if (add && !add.disabled) { add.focus(); }
    });
    actions.appendChild(remove);
    row.appendChild(actions);
  }

  function enhance(formset) {
    var prefix = formset.getAttribute("data-formset");
    var total = formset.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var template = formset.querySelector("template[data-formset-empty]");
    var container = formset.querySelector("[data-formset-rows]");
    if (!total || !template || !container) { return; }
    var fallback = formset.querySelector("[data-formset-fallback]");
    if (fallback) { fallback.hidden = true; }
    rowsOf(formset).forEach(function (row) { enhanceRow(formset, row); });

    var add = document.createElement("button");
    add.type = "button";
    add.className = "secondary";
    add.textContent = formset.getAttribute("data-add-label");
    add.setAttribute("data-formset-add", "");
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
      var row = holder.firstElementChild;
      container.appendChild(row);
      total.value = String(index + 1);
      enhanceRow(formset, row);
      renumber(formset);
      say(formset, "已添加" + row.querySelector(".row-legend").textContent);
      var first = row.querySelector("select, input:not([type=hidden]), textarea");
      if (first) { first.focus(); }
    });
    var actions = document.createElement("div");
    actions.className = "formset-actions";
    actions.appendChild(add);
    container.parentNode.insertBefore(actions, container.nextSibling);
    renumber(formset);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-formset]"), enhance);
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
