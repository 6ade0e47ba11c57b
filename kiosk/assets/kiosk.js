// Careers-room kiosk: optional helpers. Everything works without this file.
// 1. Back to the start after the idle time, counting from the last touch, click or key press
//    (without script, a <noscript> refresh does the same, counting from page load).
// 2. Show the "Print my slip" button and make it print.
// 3. Finish, Start again and every other link to the start replace the page in the history, as
//    the idle reset does, so the next student cannot go Back to it.
// 4. A page the browser brings back from memory on Back is fetched again, so the kiosk (not the
//    browser's memory) decides what it may still show.
(function () {
  "use strict";
  // Kiosk pages carry the idle time on <body>; careers-site pages on this script's own tag.
  var own = document.currentScript;
  var seconds = parseInt(document.body.getAttribute("data-idle") ||
    (own && own.getAttribute("data-idle")), 10);
  if (seconds > 0) {
    var timer = null;
    var reset = function () {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(function () { window.location.replace("/"); }, seconds * 1000);
    };
    ["pointerdown", "keydown", "input", "touchstart", "scroll", "wheel"].forEach(function (name) {
      window.addEventListener(name, reset, { capture: true, passive: true });
    });
    reset();
  }
  var print = document.getElementById("print-slip");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey ||
        event.ctrlKey || event.shiftKey || event.altKey) { return; }
    if (link.origin === window.location.origin && link.pathname === "/" && !link.search) {
      event.preventDefault();
      window.location.replace("/");
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
