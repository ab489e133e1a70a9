// Live reload for `allmende serve`; never part of a built site. It listens to the
// server's event stream: `hello` and `reload` carry the id of the build on disk (the page
// reloads when it is not the one it was served from), `error` carries the problem of the
// last build, shown in the banner the server rendered into the page (role="alert").
// Without EventSource nothing happens; the page itself works as it is.
(() => {
  "use strict";
  const me = document.currentScript;
  const build = me ? me.dataset.build : undefined;
  const banner = document.getElementById("allmende-serve-error");
  const english = (document.documentElement.lang || "").toLowerCase().startsWith("en");

  function closeButton() {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = english ? "Hide" : "Ausblenden";
    b.addEventListener("click", () => { banner.hidden = true; });
    return b;
  }

  function show(problem) {
    if (!banner) return;
    const title = document.createElement("strong");
    title.textContent = english ? problem.title_en : problem.title_de;
    const p = document.createElement("p");
    p.style.margin = "0";
    p.append(title);
    const details = document.createElement("pre");
    details.setAttribute("style", banner.dataset.preStyle || "");
    details.textContent = problem.details;
    banner.replaceChildren(p, details, closeButton());
    banner.hidden = false;
  }

  if (banner && !banner.hidden) banner.append(closeButton());
  if (!("EventSource" in window)) return;

  const reloadIfStale = (event) => {
    if (build && event.data !== build) window.location.reload();
  };
  const source = new EventSource("/__allmende/events");
  source.addEventListener("hello", reloadIfStale);
  source.addEventListener("reload", reloadIfStale);
  source.addEventListener("error", (event) => {
    // A lost connection fires `error` too, without data; EventSource reconnects by itself.
    if (typeof event.data !== "string") return;
    try {
      show(JSON.parse(event.data));
    } catch (_) {
      // Not ours: ignore.
    }
  });
})();
