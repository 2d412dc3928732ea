/* mkdocs-material 9.8.1 partials/javascripts/content.html (second script),
 * moved out of an inline <script> for the Content-Security-Policy. */
(function () {
  var target = document.getElementById(location.hash.slice(1));
  target && target.name && (target.checked = target.name.startsWith("__tabbed_"));
})();
