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
const articlesDir = "pagefind";
const entitiesDir = "pagefind-entities";
const toggle = document.getElementById("__search");
const form = document.querySelector("[data-archive-search-form]");
const input = document.querySelector("[data-archive-search-input]");
const meta = document.querySelector("[data-archive-search-meta]");
const list = document.querySelector("[data-archive-search-results]");
const HINT = meta.textContent;

// Two Pagefind bundles (Makefile `site`): pagefind/ holds the articles,
// pagefind-entities/ the entity pages. Each search pays Pagefind's term
// lookup in the bundle it asks; the entity bundle is small, so looking a name
// up there costs little, and the big article bundle is asked once per query.
const bundles = {};
function load(dir) {
  if (!bundles[dir]) {
    bundles[dir] = import(new URL(`${dir}/pagefind.js`, siteRoot).href).then(async (pf) => {
      await pf.options({ baseUrl: siteRoot.pathname, excerptLength: 30 });
      await pf.init();
      return pf;
    });
  }
  return bundles[dir];
}
function engine() {
  return Promise.all([load(articlesDir), load(entitiesDir)]);
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

function render(entries, total, cores, sampled = false) {
  list.replaceChildren();
  if (!total) {
    meta.textContent = "لا نتائج مطابقة";
    return;
  }
  meta.textContent = total === 1 ? "نتيجة واحدة" : total === 2 ? "نتيجتان" : `${total.toLocaleString("ar")} نتيجة`;
  // Ranked over a sample of the archive (FULL_LIMIT): say so, and how to narrow it.
  if (sampled) meta.textContent += "؛ الأفضل بينها في عيّنة من الأرشيف، أضف كلمة لتضييق البحث";
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

// A query whose words are all on more pages than this is ranked over slice 0
// only (builder/search_hook.py): Pagefind's time grows with matching pages.
const FULL_LIMIT = 2500;

/** Fetch the stored data of `picked` results in parallel; call `ready` for each as it arrives. */
function loadData(picked, ready) {
  return Promise.all(
    picked.map(async (e) => {
      e.data = await e.r.data();
      ready();
      return e;
    }),
  );
}

function keep(e, cores) {
  // Pagefind ignores a word no page has and its stemmer is greedy
  // (الأولمبياد → اول): keep only pages where every typed word is found.
  // Entity pages come only when their name is what was typed.
  return e.data.meta.kind === "entity"
    ? allMatch(`${e.data.meta.title || ""} ${e.data.meta.names || ""}`, cores)
    : allMatch(e.data.content || "", cores);
}

let wanted = null; // the newest text not yet searched
let running = false;
const stale = () => wanted !== null; // a newer keystroke is waiting: drop this search

async function search(text) {
  const cores = queryCores(text);
  if (!cores.length) {
    list.replaceChildren();
    meta.textContent = HINT;
    delete form.dataset.state;
    delete form.dataset.query;
    return;
  }
  form.dataset.state = "searching";
  const [articlesPf, entitiesPf] = await engine();
  const q = cores.join(" ");
  // The two bundles run in their own workers: ask both at once.
  const entitySearch = entitiesPf.search(q);
  // Articles: ranked over slice 0 first (a fixed sample of the archive, cheap
  // to rank); its unfilteredResultCount says how many articles hold every
  // word. More than FULL_LIMIT: the sample is the answer. Fewer, and not all
  // in slice 0: rank them all (a rare word's term lookup is quick).
  let articles = await articlesPf.search(q, { filters: { slice: "0" } });
  if (stale()) return;
  const matching = articles ? articles.unfilteredResultCount : 0;
  const sampled = matching > FULL_LIMIT;
  if (articles && !sampled && articles.results.length < matching) {
    articles = await articlesPf.search(q);
    if (stale()) return;
  }
  const entities = await entitySearch;
  if (stale() || !articles) return;
  const picked = [];
  const seen = new Set();
  (entities ? entities.results.slice(0, ENTITY_CANDIDATES) : []).forEach((r, i) => {
    seen.add(r.id);
    picked.push({ r, order: i - 1000 });
  });
  articles.results.slice(0, LOADED).forEach((r, i) => seen.has(r.id) || picked.push({ r, order: i }));
  // Draw as soon as the entity candidates and the best article are in (the
  // order can still change when a later one's title matches), then all.
  const entityCount = picked.filter((e) => e.order < 0).length;
  const total = sampled ? matching : null;
  let drawn = false;
  const draw = () => {
    const loaded = picked.filter((e) => e.data);
    const kept = loaded.filter((e) => keep(e, cores));
    const count = total ?? (loaded.length === picked.length && kept.length === loaded.length
      ? Math.max(articles.results.length + (entities ? entities.results.length : 0), kept.length)
      : kept.length);
    render(rank(kept, cores), count, cores, sampled);
  };
  await loadData(picked, () => {
    if (drawn || stale()) return;
    const head = picked.slice(0, entityCount + 1);
    if (head.every((e) => e.data) && head.some((e) => keep(e, cores))) {
      drawn = true;
      draw();
    }
  });
  if (stale()) return;
  draw();
  form.dataset.query = text; // lets tests (and styles) know which query is shown
  form.dataset.state = "done";
}

/** Search the newest text; a search in flight finishes first (Pagefind runs one at a time). */
async function request(text) {
  wanted = text;
  if (running) return;
  running = true;
  try {
    while (wanted !== null) {
      const next = wanted;
      wanted = null;
      await search(next);
    }
  } finally {
    running = false;
  }
}

function open() {
  if (!toggle.checked) toggle.checked = true;
}

// Load Pagefind (its WebAssembly and index metadata) as soon as the reader
// shows an intent to search, so typing does not wait for it.
for (const button of document.querySelectorAll('label[for="__search"]')) {
  for (const type of ["pointerenter", "touchstart", "focus"]) button.addEventListener(type, () => engine(), { passive: true, once: true });
}
input.addEventListener("focus", () => {
  open();
  engine(); // start loading the index while the reader types
});
input.addEventListener("input", () => request(input.value));
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const first = list.querySelector("a");
  if (first) window.location.href = first.href;
});
form.addEventListener("reset", () => {
  window.setTimeout(() => request(""), 0);
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
