/* Case page tabs: switch panels without a round trip; the ?tab= links work without this file. */
(function () {
  "use strict";
  if (window.ucCaseTabs) { return; }
  window.ucCaseTabs = true;
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest(".uc-tabs a[data-tab]") : null;
    if (!link) { return; }
    event.preventDefault();
    var container = link.closest("#case-tabs");
    var name = link.getAttribute("data-tab");
    container.querySelectorAll(".uc-tabs a[data-tab]").forEach(function (other) {
      other.setAttribute("aria-selected", other === link ? "true" : "false");
    });
    container.querySelectorAll("[data-panel]").forEach(function (panel) {
      panel.hidden = panel.getAttribute("data-panel") !== name;
    });
    if (window.history && window.history.replaceState) {
      var url = new URL(window.location.href);
      url.searchParams.set("tab", name);
      window.history.replaceState(window.history.state, "", url.toString());
    }
  });
})();
