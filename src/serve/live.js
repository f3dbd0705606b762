// encyc preview: reload when a rebuild finishes; show build errors over the page.
// Injected by `encyc watch` only; published pages never contain it.
(function () {
  "use strict";
  // The build the page was served from; a newer successful build means reload.
  var generation = Number(document.currentScript.getAttribute("data-generation"));
  var source = new EventSource("/__encyc/events");
  function overlay() {
    var el = document.getElementById("encyc-overlay");
    if (el) return el;
    el = document.createElement("div");
    el.id = "encyc-overlay";
    el.setAttribute("role", "alert");
    el.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1.5rem;" +
      "background:rgba(20,20,24,.94);color:#fff;font:14px/1.5 ui-monospace,monospace";
    var h = document.createElement("p");
    h.style.cssText = "margin:0 0 1rem;font-weight:bold;color:#ffb3b3";
    h.textContent = generation ? "encyc: the last change did not build. The page shows the last good build."
      : "encyc: the site does not build yet. This page reloads when it does.";
    var pre = document.createElement("pre");
    pre.style.cssText = "margin:0;white-space:pre-wrap";
    el.appendChild(h);
    el.appendChild(pre);
    document.body.appendChild(el);
    return el;
  }
  source.addEventListener("status", function (event) {
    var status = JSON.parse(event.data);
    if (status.error) {
      overlay().querySelector("pre").textContent = status.error;
    } else if (status.generation !== generation) {
      location.reload();
    } else {
      var el = document.getElementById("encyc-overlay");
      if (el) el.remove();
    }
  });
})();
