// Arabic matching forms for the search box: the same functions as
// builder/normalize.py, over the tables the build generates from it
// (search-tables.js), so a query folds exactly as the indexed pages.
// tests/unit/test_search_js.py runs this file and normalize.py on the same
// strings. Only for matching: displayed text is never changed.
import T from "./search-tables.js";

const DROP = new Set(Array.from(T.drop));
const SPACES = new Set(Array.from(T.spaces));
const FOLDS = new Map(Object.entries(T.folds));
// normalize.py: \w (letters, digits, underscore) or U+0600..U+06FF.
// normalize.py _WORD: letters and digits only (Arabic punctuation is no part of a word).
const WORD = /[\p{L}\p{N}]+/gu;

export function foldChar(ch) {
  if (DROP.has(ch)) return "";
  if (FOLDS.has(ch)) return FOLDS.get(ch);
  if (SPACES.has(ch)) return " ";
  return ch.toLowerCase();
}

// Matching form plus, for each of its characters, the index (in UTF-16 code
// units of `text`) of the original character it came from.
export function normalizeWithMap(text) {
  let out = "";
  const index = [];
  let i = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    const decomposed = cp >= 0xfb50 || ch === "\u00a0" ? ch.normalize("NFKC") : ch;
    for (const part of decomposed) {
      const folded = foldChar(part);
      for (const f of folded) {
        out += f;
        for (let k = 0; k < f.length; k++) index.push(i);
      }
    }
    i += ch.length;
  }
  return [out, index];
}

// normalize() in two native passes instead of a loop over characters: the
// compatibility forms normalizeWithMap() decomposes, then every character
// foldChar() changes (dropped, folded, a space, or one with a lower case).
const hex = (chars) => Array.from(chars, (c) => `\\u{${c.codePointAt(0).toString(16)}}`).join("");
const COMPAT = /[\u00a0\ufb50-\u{10ffff}]/gu;
const CHANGED = new RegExp(`[${hex(T.drop)}${hex(Object.keys(T.folds).join(""))}${hex(T.spaces)}]|\\p{Changes_When_Lowercased}`, "gu");

export function normalize(text) {
  return text.replace(COMPAT, (ch) => ch.normalize("NFKC")).replace(CHANGED, (ch) => foldChar(ch));
}

export function words(text) {
  return normalize(text).match(WORD) || [];
}

export function cliticStems(word) {
  const seen = [word];
  const add = (w) => {
    if (Array.from(w).length >= T.minStem && !seen.includes(w)) seen.push(w);
  };
  let stage = [word];
  let next = [];
  for (const w of stage) if (w && T.conj.includes(w[0])) next.push(w.slice(1));
  stage = stage.concat(next);
  for (const w of stage) add(w);
  next = [];
  for (const w of stage) {
    if (w.startsWith("لل") && Array.from(w).length > 3) next.push(T.article + w.slice(2));
    if (w && T.prep.includes(w[0])) next.push(w.slice(1));
  }
  stage = stage.concat(next);
  for (const w of stage) add(w);
  for (const w of stage) {
    if (w.startsWith(T.article) && Array.from(w).length - 2 >= T.minStem) add(w.slice(2));
  }
  return seen;
}

export function core(word) {
  if (!word) return word;
  const stems = cliticStems(word);
  return stems[stems.length - 1];
}

// search_assets.query_cores: the distinct clitic-free cores of the typed words.
export function queryCores(text) {
  const seen = [];
  for (const w of words(text)) {
    const c = core(w);
    if (!seen.includes(c)) seen.push(c);
  }
  return seen;
}
