// encyc search: finds articles by title or alternative name as the reader types (forgiving
// typos, missing accents, word order and unfinished words), then by words in their text.
// Works with no server: the index is a set of scripts next to this one (no fetch), loaded
// when the search box is first used. The box follows the ARIA 1.2 combobox pattern.
(function () {
  "use strict";

  var script = document.currentScript;
  var root = (script && script.getAttribute("data-root")) || "";
  var MAX_NAME_RESULTS = 8;
  var MAX_TEXT_RESULTS = 6;
  // Full-text results whose passages are loaded (the list shows 6, the results page more).
  var MAX_PASSAGES = 20;
  // Articles per passages file; in step with PASSAGES_PER_FILE in src/search/mod.rs.
  var PASSAGES = 16;
  var SNIPPET_LENGTH = 180;

  // Both come with the index (search-names.js), from src/terms.rs: the words it leaves out,
  // and what it folds each letter beyond ASCII to (ø → o, æ → ae, ß → ss).
  var STOPWORDS = new Set();
  var FOLD = {};

  // What it says, in the edition's language: encyc writes the `search-*` strings of the
  // edition's strings file (strings/<language>.ftl) in place of the empty object.
  var T = {} /*encyc: search strings*/;

  // Lower case, letters transliterated as the index was written, any other accent dropped.
  function fold(text) {
    if (/[^\x00-\x7f]/.test(text)) {
      var out = "";
      for (var ch of text) out += Object.prototype.hasOwnProperty.call(FOLD, ch) ? FOLD[ch] : ch;
      text = out.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    }
    return text.toLowerCase();
  }

  function words(text) {
    return fold(text).split(/[^a-z0-9]+/).filter(function (w) { return w.length >= 2; });
  }

  // ---- loading the index -------------------------------------------------------------

  var loaded = {};
  function load(path) {
    if (!loaded[path]) {
      loaded[path] = new Promise(function (resolve, reject) {
        var el = document.createElement("script");
        el.src = root + path;
        el.onload = resolve;
        el.onerror = function () { reject(new Error("cannot load " + path)); };
        document.head.appendChild(el);
      });
    }
    return loaded[path];
  }

  var data = { articles: null, names: null, snippets: null, shards: {}, passages: {} };
  window.encycSearch = {
    names: function (_key, names) {
      STOPWORDS = new Set(names.stopwords);
      FOLD = names.fold;
      data.articles = names.articles;
      var docs = [];
      names.articles.forEach(function (a, i) { docs.push({ id: docs.length, article: i, name: a[1], alt: false }); });
      names.alternatives.forEach(function (n) { docs.push({ id: docs.length, article: n[0], name: n[1], alt: true }); });
      var index = new MiniSearch({
        fields: ["name"],
        storeFields: ["article", "name", "alt"],
        processTerm: function (term) { return fold(term); },
        searchOptions: { processTerm: function (term) { return fold(term); } }
      });
      index.addAll(docs);
      data.names = index;
    },
    snippets: function (_key, snippets) { data.snippets = snippets; },
    passages: function (key, texts) { data.passages[key] = texts; },
    shard: function (key, postings) {
      // Postings come as gaps between article numbers.
      var decoded = new Map();
      Object.keys(postings).forEach(function (term) {
        var at = 0;
        decoded.set(term, postings[term].map(function (gap) { at += gap; return at; }));
      });
      data.shards[key] = decoded;
    }
  };

  function ready() {
    return load("assets/minisearch.js").then(function () { return load("assets/search-names.js"); });
  }

  // ---- matching ----------------------------------------------------------------------

  function href(article) {
    return root + encodeURIComponent(data.articles[article][0]) + ".html";
  }

  // The query's words as the reader typed them, by their folded form: a typo allowance
  // counts the letters typed, not the folded ones (Spanish ñ folds to two letters, and `año`
  // must not find "ano" as a four-letter word with a typo).
  var typedLengths = new Map();

  function lengthsAsTyped(query) {
    var lengths = new Map();
    query.split(/[^\p{L}\p{N}]+/u).forEach(function (w) {
      var folded = fold(w).replace(/[^a-z0-9]/g, "");
      if (folded) lengths.set(folded, Array.from(w.normalize("NFC")).length);
    });
    return lengths;
  }

  // One or two typos depending on the length of the word as typed; none for very short words.
  function typos(term) {
    var length = typedLengths.has(term) ? typedLengths.get(term) : term.length;
    return length <= 3 ? 0 : length <= 6 ? 1 : 2;
  }

  // The words of a query that count: its words less the stopwords (unless that leaves none).
  function queryWords(query) {
    var all = words(query);
    var kept = all.filter(function (w) { return !STOPWORDS.has(w); });
    return kept.length ? kept : all;
  }

  // Whether `a` and `b` are at most `max` edits apart (Levenshtein, as MiniSearch's fuzzy).
  function near(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return false;
    var row = [];
    for (var j = 0; j <= b.length; j++) row.push(j);
    for (var i = 1; i <= a.length; i++) {
      var diagonal = row[0];
      row[0] = i;
      var least = row[0];
      for (j = 1; j <= b.length; j++) {
        var above = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
        diagonal = above;
        if (row[j] < least) least = row[j];
      }
      if (least > max) return false;
    }
    return row[b.length] <= max;
  }

  var EXACT = 4, WHOLE = 3, PREFIX = 2, TYPO = 1;

  // How well a name matches the query's words: how many of them it has (each query word
  // counts once, however many of the name's words it resembles), the weakest of those
  // matches (whole word, prefix, typo; EXACT for the name itself), and its words that match
  // none of the query's, small words like "other" included (fewer is better: "Sciatica" before "Sciatica, left side"); then
  // whether it starts with the query's words, in order.
  function nameMatch(name, terms, typed) {
    var nameWords = words(name);
    var used = new Set();
    var matched = 0;
    var weakest = WHOLE;
    terms.forEach(function (t) {
      var best = 0;
      var at = -1;
      nameWords.forEach(function (w, i) {
        var q = w === t ? WHOLE : w.indexOf(t) === 0 ? PREFIX : near(t, w, typos(t)) ? TYPO : 0;
        if (q > best || (q === best && q > 0 && used.has(at) && !used.has(i))) { best = q; at = i; }
      });
      if (best) {
        matched++;
        used.add(at);
        weakest = Math.min(weakest, best);
      }
    });
    var all = matched === terms.length;
    if (all && nameWords.join(" ") === typed) weakest = EXACT;
    var starts = all && (nameWords.join(" ") + " ").indexOf(terms.join(" ") + " ") === 0;
    return { all: all, matched: matched, level: matched ? weakest : 0, extra: nameWords.length - used.size, starts: starts };
  }

  function byNameMatch(a, b) {
    return (b.all - a.all) || (b.level - a.level) || (b.matched - a.matched) || (a.extra - b.extra) ||
      (b.starts - a.starts) || (a.alt - b.alt) || (b.score - a.score) || (a.article - b.article);
  }

  // Titles and alternative names, best match per article first: `all` those with every word
  // of the query, `some` those with only some of them.
  function nameResults(query) {
    typedLengths = lengthsAsTyped(query);
    var terms = queryWords(query);
    var typed = words(query).join(" ");
    var options = { prefix: true, fuzzy: typos, combineWith: "AND" };
    var text = terms.join(" ");
    var hits = data.names.search(text, options);
    if (!hits.length) hits = data.names.search(text, { prefix: true, fuzzy: typos, combineWith: "OR" });
    var best = new Map();
    hits.forEach(function (hit) {
      var m = nameMatch(hit.name, terms, typed);
      if (!m.matched) return;
      var result = { article: hit.article, name: hit.name, alt: hit.alt, score: hit.score,
        all: m.all, level: m.level, matched: m.matched, extra: m.extra, starts: m.starts };
      var seen = best.get(hit.article);
      if (!seen || byNameMatch(result, seen) < 0) best.set(hit.article, result);
    });
    var ranked = Array.from(best.values()).sort(byNameMatch);
    return {
      all: ranked.filter(function (r) { return r.all; }),
      some: ranked.filter(function (r) { return !r.all; })
    };
  }

  // Words in article text: every query word must match (the last one may be unfinished).
  function textResults(query) {
    var terms = words(query).filter(function (w) { return !STOPWORDS.has(w); });
    if (!terms.length) return Promise.resolve([]);
    var phrase = " " + terms.join(" ");
    var keys = Array.from(new Set(terms.map(function (t) { return t[0]; })));
    var needed = keys.map(function (k) { return load("assets/search-text/" + k + ".js"); });
    needed.push(load("assets/search-snippets.js"));
    return Promise.all(needed).then(function () {
      var counts = new Map();
      terms.forEach(function (term, i) {
        var shard = data.shards[term[0]];
        var found = new Set();
        var last = i === terms.length - 1 && term.length >= 3;
        shard.forEach(function (articles, indexed) {
          if (indexed === term || (last && indexed.indexOf(term) === 0)) {
            articles.forEach(function (a) { found.add(a); });
          }
        });
        found.forEach(function (a) { counts.set(a, (counts.get(a) || 0) + 1); });
      });
      // Articles whose title or snippet has the words come first, above all as a phrase;
      // then in site order.
      var results = [];
      counts.forEach(function (n, a) {
        if (n < terms.length) return;
        var shown = words(data.articles[a][1] + " " + (data.snippets[a] || ""));
        var score = 0;
        terms.forEach(function (t) {
          if (shown.some(function (w) { return w.indexOf(t) === 0; })) score += 1;
        });
        if (terms.length > 1 && (" " + shown.join(" ")).indexOf(phrase) >= 0) score += terms.length;
        results.push({ article: a, terms: terms, score: score });
      });
      results.sort(function (x, y) { return y.score - x.score || x.article - y.article; });
      return results;
    });
  }

  // Whether the folded word `w` is one of the query's terms (or starts with one).
  function matches(w, terms) {
    return terms.some(function (t) { return w.indexOf(t) === 0; });
  }

  // The part of an article's text that shows why it was found: the sentence with the most of
  // the query's words, cut to about SNIPPET_LENGTH characters around the first of them.
  function passage(text, terms) {
    var best = null;
    var bestCount = 0;
    (text.match(/[^.!?]+[.!?]*/g) || []).forEach(function (sentence) {
      var found = new Set(words(sentence).filter(function (w) { return matches(w, terms); }));
      if (found.size > bestCount) { best = sentence.trim(); bestCount = found.size; }
    });
    if (!best) return "";
    if (best.length <= SNIPPET_LENGTH) return best;
    var parts = best.split(" ");
    var first = 0;
    while (first < parts.length && !matches(fold(parts[first]).replace(/[^a-z0-9]/g, ""), terms)) first++;
    var start = Math.max(0, first - 6);
    var out = [];
    var length = 0;
    for (var i = start; i < parts.length && length + parts[i].length < SNIPPET_LENGTH; i++) {
      out.push(parts[i]);
      length += parts[i].length + 1;
    }
    return (start > 0 ? "\u2026" : "") + out.join(" ") + (i < parts.length ? "\u2026" : "");
  }

  // Loads the text of the first full-text results and finds each one's passage. Without it
  // (a file that failed to load) a result shows its summary instead.
  function withPassages(text) {
    var shown = text.slice(0, MAX_PASSAGES);
    var files = Array.from(new Set(shown.map(function (r) { return Math.floor(r.article / PASSAGES); })));
    return Promise.all(files.map(function (n) { return load("assets/search-passages/" + n + ".js"); })).then(function () {
      shown.forEach(function (r) {
        var texts = data.passages[Math.floor(r.article / PASSAGES)];
        r.detail = texts ? passage(texts[r.article % PASSAGES] || "", r.terms) : "";
      });
      return text;
    }, function () { return text; });
  }

  function search(query) {
    return ready().then(function () {
      // Names with every word of the query, then text with every word, then names with
      // only some of the words.
      var names = nameResults(query);
      var shown = new Set(names.all.map(function (r) { return r.article; }));
      return textResults(query).then(function (text) {
        text = text.filter(function (r) { return !shown.has(r.article); });
        text.forEach(function (r) { shown.add(r.article); });
        var some = names.some.filter(function (r) { return !shown.has(r.article); });
        return withPassages(text).then(function (text) { return { names: names.all, text: text, some: some }; });
      }, function () { return { names: names.all, text: [], some: names.some }; });
    });
  }

  // ---- showing results ---------------------------------------------------------------

  // `text` with the query's words marked, built as DOM nodes (never as HTML).
  function marked(text, terms) {
    var span = document.createElement("span");
    var parts = text.split(/([\s.,;:!?()"\u201c\u201d]+)/);
    parts.forEach(function (part) {
      var w = fold(part).replace(/[^a-z0-9]/g, "");
      var hit = w && matches(w, terms);
      if (hit) {
        var m = document.createElement("mark");
        m.textContent = part;
        span.appendChild(m);
      } else {
        span.appendChild(document.createTextNode(part));
      }
    });
    return span;
  }

  // The parts of one result: its main line, and the line under it.
  function describe(result) {
    var title = data.articles[result.article][1];
    if (result.terms) {
      var detail = result.detail || (data.snippets ? data.snippets[result.article] : "");
      return { main: title, detail: detail, terms: result.terms };
    }
    if (result.alt) return { main: result.name, see: title };
    return { main: title };
  }

  function appendParts(el, parts) {
    var main = document.createElement("span");
    main.className = "search-result-name";
    main.textContent = parts.main;
    el.appendChild(main);
    if (parts.see) {
      var see = document.createElement("span");
      see.className = "search-result-see";
      see.textContent = " \u2014 " + T.see + " " + parts.see;
      el.appendChild(see);
    }
    if (parts.detail) {
      // Said after the name by screen readers; shown on its own line.
      el.appendChild(document.createTextNode(" "));
      var detail = document.createElement("span");
      detail.className = "search-result-snippet";
      detail.appendChild(marked(parts.detail, parts.terms));
      el.appendChild(detail);
    }
  }

  // "No articles found", "1 article found", "3 articles found": the form for exactly 0, or
  // for the number's plural category in the page's language, with the number put in.
  function countText(n) {
    var forms = T.found;
    if (n === 0 && "0" in forms) return forms["0"];
    var category = new Intl.PluralRules(document.documentElement.lang || "en").select(n);
    return (forms[category] || forms.other).split("{count}").join(String(n));
  }

  // ---- the combobox in every page's header -------------------------------------------

  function combobox(form) {
    var input = form.querySelector("input[role=combobox]");
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var status = form.querySelector("[role=status]");
    var options = [];
    var active = -1;
    var latest = 0;
    var timer = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function activate(i) {
      if (active >= 0 && options[active]) options[active].removeAttribute("aria-selected");
      active = i;
      if (i < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      options[i].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({ block: "nearest" });
    }

    function show(query, results) {
      list.textContent = "";
      list.setAttribute("data-query", query);
      options = [];
      active = -1;
      var names = results.names.slice(0, MAX_NAME_RESULTS);
      var text = results.text.slice(0, MAX_TEXT_RESULTS);
      var some = results.some.slice(0, Math.max(0, MAX_NAME_RESULTS - names.length));
      // Each group under a heading of its own, but for names with every word, or a group alone.
      var headings = new Map([[names.length + text.length, T.someWords]]);
      if (text.length && (names.length || some.length)) headings.set(names.length, T.inText);
      var all = names.concat(text, some);
      all.forEach(function (result, i) {
        if (headings.has(i) && (i > 0 || result.terms)) {
          var sep = document.createElement("li");
          sep.setAttribute("role", "presentation");
          sep.className = "search-separator";
          sep.textContent = headings.get(i);
          headings.delete(i);
          list.appendChild(sep);
        }
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.className = "search-result";
        li.setAttribute("data-href", href(result.article));
        appendParts(li, describe(result));
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { location.href = li.getAttribute("data-href"); });
        list.appendChild(li);
        options.push(li);
      });
      var total = results.names.length + results.text.length + results.some.length;
      status.textContent = countText(total);
      list.hidden = options.length === 0;
      input.setAttribute("aria-expanded", options.length ? "true" : "false");
    }

    function update() {
      var query = input.value.trim();
      var ticket = ++latest;
      if (query.length < 2) {
        close();
        // No results stand for any query now (the attribute names the query of those shown).
        list.removeAttribute("data-query");
        status.textContent = "";
        return;
      }
      search(query).then(function (results) {
        if (ticket === latest) show(query, results);
      }, function () {
        if (ticket === latest) status.textContent = T.unavailable;
      });
    }

    input.addEventListener("focus", function () { ready().catch(function () {}); });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 60);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") {
        if (list.hidden && options.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        if (options.length) activate((active + 1) % options.length);
        e.preventDefault();
      } else if (e.key === "ArrowUp") {
        if (options.length) activate(active <= 0 ? options.length - 1 : active - 1);
        e.preventDefault();
      } else if (e.key === "Enter" && active >= 0 && !list.hidden) {
        e.preventDefault();
        location.href = options[active].getAttribute("data-href");
      } else if (e.key === "Escape") {
        if (!list.hidden) close();
        else input.value = "";
        e.preventDefault();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  // ---- the results page (search.html?q=…) --------------------------------------------

  function resultsPage(container) {
    var query = new URLSearchParams(location.search).get("q") || "";
    var input = document.querySelector("input[role=combobox]");
    if (input) input.value = query;
    var heading = container.querySelector("[data-search-heading]");
    var count = container.querySelector("[data-search-count]");
    var list = container.querySelector("[data-search-results]");
    container.querySelector("[data-search-fallback]").hidden = true;
    if (!query.trim()) {
      count.textContent = T.prompt;
      return;
    }
    heading.textContent = T.resultsFor.split("{query}").join(query);
    document.title = heading.textContent + " \u2013 " + document.title;
    search(query).then(function (results) {
      var all = results.names.concat(results.text, results.some);
      count.textContent = countText(all.length) + ".";
      all.forEach(function (result) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = href(result.article);
        appendParts(a, describe(result));
        li.appendChild(a);
        list.appendChild(li);
      });
    }, function () {
      count.textContent = T.unavailableHere;
    });
  }

  // For the ranking suite (tests/browser/ranking.mjs), which runs this script in node.
  window.encycSearch.search = search;
  window.encycSearch.fold = fold;
  window.encycSearch.title = function (article) { return data.articles[article][1]; };
  window.encycSearch.ordered = function (results) { return results.names.concat(results.text, results.some); };

  function start() {
    document.documentElement.classList.add("search-ready");
    var form = document.querySelector("form.site-search");
    if (form) combobox(form);
    var page = document.querySelector("[data-search-page]");
    if (page) resultsPage(page);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
