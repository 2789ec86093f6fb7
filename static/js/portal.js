// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
  // A table that scrolls sideways is a tab stop, so a keyboard can scroll it; one that fits is not.
  function tabStopsWhereScrolling() {
    document.querySelectorAll(".table-scroll").forEach(function (scroller) {
      if (scroller.scrollWidth > scroller.clientWidth) {
        scroller.setAttribute("tabindex", "0");
      } else {
        scroller.removeAttribute("tabindex");
      }
    });
  }
  tabStopsWhereScrolling();
  window.addEventListener("resize", tabStopsWhereScrolling);
  document.body.addEventListener("htmx:afterSettle", tabStopsWhereScrolling);
  // After a failed submit, take the user to the list of problems (GOV.UK / DKFDS pattern).
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
  // Links in the error summary move focus to the field itself, not just scroll to it.
  document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target) {
        event.preventDefault();
        target.focus();
        target.scrollIntoView({ block: "center" });
      }
    });
  });
});

// The idle-timeout warning (DKFDS "session udløber", WCAG 2.2.1): shown a few minutes before the
// server ends an unused session; "Stay logged in" renews it with a request, and the timer restarts.
document.addEventListener("DOMContentLoaded", function () {
  var body = document.body;
  var dialog = document.getElementById("session-timeout");
  var idle = parseInt(body.getAttribute("data-idle-seconds"), 10);
  var warn = parseInt(body.getAttribute("data-warn-seconds"), 10);
  if (!dialog || !idle || !warn || typeof dialog.showModal !== "function") {
    return;
  }
  var minutes = dialog.querySelector("[data-timeout-minutes]");
  var timer = null;
  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      if (minutes) {
        minutes.textContent = String(Math.round(warn / 60));
      }
      dialog.showModal();
    }, Math.max(0, idle - warn) * 1000);
  }
  dialog.querySelector("[data-keep-alive-button]").addEventListener("click", function () {
    var headers = body.getAttribute("data-hx-headers") || body.getAttribute("hx-headers") || "{}";
    var token = JSON.parse(headers)["X-CSRFToken"];
    fetch(body.getAttribute("data-keep-alive"), {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token }
    }).then(function (response) {
      if (response.ok) {
        dialog.close();
        schedule();
      } else {
        window.location.reload();
      }
    });
  });
  schedule();
});
