// The archive's search box, over the Pagefind index (pagefind/).
//
// What a reader types is folded by the builder's own normaliser
// (search-normalize.js, tables generated from builder/normalize.py) and cut
// to clitic-free cores (وبالقاعدة → قاعده); every indexed page carries the
// cores of its words and the other spellings of the entities it names
// (builder/search_hook.py), so both sides meet on the same forms. Pagefind
// loads only the index chunks those words need.
//
// Every typed word must be found (Pagefind alone would also return pages
// that match only some of them).
// Ranking: an entity page whose name matches every word first, then pages
// whose title matches every word, then Pagefind's order (its scores already
// weigh headings above body text). Results show the page's own spelling with
// the matched words marked.
import { cliticStems, normalizeWithMap, queryCores } from "./search-normalize.js";

const SEPARATOR = "⁂";
const SHOWN = 10;
const LOADED = 16;
const ENTITY_CANDIDATES = 8;
const EXCERPT_BEFORE = 60;
const EXCERPT_LENGTH = 240;

const script = document.querySelector("script[data-pagefind]");
const pagefindDir = new URL(script.dataset.pagefind, document.baseURI);
const siteRoot = new URL("../", pagefindDir);
const toggle = document.getElementById("__search");
const form = document.querySelector("[data-archive-search-form]");
const input = document.querySelector("[data-archive-search-input]");
const meta = document.querySelector("[data-archive-search-meta]");
const list = document.querySelector("[data-archive-search-results]");
const HINT = meta.textContent;

let pagefind = null;
async function engine() {
  if (!pagefind) {
    pagefind = import(new URL("pagefind.js", pagefindDir).href).then(async (pf) => {
      await pf.options({ baseUrl: siteRoot.pathname, excerptLength: 30 });
      await pf.init();
      return pf;
    });
  }
  return pagefind;
}

function stemMatches(stem, c) {
  if (stem.startsWith(c)) return true; // a partial name or word: prefix
  // Pagefind stems suffixes away (الأميركية ~ الأميركي): accept a near-whole prefix.
  return stem.length >= 3 && c.startsWith(stem) && stem.length >= c.length - 2;
}

/** [start, end) ranges of `text` (original characters) whose words match a core. */
export function matchRanges(text, cores) {
  const [norm, map] = normalizeWithMap(text);
  const ranges = [];
  const found = new Set();
  for (const m of norm.matchAll(/[\p{L}\p{N}_\u0600-\u06FF]+/gu)) {
    const stems = cliticStems(m[0]);
    const hit = cores.filter((c) => stems.some((s) => stemMatches(s, c)));
    if (!hit.length) continue;
    hit.forEach((c) => found.add(c));
    const start = map[m.index];
    const lastIndex = map[m.index + m[0].length - 1];
    const end = lastIndex + (text.codePointAt(lastIndex) > 0xffff ? 2 : 1);
    ranges.push([start, end]);
  }
  return { ranges, found };
}

function allMatch(text, cores) {
  return cores.length > 0 && matchRanges(text, cores).found.size === cores.length;
}

/** Text with its matched words in <mark>, built as DOM nodes (never innerHTML). */
function marked(text, ranges, tag) {
  const node = document.createElement(tag);
  let at = 0;
  for (const [start, end] of ranges) {
    if (start < at) continue;
    node.append(text.slice(at, start));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    node.append(mark);
    at = end;
  }
  node.append(text.slice(at));
  return node;
}

function excerpt(content, cores) {
  const body = content.split(SEPARATOR)[0].trim();
  const { ranges } = matchRanges(body, cores);
  let from = ranges.length ? Math.max(0, ranges[0][0] - EXCERPT_BEFORE) : 0;
  if (from > 0) from = body.indexOf(" ", from) + 1 || from;
  let to = Math.min(body.length, from + EXCERPT_LENGTH);
  if (to < body.length) to = body.lastIndexOf(" ", to) > from ? body.lastIndexOf(" ", to) : to;
  const text = (from > 0 ? "… " : "") + body.slice(from, to) + (to < body.length ? " …" : "");
  return [text, matchRanges(text, cores).ranges];
}

function rank(entries, cores) {
  for (const e of entries) {
    const title = e.data.meta.title || "";
    const names = e.data.meta.names ? `${title} ${e.data.meta.names}` : title;
    e.group = e.data.meta.kind === "entity" && allMatch(names, cores) ? 0 : allMatch(title, cores) ? 1 : 2;
    // An entity fetched only by the entity-filtered search, whose name is not
    // what was typed, goes after the articles Pagefind ranked.
    if (e.group !== 0 && e.order < 0) e.order += 2000;
  }
  return entries.sort((a, b) => a.group - b.group || a.order - b.order);
}

function render(entries, total, cores) {
  list.replaceChildren();
  if (!total) {
    meta.textContent = "لا نتائج مطابقة";
    return;
  }
  meta.textContent = total === 1 ? "نتيجة واحدة" : total === 2 ? "نتيجتان" : `${total.toLocaleString("ar")} نتيجة`;
  for (const e of entries.slice(0, SHOWN)) {
    const item = document.createElement("li");
    item.className = "md-search-result__item";
    item.dataset.kind = e.data.meta.kind || "page";
    const link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = e.data.url;
    const article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    const title = e.data.meta.title || e.data.url;
    article.append(marked(title, matchRanges(title, cores).ranges, "h1"));
    if (e.data.meta.kind === "entity") {
      const badge = document.createElement("span");
      badge.className = "archive-search-badge";
      badge.textContent = "صفحة تعريف";
      article.querySelector("h1").append(" ", badge);
    }
    const [text, ranges] = excerpt(e.data.content || "", cores);
    article.append(marked(text, ranges, "p"));
    link.append(article);
    item.append(link);
    list.append(item);
  }
}

let sequence = 0;
async function search(text) {
  const mine = ++sequence;
  const cores = queryCores(text);
  if (!cores.length) {
    list.replaceChildren();
    meta.textContent = HINT;
    delete form.dataset.state;
    delete form.dataset.query;
    return;
  }
  form.dataset.state = "searching";
  const pf = await engine();
  const q = cores.join(" ");
  const [all, entities] = await Promise.all([
    pf.search(q, { filters: { kind: "article" } }),
    pf.search(q, { filters: { kind: "entity" } }),
  ]);
  if (mine !== sequence || !all) return; // a newer keystroke won
  const picked = new Map();
  (entities ? entities.results.slice(0, ENTITY_CANDIDATES) : []).forEach((r, i) => picked.set(r.id, { r, order: i - 1000 }));
  all.results.slice(0, LOADED).forEach((r, i) => picked.has(r.id) || picked.set(r.id, { r, order: i }));
  const entries = await Promise.all(
    [...picked.values()].map(async (e) => ({ ...e, data: await e.r.data() })),
  );
  if (mine !== sequence) return;
  // Pagefind ignores a word no page has and its stemmer is greedy
  // (الأولمبياد → اول): keep only pages where every typed word is found.
  // Entity pages come only when their name is what was typed; articles when every word is found.
  const kept = entries.filter((e) =>
    e.data.meta.kind === "entity"
      ? allMatch(`${e.data.meta.title || ""} ${e.data.meta.names || ""}`, cores)
      : allMatch(e.data.content || "", cores),
  );
  const total = kept.length === entries.length ? Math.max(all.results.length + (entities ? entities.results.length : 0), kept.length) : kept.length;
  render(rank(kept, cores), total, cores);
  form.dataset.query = text; // lets tests (and styles) know which query is shown
  form.dataset.state = "done";
}

function open() {
  if (!toggle.checked) toggle.checked = true;
}

input.addEventListener("focus", () => {
  open();
  engine(); // start loading the index while the reader types
});
input.addEventListener("input", () => search(input.value));
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const first = list.querySelector("a");
  if (first) window.location.href = first.href;
});
form.addEventListener("reset", () => {
  window.setTimeout(() => search(""), 0);
  input.focus();
});
toggle.addEventListener("change", () => {
  if (toggle.checked) input.focus();
  else input.blur();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && toggle.checked) {
    toggle.checked = false;
    input.blur();
  } else if ((event.key === "/" || event.key === "s") && !toggle.checked) {
    const tag = document.activeElement ? document.activeElement.tagName : "";
    if (tag !== "INPUT" && tag !== "TEXTAREA") {
      event.preventDefault();
      open();
      input.focus();
    }
  }
});
