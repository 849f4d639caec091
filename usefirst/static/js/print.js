// A button marked data-print prints the page (the recovery codes page); no inline script (CSP).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () {
    window.print();
  });
});
