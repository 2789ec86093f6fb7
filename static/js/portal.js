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
// server ends an unused session, with a countdown. It closes only by a choice: "Stay logged in" renews
// the session with a request and the timer restarts; Esc does nothing. At expiry the page goes to
// "You are logged out", so nobody goes on typing into a page whose session has ended.
document.addEventListener("DOMContentLoaded", function () {
  var body = document.body;
  var dialog = document.getElementById("session-timeout");
  var idle = parseInt(body.getAttribute("data-idle-seconds"), 10);
  var warn = parseInt(body.getAttribute("data-warn-seconds"), 10);
  var loggedOut = body.getAttribute("data-logged-out");
  if (!dialog || !idle || !warn || typeof dialog.showModal !== "function") {
    return;
  }
  var countdown = dialog.querySelector("[data-timeout-countdown]");
  var timer = null;
  var ticker = null;
  var endsAt = 0;
  function show(seconds) {
    var left = Math.max(0, Math.ceil(seconds));
    countdown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
  }
  function tick() {
    var left = (endsAt - Date.now()) / 1000;
    show(left);
    if (left <= 0) {
      window.clearInterval(ticker);
      window.location.assign(loggedOut);
    }
  }
  function schedule() {
    window.clearTimeout(timer);
    window.clearInterval(ticker);
    endsAt = Date.now() + idle * 1000;
    timer = window.setTimeout(function () {
      tick();
      dialog.showModal();
      ticker = window.setInterval(tick, 1000);
    }, Math.max(0, idle - warn) * 1000);
  }
  // Esc closes a modal dialog by default: here it must not, the person has to choose.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
  });
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
        window.location.assign(loggedOut);
      }
    });
  });
  schedule();
});

// The queue's filters (caseworkers): a choice in a list filters at once with a mouse, but ArrowDown
// on a closed list changes it at every key press; from the keyboard the filter waits for Enter or for
// leaving the list, so the table is not fetched (and read out) once per option passed.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("[data-queue-filters]");
  if (!form) {
    return;
  }
  function filter() {
    form.dispatchEvent(new CustomEvent("queue-filter"));
  }
  form.querySelectorAll("select").forEach(function (select) {
    var byKeyboard = false;
    var pending = false;
    select.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && pending) {
        event.preventDefault();
        pending = false;
        filter();
      } else {
        byKeyboard = event.key !== "Tab";
      }
    });
    select.addEventListener("change", function () {
      if (byKeyboard) {
        pending = true;
      } else {
        filter();
      }
      byKeyboard = false;
    });
    select.addEventListener("blur", function () {
      if (pending) {
        pending = false;
        filter();
      }
    });
  });
  // The date field is replaced after each filter (with its error, if any): listen on the form.
  form.addEventListener("change", function (event) {
    if (event.target.name === "due_by") {
      filter();
    }
  });
});
