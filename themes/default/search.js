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

  // In step with STOPWORDS in src/search/terms.rs.
  var STOPWORDS = new Set(("a about after all also an and any are as at be been before being but by can could do " +
    "does for from had has have how if in into is it its may more most much no not of often on one or other out " +
    "over some such than that the their them then there these they this those to up very was were what when " +
    "which while who will with you your").split(" "));

  // Lower case, accents dropped: the way the index was written.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
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

  // One or two typos depending on the length of the word; none for very short words.
  function typos(term) {
    return term.length <= 3 ? 0 : term.length <= 6 ? 1 : 2;
  }

  // Titles and alternative names: best match per article first.
  function nameResults(query) {
    var options = { prefix: true, fuzzy: typos, combineWith: "AND" };
    var hits = data.names.search(query, options);
    if (!hits.length) {
      hits = data.names.search(query, { prefix: true, fuzzy: typos, combineWith: "OR" });
    }
    var folded = fold(query.trim());
    var best = new Map();
    hits.forEach(function (hit) {
      var score = hit.score;
      var name = fold(hit.name);
      if (name === folded) score *= 4;
      else if (name.indexOf(folded) === 0) score *= 2;
      if (!hit.alt) score *= 1.2;
      var seen = best.get(hit.article);
      if (!seen || seen.score < score) best.set(hit.article, { article: hit.article, name: hit.name, alt: hit.alt, score: score });
    });
    return Array.from(best.values()).sort(function (a, b) { return b.score - a.score; });
  }

  // Words in article text: every query word must match (the last one may be unfinished).
  function textResults(query) {
    var terms = words(query).filter(function (w) { return !STOPWORDS.has(w); });
    if (!terms.length) return Promise.resolve([]);
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
      // Articles whose title or snippet has the words come first; then in A–Z order.
      var results = [];
      counts.forEach(function (n, a) {
        if (n < terms.length) return;
        var shown = words(data.articles[a][1] + " " + (data.snippets[a] || ""));
        var score = 0;
        terms.forEach(function (t) {
          if (shown.some(function (w) { return w.indexOf(t) === 0; })) score += 1;
        });
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
      var names = nameResults(query);
      return textResults(query).then(function (text) {
        var shown = new Set(names.map(function (r) { return r.article; }));
        text = text.filter(function (r) { return !shown.has(r.article); });
        return withPassages(text).then(function (text) { return { names: names, text: text }; });
      }, function () { return { names: names, text: [] }; });
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
      see.textContent = " \u2014 see " + parts.see;
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

  function countText(n) {
    return n === 0 ? "No articles found" : n === 1 ? "1 article found" : n + " articles found";
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
      var all = results.names.slice(0, MAX_NAME_RESULTS).concat(results.text.slice(0, MAX_TEXT_RESULTS));
      all.forEach(function (result, i) {
        if (i === Math.min(results.names.length, MAX_NAME_RESULTS) && i > 0) {
          var sep = document.createElement("li");
          sep.setAttribute("role", "presentation");
          sep.className = "search-separator";
          sep.textContent = "Found in the text of";
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
      var total = results.names.length + results.text.length;
      status.textContent = countText(total);
      list.hidden = options.length === 0;
      input.setAttribute("aria-expanded", options.length ? "true" : "false");
    }

    function update() {
      var query = input.value.trim();
      var ticket = ++latest;
      if (query.length < 2) {
        close();
        status.textContent = "";
        return;
      }
      search(query).then(function (results) {
        if (ticket === latest) show(query, results);
      }, function () {
        if (ticket === latest) status.textContent = "Search is not available right now.";
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
      count.textContent = "Type what you are looking for in the search box.";
      return;
    }
    heading.textContent = "Search results for \u201c" + query + "\u201d";
    document.title = heading.textContent + " \u2013 " + document.title;
    search(query).then(function (results) {
      var all = results.names.concat(results.text);
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
      count.textContent = "Search is not available right now; browse the articles by letter instead.";
    });
  }

  // For the ranking suite (tests/browser/ranking.mjs), which runs this script in node.
  window.encycSearch.search = search;
  window.encycSearch.fold = fold;
  window.encycSearch.title = function (article) { return data.articles[article][1]; };
  window.encycSearch.ordered = function (results) { return results.names.concat(results.text); };

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
