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
  current().setValue(root.dataset.query);
  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      current().setValue(button.dataset.query);
      current().focus();
    });
  });
  window.beskgraphYasgui = yasgui;
})();
