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

  // The browser's own validation bubbles speak the browser's language ("Please fill out this
  // field"): give each check its Chinese words. The server checks everything again.
  function chineseMessage(input) {
    var v = input.validity;
    if (v.valueMissing) {
      return input.type === "file" ? "请选择文件" : input.tagName === "SELECT" ? "请选择一项" : "请填写此项";
    }
    if (v.patternMismatch) {
      return input.getAttribute("title") || "格式不正确，请按提示填写";
    }
    if (v.typeMismatch) {
      return input.type === "email" ? "请填写有效的电子邮箱地址" : input.type === "url" ? "请填写有效的网址" : "格式不正确";
    }
    if (v.tooLong || v.tooShort) {
      return "长度应在 " + (input.minLength > 0 ? input.minLength : 0) + " 至 " + input.maxLength + " 个字符之间";
    }
    if (v.rangeUnderflow) {
      return "不能小于 " + input.min;
    }
    if (v.rangeOverflow) {
      return "不能大于 " + input.max;
    }
    if (v.stepMismatch) {
      return "请填写有效的数值";
    }
    if (v.badInput) {
      return "请填写数字";
    }
    return "";
  }

  function initValidity(root) {
    if (root.documentElement) {
      // Once per page: the events reach the document from every form, present or added later.
      root.addEventListener(
        "invalid",
        function (event) {
          var input = event.target;
          if (input && input.setCustomValidity) {
            input.setCustomValidity("");
            input.setCustomValidity(chineseMessage(input));
          }
        },
        true
      );
      var clear = function (event) {
        if (event.target && event.target.setCustomValidity) {
          event.target.setCustomValidity("");
        }
      };
      root.addEventListener("input", clear, true);
      root.addEventListener("change", clear, true);
    }
  }

  function init(root) {
    initDates(root);
    initFiles(root);
  }

  initValidity(document);

  window.UseFirstForms = { init: init };
  init(document);
})();
