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
//
// Speed at tens of thousands of articles: Pagefind's ranking costs grow with
// the product of a query's matching pages and the pages holding its words,
// so a query is first counted in the whole archive and in a fixed sample of
// it (no ranking: cheap), then ranked in the whole archive if that is cheap
// enough, or on its rarest words there, else in the sample (and the reader
// is told). Entity pages, which
// rank first anyway, are drawn as soon as they are in. The workers load and
// run one hidden search while the page is idle, or under Save-Data when the
// reader first reaches for the search box.
import { allMatch, matchRanges } from "./search-match.js";
import { RANK_BUDGET, rarest } from "./search-plan.js";
import { queryCores } from "./search-normalize.js";

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

// Three Pagefind bundles (builder/search_hook.py): pagefind/ holds every
// article, pagefind-sample/ a fixed sample of them, pagefind-entities/ the
// entity pages. Two Pagefind modules, so two workers that run side by side:
// "quick" (the sample, with the entity bundle merged in: both small, each
// answers in milliseconds) and "full" (the whole archive).
const FULL = "pagefind";
const SAMPLE = "pagefind-sample";
const ENTITIES = "pagefind-entities";
// The entity bundle's pages carry this filter (mergeFilter), the sample's none.
const ENTITY = { bundle: "entity" };
// Where an entity page's spellings are (builder/search_hook.py: the title and the "names" meta).
const NAME_FIELDS = new Set(["title", "names"]);
// A filter value no page has: Pagefind still counts a query's matches
// (unfilteredResultCount) but ranks none of them, which is what costs.
const COUNT_ONLY = { filters: { bundle: "count-only" } };
// Shorter words are left out of what Pagefind is asked (see search()).
const MIN_WORD = 2;
// What warmUp() searches: a digit, found in dates, whose index chunk is small.
const WARM_UP = "0";

let engines = null;
function start(dir, extend) {
  return import(new URL(`${dir}/pagefind.js`, siteRoot).href).then(async (pf) => {
    await pf.options({ baseUrl: siteRoot.pathname, excerptLength: 30 });
    if (extend) await extend(pf);
    await pf.init();
    return pf;
  });
}
function engine() {
  engines ??= {
    quick: start(SAMPLE, (pf) =>
      pf.mergeIndex(new URL(`${ENTITIES}/`, siteRoot).pathname, { baseUrl: siteRoot.pathname, mergeFilter: ENTITY }),
    ),
    full: start(FULL),
  };
  return engines;
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

/** The end of at most `length` characters of `body` from `from`, cut at a space when it falls inside. */
function windowEnd(body, from, length) {
  const to = Math.min(body.length, from + length);
  const space = to < body.length ? body.lastIndexOf(" ", to) : -1;
  return space > from ? space : to;
}

/** Where in `body` the first word matching a core starts (-1: none), reading it a window at a time. */
function firstMatch(body, cores) {
  for (let from = 0; from < body.length; ) {
    const to = windowEnd(body, from, EXCERPT_LENGTH * 2);
    const { ranges } = matchRanges(body.slice(from, to), cores);
    if (ranges.length) return from + ranges[0][0];
    from = to;
  }
  return -1;
}

function excerpt(content, cores) {
  const body = content.split(SEPARATOR)[0].trim();
  const at = firstMatch(body, cores);
  let from = at > 0 ? Math.max(0, at - EXCERPT_BEFORE) : 0;
  if (from > 0) from = body.indexOf(" ", from) + 1 || from;
  const to = windowEnd(body, from, EXCERPT_LENGTH);
  const text = (from > 0 ? "… " : "") + body.slice(from, to) + (to < body.length ? " …" : "");
  return [text, matchRanges(text, cores).ranges];
}

/** Whether a name is exactly the typed words, in any order (مالي is Mali's name, not part of «القوات المسلحة المالية»). */
function isName(name, cores) {
  const own = queryCores(name);
  return own.length === cores.length && own.every((c) => cores.includes(c));
}

function rank(entries, cores) {
  // Entity pages come only when their name is what was typed (keep), first:
  // the one whose own name is exactly the typed words, then Pagefind's order;
  // then articles whose title holds every word.
  for (const e of entries) {
    const title = e.data.meta.title || "";
    e.group = e.data.meta.kind === "entity" ? (isName(title, cores) ? 0 : 1) : allMatch(title, cores) ? 2 : 3;
  }
  return entries.sort((a, b) => a.group - b.group || a.order - b.order);
}

function countText(total) {
  return total === 1 ? "نتيجة واحدة" : total === 2 ? "نتيجتان" : `${total.toLocaleString("ar")} نتيجة`;
}

/** Draw `entries` (entity pages and articles, loaded and kept); `total` null while articles are still coming. */
function render(entries, total, cores, how = "whole") {
  list.replaceChildren();
  if (total === 0) {
    meta.textContent = "لا نتائج مطابقة";
    return;
  }
  if (total === null) meta.textContent = "جارٍ البحث في المقالات…";
  else meta.textContent = countText(total);
  // Ranked over the sample, or not at all (RANK_BUDGET): say so, and how to narrow it.
  if (total !== null && how === "sample") meta.textContent += "؛ الأفضل بينها في عيّنة من الأرشيف، أضف كلمة لتضييق البحث";
  if (total !== null && how === "none") meta.textContent += "؛ أكثر من أن تُرتَّب هنا، أضف كلمة لتضييق البحث";
  for (const e of rank(entries, cores).slice(0, SHOWN)) {
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
    e.excerpt ??= excerpt(e.data.content || "", cores);
    article.append(marked(e.excerpt[0], e.excerpt[1], "p"));
    link.append(article);
    item.append(link);
    list.append(item);
  }
}

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
  // Entity pages come only when their name is what was typed. Decided once
  // per result: every draw asks again.
  e.kept ??=
    e.data.meta.kind === "entity"
      ? allMatch(`${e.data.meta.title || ""} ${e.data.meta.names || ""}`, cores)
      : allMatch(e.data.content || "", cores);
  return e.kept;
}

let wanted = null; // the newest text not yet searched
let running = false;
let generation = 0; // the search whose results may be drawn
const stale = () => wanted !== null; // a newer keystroke is waiting: drop this search

/**
 * How many pages of one bundle hold `q` (and each word of it), and what
 * ranking them there costs: (pages holding every word) × (pages holding any
 * word, summed per word). Counted with COUNT_ONLY, so nothing is ranked; the
 * quick worker's counts leave out its entity pages.
 */
async function cost(pf, q, cores) {
  const words = cores.length > 1 ? cores : [];
  const found = await Promise.all([q, ...words].map((w) => pf.search(w, COUNT_ONLY)));
  const [matching, ...each] = found.map((r) =>
    r ? r.unfilteredResultCount - ((r.totalFilters.bundle || {}).entity || 0) : 0,
  );
  const counts = words.length ? words.map((w, i) => [w, each[i]]) : [[q, matching]];
  return { matching, counts, pairs: matching * counts.reduce((sum, [, n]) => sum + n, 0) };
}

async function search(text) {
  // A one-letter word is a prefix of half the vocabulary: it narrows nothing
  // and costs the most. Search the longer words; keep() still checks them all.
  const cores = queryCores(text);
  const asked = cores.filter((c) => Array.from(c).length >= MIN_WORD);
  const mine = ++generation;
  if (!asked.length) {
    list.replaceChildren();
    meta.textContent = HINT;
    delete form.dataset.state;
    delete form.dataset.query;
    delete form.dataset.ranked;
    return;
  }
  form.dataset.state = "searching";
  const q = asked.join(" ");
  const { quick, full } = engine();
  // Both workers count at once (the whole archive, and the sample), while the
  // quick worker also ranks the entity pages.
  const wholeCost = full.then((pf) => cost(pf, q, asked));
  const quickPf = await quick;
  if (stale()) return;
  const entitySearch = quickPf.search(q, { filters: ENTITY });
  const sampleCost = cost(quickPf, q, asked);

  const entities = [];
  const articles = [];
  let articleCount = null; // null until the articles' answer is in
  let how = "whole"; // where the articles were ranked: "whole", "rarest", "sample" or "none"
  const draw = () => {
    if (mine !== generation || stale()) return;
    const [namedPages, found] = [entities, articles].map((some) => some.filter((e) => e.data && keep(e, cores)));
    const total = articleCount === null ? null : articleCount + namedPages.length;
    if (namedPages.length || found.length || total !== null) render([...namedPages, ...found], total, cores, how);
  };

  // Entity pages rank first whatever the articles say: draw them as soon as
  // they are in, and the articles below them when theirs are.
  const entityPart = entitySearch.then((found) => {
    if (!found || stale()) return undefined;
    // An entity page comes only when its name is what was typed (keep): one
    // whose name and title hold none of the words is not worth fetching.
    const named = found.results.filter((r) => (r.matchedMetaFields || []).some((f) => NAME_FIELDS.has(f)));
    named.slice(0, ENTITY_CANDIDATES).forEach((r, i) => entities.push({ r, order: i }));
    return loadData(entities, () => {}).then(draw);
  });

  const whole = await wholeCost;
  if (stale()) return;
  // Where the articles are ranked: the whole archive on every word, or on
  // its rarest words, or the sample; or, too common even for that, nowhere.
  const few = whole.pairs > RANK_BUDGET && whole.counts.length > 1 ? rarest(whole.counts) : [];
  let answer = null;
  let loaded = LOADED;
  if (whole.pairs <= RANK_BUDGET) answer = await (await full).search(q);
  else if (few.length) {
    how = "rarest";
    answer = await (await full).search(few.join(" "));
    // Fetch enough of the superset for about LOADED to hold every word.
    const share = answer ? whole.matching / Math.max(1, answer.results.length) : 1;
    loaded = Math.min(LOADED * 3, Math.ceil(LOADED / Math.max(share, 1 / 3)));
  } else if ((await sampleCost).pairs <= RANK_BUDGET) {
    how = "sample";
    answer = await quickPf.search(q, { filters: { none: ENTITY } });
  } else how = "none"; // the entity pages and the count only
  if (stale()) return;
  (answer ? answer.results.slice(0, loaded) : []).forEach((r, i) => articles.push({ r, order: i }));
  // Draw once the best article is in (a later one may still move up when its
  // title matches), then again when all are.
  await loadData(articles, () => {
    if (articleCount !== null || !articles[0].data || !keep(articles[0], cores)) return;
    articleCount = how === "whole" ? answer.results.length : whole.matching;
    draw();
  });
  await entityPart;
  if (stale()) return;
  const kept = articles.filter((e) => keep(e, cores)).length;
  if (how === "sample" || how === "none") articleCount = whole.matching;
  else if (how === "rarest") articleCount = kept ? whole.matching : 0;
  // Every loaded article holds every word: trust Pagefind's count; otherwise only what was checked.
  else articleCount = kept === articles.length ? Math.max(answer.results.length, kept) : kept;
  draw();
  form.dataset.ranked = how; // and where its articles were ranked
  form.dataset.query = text; // lets tests (and styles) know which query is shown
  form.dataset.state = "done";
}

/**
 * Load both workers and run one search nobody sees, once. A fresh worker's
 * first search runs cold code (its decompressor, WebAssembly not yet
 * optimised, the grapheme segmenter), and so does this page's first check,
 * excerpt and count (regular expressions, the Arabic number format): without
 * this, the reader's first search would pay for it.
 */
let warming = null;
function warmUp() {
  warming ??= (async () => {
    const { quick, full } = engine();
    const [quickPf, fullPf] = await Promise.all([quick, full]);
    if (generation) return; // the reader searched already
    const words = [WARM_UP];
    const [, , found] = await Promise.all([
      cost(fullPf, WARM_UP, words),
      cost(quickPf, WARM_UP, words),
      fullPf.search(WARM_UP),
      quickPf.search(WARM_UP, { filters: ENTITY }),
    ]);
    const first = found && found.results[0];
    if (!first) return;
    // This page's side: the checks, excerpt, marks and count a result gets.
    const e = { data: await first.data() };
    keep(e, words);
    marked(...excerpt(e.data.content || "", words), "p");
    countText(e.data.content.length);
  })();
  return warming;
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

// Load Pagefind (its scripts, WebAssembly and index metadata) and warm it up
// once the page is idle, so that searching does not wait for it; unless the
// reader's browser asks to save data: then at the first sign of an intent to
// search (the search button pressed or focused, the box focused, the search
// key), so that a reader who never searches loads nothing and one who does
// types into a warm engine.
const connection = navigator.connection || {};
if (!connection.saveData && !/2g/.test(connection.effectiveType || "")) {
  const idle = () => (window.requestIdleCallback || window.setTimeout)(() => warmUp(), { timeout: 2000 });
  if (document.readyState === "complete") idle();
  else window.addEventListener("load", idle, { once: true });
}
for (const button of document.querySelectorAll('label[for="__search"]')) {
  for (const type of ["pointerdown", "touchstart", "focus"]) button.addEventListener(type, warmUp, { passive: true, once: true });
}
input.addEventListener("focus", () => {
  open();
  warmUp();
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
