// The SPARQL editor: YASGUI on this server's /sparql, with nothing fetched from elsewhere
// (no vocabulary look-ups), and the example buttons filling the editor.
(function () {
  "use strict";
  var root = document.getElementById("yasgui");
  var endpoint = new URL(root.dataset.endpoint, window.location.href).href;
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    yasqe: { autocompleters: ["prefixes", "variables"], value: root.dataset.query },
  });
  function current() { return yasgui.getTab().getYasqe(); }
  // YASGUI's widgets lack names and roles that assistive technology needs; give them.
  function accessible() {
    root.querySelectorAll(".tabsList .addTab").forEach(function (b) { b.parentElement.remove(); });
    root.querySelectorAll("input.autocomplete").forEach(function (i) { i.setAttribute("aria-label", "SPARQL-endpoint"); });
    root.querySelectorAll(".tabsList input[type=text]").forEach(function (i) { i.setAttribute("aria-label", "Fanens navn"); });
    root.querySelectorAll("textarea").forEach(function (t) {
      if (!t.hasAttribute("aria-label")) { t.setAttribute("aria-label", "SPARQL-forespørgsel"); }
    });
    root.querySelectorAll(".CodeMirror-scroll").forEach(function (s) { s.setAttribute("tabindex", "0"); });
  }
  accessible();
  new MutationObserver(accessible).observe(root, { childList: true, subtree: true });
  current().setValue(root.dataset.query);
  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      current().setValue(button.dataset.query);
      current().focus();
    });
  });
  window.beskgraphYasgui = yasgui;
})();
