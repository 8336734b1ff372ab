// Copy buttons for feed addresses. Without JavaScript the address stays in a
// read-only field that can be selected by hand; the buttons are hidden until here.
(function () {
  "use strict";

  function copy(input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    input.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject();
  }

  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    if (!input) {
      return;
    }
    var label = button.textContent;
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.after(status);
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(input).then(
        function () {
          status.textContent = button.getAttribute("data-copied");
          window.setTimeout(function () { status.textContent = ""; }, 3000);
        },
        function () {
          input.focus();
          input.select();
        }
      );
      button.textContent = label;
    });
  });
})();
