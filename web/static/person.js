// Copy buttons for addresses (person page, search results): shown only when the Clipboard
// API is there to use; without it the address stays selectable text.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  var status = document.querySelector(".copy-status");
  var timer = null;

  function say(text) {
    if (!status) {
      return;
    }
    status.textContent = text;
    clearTimeout(timer);
    timer = setTimeout(function () { status.textContent = ""; }, 4000);
  }

  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copy).then(
        function () { say(status.dataset.copied + ": " + button.dataset.copy); },
        function () { say(status.dataset.failed); }
      );
    });
  });
})();
