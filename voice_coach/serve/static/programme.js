// A routine page's programme over weeks: the question "How is your back now?" can be asked after a session
// played elsewhere too (the Today episode in a podcast app), and once a rating is kept the view (the next
// session, why, the pain chart) is shown again as the server now sees it. The rating itself is sent by the
// page's player (player.js). No libraries, nothing global, no network beyond this server.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const section = $("programme"), view = $("programme-view"), rating = $("rating"), rated = $("rated");
  const rateNow = $("rate-now");
  if (!section || !view || !rating || !rated || !rateNow) return;

  rateNow.hidden = false;
  rateNow.addEventListener("click", () => {
    rating.hidden = false;
    rated.textContent = "";
    rating.querySelectorAll("button").forEach((button) => { button.disabled = false; });
    rating.scrollIntoView({ block: "start" });
    $("question").setAttribute("tabindex", "-1");
    $("question").focus();
  });

  async function refresh() {
    const response = await fetch(section.dataset.programme, { cache: "no-store" });
    if (!response.ok) return;
    const answer = await response.json();
    view.innerHTML = answer.html;  // the server's own HTML, every value escaped there
  }
  // player.js marks a rating kept (data-kept), in whatever language the page is
  new MutationObserver(() => {
    refresh().catch(() => { /* the view stays as it was */ });
  }).observe(rated, { attributes: true, attributeFilter: ["data-kept"] });
})();
