// A source document opened at an RFC 5147 fragment (…/source/x#char=10,52) shows that
// span marked: the server marks ?char=10,52, so the fragment becomes that query.
(function () {
  "use strict";
  var match = /^#char=(\d+),(\d+)$/.exec(window.location.hash);
  if (match && !new URLSearchParams(window.location.search).has("char")) {
    window.location.replace(window.location.pathname + "?char=" + match[1] + "," + match[2] + "#mark");
  }
  var mark = document.getElementById("mark");
  if (mark && window.location.hash === "#mark") { mark.focus({ preventScroll: false }); }
})();
