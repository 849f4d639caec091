/* forms.js: form widgets that speak Chinese whatever the browser's language.
   Date inputs (data-date-picker, text inputs taking YYYY-MM-DD) get flatpickr's calendar in
   its zh locale; file pickers (data-file-picker) show the chosen file names beside the
   选择文件 button. Without this script both still work: dates are typed, files chosen natively. */
(function () {
  "use strict";

  var NONE_CHOSEN = "未选择文件";

  function initDates(root) {
    var flatpickr = window.flatpickr;
    if (typeof flatpickr !== "function") {
      return;
    }
    var zh = flatpickr.l10ns && flatpickr.l10ns.zh;
    Array.prototype.forEach.call(root.querySelectorAll("input[data-date-picker]"), function (input) {
      if (input._flatpickr) {
        return;
      }
      flatpickr(input, {
        // Weeks start on Monday (周一), as Chinese calendars print them.
        locale: Object.assign({}, zh || {}, { firstDayOfWeek: 1 }),
        dateFormat: "Y-m-d",
        ariaDateFormat: "Y年n月j日",
        allowInput: true,
        // Never hand over to the phone's native control: it would speak the phone's language.
        disableMobile: true,
        minDate: input.getAttribute("data-min-date") || null,
        maxDate: input.getAttribute("data-max-date") || null
      });
    });
  }

  function initFiles(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-file-picker]"), function (picker) {
      var input = picker.querySelector("input[type=file]");
      var chosen = picker.querySelector("[data-file-picker-chosen]");
      if (!input || !chosen || input.hasAttribute("data-file-picker-ready")) {
        return;
      }
      input.setAttribute("data-file-picker-ready", "");
      var show = function () {
        var names = Array.prototype.map.call(input.files || [], function (file) {
          return file.name;
        });
        chosen.textContent = names.length ? names.join("、") : NONE_CHOSEN;
      };
      input.addEventListener("change", show);
      show();
    });
  }

  function init(root) {
    initDates(root);
    initFiles(root);
  }

  window.UseFirstForms = { init: init };
  init(document);
})();
