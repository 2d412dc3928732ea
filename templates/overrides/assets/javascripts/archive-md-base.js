/* mkdocs-material 9.8.1 partials/javascripts/base.html, moved out of an inline
 * <script> for the Content-Security-Policy (see netlify.toml). Same code; the
 * scope (base_url, relative to the page) comes from the data-md-scope attribute
 * of the <script> element instead of being written into the script. */
(function (script) {
  window.__md_scope = new URL(script.getAttribute("data-md-scope") || ".", location);
  window.__md_hash = (e) => [...e].reduce((e, _) => (e << 5) - e + _.charCodeAt(0), 0);
  window.__md_get = (e, _ = localStorage, t = window.__md_scope) =>
    JSON.parse(_.getItem(t.pathname + "." + e));
  window.__md_set = (e, _, t = localStorage, a = window.__md_scope) => {
    try {
      t.setItem(a.pathname + "." + e, JSON.stringify(_));
    } catch (e) {}
  };
})(document.currentScript);
