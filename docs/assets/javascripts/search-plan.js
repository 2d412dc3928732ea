// Where the search box ranks a query's articles, from how many pages hold
// it (search.js counts them first). DOM-free, so tests/unit/test_search_js.py
// runs it in node.

// Pagefind's ranking scans every matching page's postings for each result:
// its time grows with (pages holding every word) × (pages holding any word),
// about 10 ns a pair (V8, 20,000 articles). Above this many pairs the whole
// archive is too slow to rank while the reader types: search.js ranks it on
// the query's rarest words (rarest) or, failing that, ranks the sample.
export const RANK_BUDGET = 6e6;

/**
 * The rarest words of a query whose ranking fits RANK_BUDGET, rarest first
 * (none: even the rarest is too common). Its pages are a superset of the
 * query's, and a common word weighs little in Pagefind's (BM25) score, so
 * ranking them and keeping those that hold every word (search.js keep()) costs a
 * fraction and loses little. Words Pagefind has no page for are left out,
 * as Pagefind leaves them out of the whole query.
 */
export function rarest(counts, budget = RANK_BUDGET) {
  const known = counts.filter(([, n]) => n > 0).sort((a, b) => a[1] - b[1]);
  const picked = [];
  let scanned = 0;
  for (const [word, n] of known) {
    if (known[0][1] * (scanned + n) > budget) break; // results ≤ the rarest word's pages
    picked.push(word);
    scanned += n;
  }
  return picked;
}
