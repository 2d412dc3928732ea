// Which words of a text match what the reader typed, by one rule for all
// (the search box's highlighting, and its check that a result holds every
// word). DOM-free, so tests/unit/test_search_js.py runs it in node.
import { cliticStems, normalize, normalizeWithMap } from "./search-normalize.js";

// A word of matched text: letters, digits, underscore, or the Arabic block (normalize.py's \w).
const WORD_CHARS = "[\\p{L}\\p{N}_\\u0600-\\u06FF]";
const WORD = new RegExp(`${WORD_CHARS}+`, "gu");
const WORD_CHAR = new RegExp(WORD_CHARS, "u");

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
  for (const m of norm.matchAll(WORD)) {
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

/**
 * Whether every core matches a word of `text` by matchRanges' rule, checking
 * only the words that can: a word whose clitic stem starts with the core, or
 * is the core less at most two letters, holds the core's first letters (its
 * first max(3, length - 2)), or لل for a core's ال (للحكومه → الحكومه).
 */
export function allMatch(text, cores) {
  if (!cores.length) return false;
  const norm = normalize(text);
  return cores.every((c) => {
    const head = c.slice(0, Math.min(c.length, Math.max(3, c.length - 2)));
    const keys = c.startsWith("ال") ? [head, `لل${head.slice(2)}`] : [head];
    for (const key of keys) {
      for (let at = norm.indexOf(key); at !== -1; at = norm.indexOf(key, at + 1)) {
        let start = at;
        let end = at + key.length;
        while (start > 0 && WORD_CHAR.test(norm[start - 1])) start--;
        while (end < norm.length && WORD_CHAR.test(norm[end])) end++;
        if (cliticStems(norm.slice(start, end)).some((stem) => stemMatches(stem, c))) return true;
      }
    }
    return false;
  });
}
