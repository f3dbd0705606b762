//! The scale benchmark: encyc against Zola and Hugo and against the `cp -r` floor, on
//! generated corpora of 1,000, 10,000 and 100,000 articles, plus the watch-mode latency.
//!
//!     cargo bench --bench scale                         # 1k, 10k, 100k; 5 runs each
//!     cargo bench --bench scale -- --sizes 1000,10000 --runs 3
//!     cargo bench --bench scale -- --sizes 10000 --watch-only     # just the watch latency
//!     cargo bench --bench scale -- --sizes 10000 --images         # just the row with 1,000 images
//!
//! Needs python3 (for shared/bench/gen_corpus.py, next to the repository or a parent), hugo, zola and /usr/bin/time
//! (`apt-get install hugo time`; Zola is built from source, found through the `ZOLA`
//! environment variable or on the PATH). A peer that is not installed is left out of the
//! table. Writes benches/results.md (the tables the README shows) and benches/scale.svg
//! (build time against article count). Times are wall times, reported as the median with the
//! spread (min–max); every tool is timed in the same run so the ratios are fair.
//!
//! The peers' sites do the work encyc's does: article pages print the same fields, and 27
//! letter pages list every title and alternative name filed under that letter. After each
//! build the bench checks that every tool's letter pages hold the same number of entries per
//! letter as encyc's, so a lighter peer site cannot pass unnoticed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use plotters::prelude::*;

struct Options {
    sizes: Vec<usize>,
    runs: usize,
    watch: bool,
    /// Only the watch latency, printed (the committed results are left alone).
    watch_only: bool,
    /// Only the row with 1,000 generated illustrations, written to its section of results.md.
    images: bool,
    /// Only the comparison of one edition with two, written to its section of results.md.
    editions: bool,
}

/// The day the builds take as today: `gen_corpus.py` dates articles up to the end of 2026,
/// and a `last_revised` after today is an error.
const CORPUS_TODAY: &str = "2026-12-31";

fn options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut o = Options {
        sizes: vec![1_000, 10_000, 100_000],
        runs: 5,
        watch: true,
        watch_only: false,
        images: false,
        editions: false,
    };
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--sizes" => {
                o.sizes = args[i + 1].split(',').map(|s| s.parse().expect("--sizes 1000,10000")).collect();
                i += 1;
            }
            "--runs" => {
                o.runs = args[i + 1].parse().expect("--runs N");
                i += 1;
            }
            "--no-watch" => o.watch = false,
            "--watch-only" => o.watch_only = true,
            "--images" => o.images = true,
            "--editions" => o.editions = true,
            // `cargo bench` passes --bench to every bench binary.
            _ => {}
        }
        i += 1;
    }
    o
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn encyc() -> &'static str {
    env!("CARGO_BIN_EXE_encyc")
}

fn run(cmd: &mut Command) {
    let out = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).output().expect("run command");
    assert!(out.status.success(), "{cmd:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
}

fn time(cmd: &mut Command) -> Duration {
    let start = Instant::now();
    run(cmd);
    start.elapsed()
}

/// The median of a set of timings with its spread.
#[derive(Clone, Copy)]
struct Spread {
    min: Duration,
    median: Duration,
    max: Duration,
}

fn spread(mut xs: Vec<Duration>) -> Spread {
    xs.sort();
    Spread { min: xs[0], median: xs[xs.len() / 2], max: xs[xs.len() - 1] }
}

/// Peak resident memory of a command, in MiB, from `/usr/bin/time -v`.
fn peak_mib(cmd: &Command, prepare: impl Fn()) -> f64 {
    prepare();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .stdout(Stdio::null())
        .output()
        .expect("/usr/bin/time");
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{cmd:?} failed: {text}");
    let kb: f64 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes): "))
        .expect("time -v prints the peak")
        .parse()
        .unwrap();
    kb / 1024.0
}

fn rm(path: &Path) {
    if path.exists() {
        std::fs::remove_dir_all(path).unwrap();
    }
}
/// The generators encyc is compared with. Each builds its own copy of the corpus: the same
/// articles, with the front matter laid out the way that tool reads it.
#[derive(Clone, Copy, PartialEq)]
enum Peer {
    Zola,
    Hugo,
}

const PEERS: [Peer; 2] = [Peer::Zola, Peer::Hugo];

impl Peer {
    fn name(self) -> &'static str {
        match self {
            Peer::Zola => "Zola",
            Peer::Hugo => "Hugo",
        }
    }

    /// The program to run: `$ZOLA` or `$HUGO` when set, else the name on the PATH; `None`
    /// when it does not run.
    fn program(self) -> Option<String> {
        let (var, default) = match self {
            Peer::Zola => ("ZOLA", "zola"),
            Peer::Hugo => ("HUGO", "hugo"),
        };
        let program = std::env::var(var).unwrap_or_else(|_| default.to_string());
        let works = Command::new(&program).arg(self.version_arg()).output().is_ok_and(|o| o.status.success());
        works.then_some(program)
    }

    fn version_arg(self) -> &'static str {
        match self {
            Peer::Zola => "--version",
            Peer::Hugo => "version",
        }
    }

    fn version(self, program: &str) -> String {
        let out = Command::new(program).arg(self.version_arg()).output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// How `gen_corpus.py` writes cross-references for this tool.
    fn link_style(self) -> &'static str {
        match self {
            Peer::Zola => "zola",
            Peer::Hugo => "plain",
        }
    }

    fn build(self, program: &str, site: &Path, out: &Path) -> Command {
        let mut c = Command::new(program);
        match self {
            Peer::Zola => {
                c.arg("--root").arg(site).arg("build").arg("--output-dir").arg(out);
            }
            Peer::Hugo => {
                c.arg("--quiet").arg("--source").arg(site).arg("--destination").arg(out);
            }
        }
        c
    }

    /// The page listing the names filed under `letter` ("a" … "z", "0-9").
    fn letter_page(self, out: &Path, letter: &str) -> PathBuf {
        match self {
            Peer::Zola | Peer::Hugo => out.join(format!("letters/{letter}/index.html")),
        }
    }

    /// The site around the articles: configuration and templates that print what encyc's
    /// pages print (title, alternative names, body, see also with the linked titles, last
    /// revised with reviewer, next review due, source, summary as description and JSON-LD,
    /// the A–Z bar, header and footer) and letter pages listing every title and alternative
    /// name, an alternative name as "name, see title".
    fn write_site(self, dir: &Path) {
        let files: &[(&str, &str)] = match self {
            Peer::Zola => &ZOLA_SITE,
            Peer::Hugo => &HUGO_SITE,
        };
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }
}

const AZ_HUGO: &str = r#"<nav class="az" aria-label="Articles A to Z"><ul>{{ range (slice "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q" "r" "s" "t" "u" "v" "w" "x" "y" "z" "0-9") }}<li><a href="/letters/{{ . }}/">{{ upper . }}</a></li>{{ end }}</ul></nav>"#;

const HUGO_SITE: [(&str, &str); 5] = [
    (
        "hugo.toml",
        "baseURL = 'https://example.org/'\ntitle = 'Medical Encyclopedia'\ndisableKinds = ['taxonomy', 'RSS', 'sitemap']\nignoreErrors = ['error-disable-taxonomy']\n[taxonomies]\nletter = 'letters'\n[markup.goldmark.renderer]\nunsafe = false\n",
    ),
    (
        "layouts/_default/baseof.html",
        concat!(
            r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ .Title }} – {{ site.Title }}</title>{{ with .Params.summary }}<meta name="description" content="{{ . }}">{{ end }}{{ if .IsPage }}<script type="application/ld+json">{{ dict "@context" "https://schema.org" "@type" "MedicalWebPage" "name" .Title "description" .Params.summary "dateModified" .Params.last_revised "reviewedBy" .Params.revised_by | jsonify | safeJS }}</script>{{ end }}</head><body><header class="site-header"><p class="site-title"><a href="/">{{ site.Title }}</a></p>"#,
            r#"{{ partial "az.html" . }}</header><main id="main-content">{{ block "main" . }}{{ end }}</main><footer class="site-footer"><p class="disclaimer">All material on this site is provided for information only and is neither advice nor a substitute for proper medical care. Consult a qualified healthcare professional who understands your particular history for individual concerns.</p></footer></body></html>"#,
            "\n"
        ),
    ),
    ("layouts/partials/az.html", AZ_HUGO),
    (
        "layouts/_default/single.html",
        r#"{{ define "main" }}<article class="article"><h1>{{ .Title }}</h1>{{ with .Params.alternative_names }}<p class="alternative-names">Alternative names: {{ delimit . ", " }}</p>{{ end }}<div class="article-body">{{ .Content }}</div>{{ with .Params.see_also }}<nav class="see-also"><h2>See also</h2><ul>{{ range . }}{{ with site.GetPage (printf "/%s" .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}</ul></nav>{{ end }}{{ $d := time .Params.last_revised }}{{ $next := $d.AddDate 2 0 0 }}<footer class="article-meta"><p class="last-revised">Last revised: <time datetime="{{ $d.Format "2006-01-02" }}">{{ $d.Format "January 2, 2006" }}</time> by {{ .Params.revised_by }}</p><p class="next-review">Next review due: <time datetime="{{ $next.Format "2006-01-02" }}">{{ $next.Format "January 2, 2006" }}</time></p><p class="source">Source: {{ .Params.source }}</p></footer></article>{{ end }}
"#,
    ),
    (
        "layouts/_default/list.html",
        r#"{{ define "main" }}{{ if eq .Kind "term" }}{{ $l := .Data.Term }}<h1>Articles: {{ upper $l }}</h1><ul class="letter-index">{{ range .Pages.ByTitle }}{{ $p := . }}{{ if eq .Params.title_letter $l }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ range .Params.alternative_entries }}{{ if eq .letter $l }}<li><a href="{{ $p.RelPermalink }}">{{ .name }}<span class="see">, see {{ $p.Title }}</span></a></li>{{ end }}{{ end }}{{ end }}</ul>{{ else }}<h1>{{ site.Title }}</h1><p>Browse the articles from A to Z.</p>{{ end }}{{ end }}
"#,
    ),
];

const ZOLA_SITE: [(&str, &str); 6] = [
    (
        "config.toml",
        "base_url = \"https://example.org\"\ntitle = \"Medical Encyclopedia\"\ncompile_sass = false\nbuild_search_index = false\ngenerate_feeds = false\ntaxonomies = [{ name = \"letters\", render = true, feed = false }]\n",
    ),
    (
        "templates/base.html",
        concat!(
            r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{% block title %}{% endblock %} – {{ config.title }}</title>{% block head %}{% endblock %}</head><body><header class="site-header"><p class="site-title"><a href="/">{{ config.title }}</a></p>"#,
            r#"<nav class="az" aria-label="Articles A to Z"><ul>{% for l in ["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q","r","s","t","u","v","w","x","y","z","0-9"] %}<li><a href="/letters/{{ l }}/">{{ l | upper }}</a></li>{% endfor %}</ul></nav></header><main id="main-content">{% block main %}{% endblock %}</main><footer class="site-footer"><p class="disclaimer">All material on this site is provided for information only and is neither advice nor a substitute for proper medical care. Consult a qualified healthcare professional who understands your particular history for individual concerns.</p></footer></body></html>"#,
            "\n"
        ),
    ),
    (
        "templates/page.html",
        r#"{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}{% block head %}<meta name="description" content="{{ page.description }}"><script type="application/ld+json">{"@context":"https://schema.org","@type":"MedicalWebPage","name":{{ page.title | json_encode | safe }},"description":{{ page.description | json_encode | safe }},"dateModified":{{ page.extra.last_revised | json_encode | safe }},"reviewedBy":{{ page.extra.revised_by | json_encode | safe }}}</script>{% endblock %}{% block main %}<article class="article"><h1>{{ page.title }}</h1>{% if page.extra.alternative_names %}<p class="alternative-names">Alternative names: {{ page.extra.alternative_names | join(sep=", ") }}</p>{% endif %}<div class="article-body">{{ page.content | safe }}</div>{% if page.extra.see_also %}<nav class="see-also"><h2>See also</h2><ul>{% for s in page.extra.see_also %}{% set p = get_page(path=s ~ ".md") %}<li><a href="{{ p.path | safe }}">{{ p.title }}</a></li>{% endfor %}</ul></nav>{% endif %}{% set d = page.extra.last_revised | split(pat="-") %}{% set y = d.0 | int %}{% set y = y + 2 %}{% set next = y ~ "-" ~ d.1 ~ "-" ~ d.2 %}<footer class="article-meta"><p class="last-revised">Last revised: <time datetime="{{ page.extra.last_revised }}">{{ page.extra.last_revised | date(format="%B %-d, %Y") }}</time> by {{ page.extra.revised_by }}</p><p class="next-review">Next review due: <time datetime="{{ next }}">{{ next | date(format="%B %-d, %Y") }}</time></p><p class="source">Source: {{ page.extra.source }}</p></footer></article>{% endblock %}
"#,
    ),
    (
        "templates/index.html",
        r#"{% extends "base.html" %}{% block title %}Home{% endblock %}{% block main %}<h1>{{ config.title }}</h1><p>Browse the articles from A to Z.</p>{% endblock %}
"#,
    ),
    (
        "templates/letters/list.html",
        r#"{% extends "base.html" %}{% block title %}Articles A to Z{% endblock %}{% block main %}<h1>Articles A to Z</h1><ul>{% for t in terms %}<li><a href="{{ t.path | safe }}">{{ t.name | upper }}</a></li>{% endfor %}</ul>{% endblock %}
"#,
    ),
    (
        "templates/letters/single.html",
        r#"{% extends "base.html" %}{% block title %}{{ term.name | upper }}{% endblock %}{% block main %}{% set l = term.name %}<h1>Articles: {{ l | upper }}</h1><ul class="letter-index">{% for p in term.pages | sort(attribute="title") %}{% if p.extra.title_letter == l %}<li><a href="{{ p.path | safe }}">{{ p.title }}</a></li>{% endif %}{% if p.extra.alternative_entries %}{% for a in p.extra.alternative_entries %}{% if a.letter == l %}<li><a href="{{ p.path | safe }}">{{ a.name }}<span class="see">, see {{ p.title }}</span></a></li>{% endif %}{% endfor %}{% endif %}{% endfor %}</ul>{% endblock %}
"#,
    ),
];

/// The letter a name files under, the way encyc files it: transliterated, leading
/// punctuation skipped, a digit or nothing at all under "0-9".
fn letter_of(name: &str) -> String {
    match deunicode::deunicode(name).chars().find(char::is_ascii_alphanumeric) {
        Some(c) if c.is_ascii_alphabetic() => c.to_ascii_lowercase().to_string(),
        _ => "0-9".to_string(),
    }
}

/// The text of a YAML scalar as `gen_corpus.py` writes it (plain or double-quoted).
fn unquote(raw: &str) -> String {
    match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => raw.to_string(),
    }
}

fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// One article as a peer reads it. Both get the letters each name files under (as a
/// taxonomy, which is how these tools group pages, and per name, so that a letter page can
/// print exactly the names filed there); for Zola, encyc's own fields move under `extra:`,
/// the summary becomes the description, and the date is quoted (Zola keeps it as text).
fn peer_article(text: &str, peer: Peer) -> String {
    let rest = text.strip_prefix("---\n").expect("front matter");
    let (front, body) = rest.split_once("\n---\n").expect("end of front matter");
    // (key, scalar or list items), raw YAML as written.
    let mut fields: Vec<(String, Option<String>, Vec<String>)> = Vec::new();
    for line in front.lines() {
        if let Some(item) = line.strip_prefix("  - ") {
            fields.last_mut().unwrap().2.push(item.to_string());
        } else {
            let (key, value) = line.split_once(':').unwrap();
            let value = value.trim();
            fields.push((key.to_string(), (!value.is_empty()).then(|| value.to_string()), Vec::new()));
        }
    }
    let get = |k: &str| fields.iter().find(|f| f.0 == k);
    let title = unquote(get("title").unwrap().1.as_deref().unwrap());
    let title_letter = letter_of(&title);
    let mut letters = vec![title_letter.clone()];
    let mut entries = String::new();
    let indent = if peer == Peer::Zola { "  " } else { "" };
    for raw in get("alternative_names").map(|f| f.2.clone()).unwrap_or_default() {
        let letter = letter_of(&unquote(&raw));
        writeln!(entries, "{indent}  - name: {raw}\n{indent}    letter: {}", quote(&letter)).unwrap();
        if !letters.contains(&letter) {
            letters.push(letter);
        }
    }
    let mut out = String::from("---\n");
    let mut own = String::new();
    for (key, value, items) in &fields {
        if peer == Peer::Zola && key == "title" {
            continue;
        }
        let value = match (peer, key.as_str(), value) {
            (Peer::Zola, "last_revised", Some(v)) => Some(quote(v)),
            (_, _, v) => v.clone(),
        };
        match value {
            Some(v) => writeln!(own, "{indent}{key}: {v}").unwrap(),
            None => writeln!(own, "{indent}{key}:").unwrap(),
        }
        for item in items {
            writeln!(own, "{indent}  - {item}").unwrap();
        }
    }
    writeln!(own, "{indent}title_letter: {}", quote(&title_letter)).unwrap();
    if !entries.is_empty() {
        writeln!(own, "{indent}alternative_entries:\n{entries}").unwrap();
        own.pop();
    }
    let letter_list: String = letters.iter().map(|l| format!("{indent}  - {}\n", quote(l))).collect();
    match peer {
        Peer::Hugo => write!(out, "{own}letters:\n{letter_list}").unwrap(),
        Peer::Zola => {
            let summary = get("summary").and_then(|f| f.1.clone()).unwrap_or_default();
            write!(
                out,
                "title: {}\ndescription: {summary}\ntaxonomies:\n  letters:\n{letter_list}extra:\n{own}",
                get("title").unwrap().1.as_deref().unwrap()
            )
            .unwrap();
        }
    }
    out.push_str("---\n");
    out.push_str(body);
    out
}

/// `shared/bench/gen_corpus.py` beside the repository, or beside one of its parent folders
/// (a worktree may sit deeper than the main checkout).
fn gen_corpus() -> PathBuf {
    repo()
        .ancestors()
        .skip(1)
        .map(|dir| dir.join("shared/bench/gen_corpus.py"))
        .find(|path| path.exists())
        .unwrap_or_else(|| {
            panic!(
                "no shared/bench/gen_corpus.py beside {} or any folder above it: the corpus generator is the \
workspace's, not this repository's (see the README's Performance section)",
                repo().display()
            )
        })
}

/// Corpora are deterministic, so they are generated once and kept under target/. encyc's
/// has its articles in `articles/`; a peer's is a whole site with them in `content/`.
fn corpus(work: &Path, n: usize, peer: Option<Peer>) -> PathBuf {
    let (dir, style) = match peer {
        None => (work.join(format!("corpus-md-{n}")), "md"),
        Some(p) => (work.join(format!("corpus-{}-{n}", p.name().to_lowercase())), p.link_style()),
    };
    let articles = if peer.is_some() { dir.join("content") } else { dir.join("articles") };
    if !articles.exists() {
        let tmp = work.join("tmp-corpus");
        rm(&tmp);
        run(Command::new("python3")
            .arg(gen_corpus())
            .args(["--count", &n.to_string(), "--link-style", style, "--out"])
            .arg(&tmp));
        if let Some(peer) = peer {
            for entry in std::fs::read_dir(&tmp).unwrap() {
                let path = entry.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                std::fs::write(&path, peer_article(&text, peer)).unwrap();
            }
        }
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::rename(&tmp, &articles).unwrap();
    }
    if let Some(peer) = peer {
        peer.write_site(&dir);
    }
    dir
}

const LETTERS: [&str; 27] = [
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w",
    "x", "y", "z", "0-9",
];

/// How many names each letter page lists (a letter with no page lists none).
fn letter_counts(page: impl Fn(&str) -> PathBuf) -> BTreeMap<&'static str, usize> {
    LETTERS
        .iter()
        .map(|&l| {
            let text = std::fs::read_to_string(page(l)).unwrap_or_default();
            let list = text.split_once("class=\"letter-index\"").map_or("", |(_, rest)| rest);
            let list = list.split_once("</ul>").map_or(list, |(list, _)| list);
            (l, list.matches("<li").count())
        })
        .collect()
}

/// A peer's letter pages must list as many names under each letter as encyc's do, or the
/// comparison is not like with like.
fn assert_same_letters(
    peer: Peer,
    n: usize,
    encyc: &BTreeMap<&'static str, usize>,
    theirs: &BTreeMap<&'static str, usize>,
) {
    let differ: Vec<String> = LETTERS
        .iter()
        .filter(|l| encyc[*l] != theirs[*l])
        .map(|l| format!("{l}: encyc {}, {} {}", encyc[l], peer.name(), theirs[l]))
        .collect();
    assert!(
        differ.is_empty(),
        "at {n} articles {}'s letter pages do not list the names encyc's list:\n{}",
        peer.name(),
        differ.join("\n")
    );
}

struct PeerRow {
    cold: Spread,
    peak: f64,
}

struct Row {
    n: usize,
    cold: Spread,
    one_changed: Spread,
    unchanged: Spread,
    peak: f64,
    /// One entry per installed peer, in the order of [`PEERS`].
    peers: Vec<(Peer, PeerRow)>,
    floor: Spread,
}

fn measure(work: &Path, n: usize, runs: usize, peers: &[(Peer, String)]) -> Row {
    let site = corpus(work, n, None);
    let out = work.join(format!("out-{n}"));
    let build = || {
        let mut c = Command::new(encyc());
        c.args(["build", "--quiet", "--today", CORPUS_TODAY, "--root"]).arg(&site).arg("--output").arg(&out);
        c
    };
    let runs = if n >= 100_000 { runs.min(3) } else { runs };
    // Cold builds alternate with the `cp -r` floor, so that both meet the file system in the
    // same state (creating files after a big delete is much slower on ext4 for a while).
    eprintln!("{n} articles: encyc cold builds and the cp -r floor");
    let copy = work.join(format!("copy-{n}"));
    let (cold, floor): (Vec<Duration>, Vec<Duration>) = (0..runs)
        .map(|_| {
            rm(&out);
            let cold = time(&mut build());
            rm(&copy);
            let floor = time(Command::new("cp").arg("-r").arg(site.join("articles")).arg(&copy));
            (cold, floor)
        })
        .unzip();
    rm(&copy);
    let (cold, floor) = (spread(cold), spread(floor));
    let encyc_letters = letter_counts(|l| out.join(format!("letter-{l}.html")));
    eprintln!("{n} articles: encyc rebuilds");
    let first = std::fs::read_dir(site.join("articles")).unwrap().next().unwrap().unwrap().path();
    let (unchanged, changed) = rebuilds(&build, &[&first], runs);
    let one_changed = changed[0];
    let peak = peak_mib(&build(), || rm(&out));
    rm(&out);

    let peers = peers
        .iter()
        .map(|(peer, program)| {
            eprintln!("{n} articles: {}", peer.name());
            let psite = corpus(work, n, Some(*peer));
            let pout = work.join(format!("{}-out-{n}", peer.name().to_lowercase()));
            let cold = spread(
                (0..runs)
                    .map(|_| {
                        rm(&pout);
                        time(&mut peer.build(program, &psite, &pout))
                    })
                    .collect(),
            );
            let theirs = letter_counts(|l| peer.letter_page(&pout, l));
            assert_same_letters(*peer, n, &encyc_letters, &theirs);
            eprintln!(
                "{n} articles: {}'s letter pages list {} names, as encyc's do",
                peer.name(),
                theirs.values().sum::<usize>()
            );
            let peak = peak_mib(&peer.build(program, &psite, &pout), || rm(&pout));
            rm(&pout);
            (*peer, PeerRow { cold, peak })
        })
        .collect();
    Row { n, cold, one_changed, unchanged, peak, peers, floor }
}

/// Rebuilds over an output a cold build just made: `runs` with nothing changed, then, for each
/// of `edited` in turn, `runs` each after an edit of that article (put back afterwards).
fn rebuilds(build: &dyn Fn() -> Command, edited: &[&Path], runs: usize) -> (Spread, Vec<Spread>) {
    // A cold build right after the corpus was written finds files changed less than two
    // seconds before and, rightly, records no digest of its inputs; one more build, untimed,
    // once every file has settled, records it, so that "none changed" times a repeated build.
    std::thread::sleep(Duration::from_millis(2100));
    run(&mut build());
    let unchanged = spread((0..runs).map(|_| time(&mut build())).collect());
    let changed = edited
        .iter()
        .map(|file| {
            let original = std::fs::read_to_string(file).unwrap();
            let times = (0..runs)
                .map(|i| {
                    std::fs::write(file, format!("{original}\nEdited for run {i}.\n")).unwrap();
                    time(&mut build())
                })
                .collect();
            std::fs::write(file, &original).unwrap();
            spread(times)
        })
        .collect();
    (unchanged, changed)
}

/// Milliseconds from an editor's save to the new page being served by `encyc watch`.
fn watch_latency(work: &Path, n: usize) -> (Spread, Spread) {
    watch_latency_in(work, &corpus(work, n, None), "articles", "", n)
}

/// [`watch_latency`] on `site`, saving the articles of `folder`, whose pages are served under
/// `prefix` (`es/` for a further edition).
fn watch_latency_in(work: &Path, site: &Path, folder: &str, prefix: &str, n: usize) -> (Spread, Spread) {
    use std::io::BufRead;
    let out = work.join(format!("watch-out-{n}"));
    rm(&out);
    let mut child = Command::new(encyc())
        .args(["watch", "--port", "0", "--today", CORPUS_TODAY, "--root"])
        .arg(site)
        .arg("--output")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut url = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("Serving the preview at ") {
            url = rest.split(' ').next().unwrap().trim_end_matches('/').to_string();
        }
        if line.starts_with("Watching") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    let mut names: Vec<PathBuf> = std::fs::read_dir(site.join(folder)).unwrap().map(|e| e.unwrap().path()).collect();
    names.retain(|p| p.extension().is_some_and(|e| e == "md"));
    names.sort();
    let get = |page: &str| -> String {
        ureq::get(&format!("{url}/{page}"))
            .call()
            .map(|mut r| r.body_mut().read_to_string().unwrap())
            .unwrap_or_default()
    };
    let save = |path: &Path, text: &str| {
        let tmp = path.with_extension("md.tmp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, path).unwrap();
    };
    let wait_for = |page: &str, marker: &str, start: Instant| -> Duration {
        while !get(page).contains(marker) {
            assert!(start.elapsed() < Duration::from_secs(30), "no rebuild");
            std::thread::sleep(Duration::from_millis(1));
        }
        start.elapsed()
    };
    let mut body = Vec::new();
    let mut title = Vec::new();
    for i in 0..10 {
        let path = &names[100 + i];
        let slug = path.file_stem().unwrap().to_string_lossy().to_string();
        let original = std::fs::read_to_string(path).unwrap();
        let marker = format!("Body edit number {i} for the benchmark.");
        // A corpus left edited (by an interrupted run, or by hand) would time nothing.
        let page = format!("{prefix}{slug}.html");
        let corpus = path.parent().and_then(Path::parent).unwrap_or(path);
        assert!(
            !get(&page).contains(&marker),
            "{} already has {marker:?}: regenerate the corpus (delete {} and run again)",
            path.display(),
            corpus.display()
        );
        let start = Instant::now();
        save(path, &original.replacen("\n## Symptoms", &format!("\n{marker}\n\n## Symptoms"), 1));
        body.push(wait_for(&page, &marker, start));
        std::thread::sleep(Duration::from_millis(200));
        // A title change moves the article on the letter pages and changes every page that
        // shows it in "See also".
        let new_title = format!("Zz benchmark retitled {i}");
        assert!(!get(&format!("{prefix}letter-z.html")).contains(&new_title), "a title left from an earlier run");
        let retitled = original.replacen("title: ", &format!("title: {new_title}\nx_old_title: "), 1);
        let retitled = retitled.lines().filter(|l| !l.starts_with("x_old_title: ")).collect::<Vec<_>>().join("\n");
        let start = Instant::now();
        save(path, &retitled);
        title.push(wait_for(&format!("{prefix}letter-z.html"), &new_title, start));
        std::thread::sleep(Duration::from_millis(200));
        save(path, &original);
        std::thread::sleep(Duration::from_millis(300));
    }
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    let _ = child.wait();
    rm(&out);
    (spread(body), spread(title))
}

fn secs(d: Duration) -> String {
    if d < Duration::from_secs(1) { format!("{} ms", d.as_millis()) } else { format!("{:.2} s", d.as_secs_f64()) }
}

/// "1.12 s (1.05–1.20)": the median, then the fastest and slowest run.
fn with_spread(s: Spread) -> String {
    let bare = |d: Duration| secs(d).trim_end_matches(" ms").trim_end_matches(" s").to_string();
    let unit = |d: Duration| d < Duration::from_secs(1);
    if unit(s.min) == unit(s.max) {
        let u = if unit(s.max) { "ms" } else { "s" };
        format!("{} ({}–{} {u})", secs(s.median), bare(s.min), bare(s.max))
    } else {
        format!("{} ({}–{})", secs(s.median), secs(s.min), secs(s.max))
    }
}

fn machine(peers: &[(Peer, String)]) -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap().trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines().next().map(|l| l.split_whitespace().nth(1).unwrap().parse::<f64>().unwrap() / 1048576.0)
        })
        .unwrap_or(0.0);
    let mut tools: Vec<String> = peers.iter().map(|(peer, program)| peer.version(program)).collect();
    for peer in PEERS {
        if !peers.iter().any(|(p, _)| *p == peer) {
            tools.push(format!("{} not installed", peer.name()));
        }
    }
    format!("{cpu}, {cores} cores, {mem:.0} GiB; {}", tools.join("; "))
}

/// [`machine`] for the rows that build with encyc alone, which have no peers to report.
fn encyc_only_machine() -> String {
    machine(&[]).split(';').next().unwrap_or_default().to_string()
}

fn chart(rows: &[Row], path: &Path) {
    let root = SVGBackend::new(path, (760, 460)).into_drawing_area();
    root.fill(&WHITE).unwrap();
    let max_n = rows.iter().map(|r| r.n).max().unwrap() as f64;
    let max_t = rows
        .iter()
        .flat_map(|r| [r.cold.max, r.floor.max].into_iter().chain(r.peers.iter().map(|(_, p)| p.cold.max)))
        .max()
        .unwrap()
        .as_secs_f64();
    let mut chart = ChartBuilder::on(&root)
        .caption("Cold build time against article count", ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d((500f64..max_n * 1.5).log_scale(), (0.01f64..max_t * 1.5).log_scale())
        .unwrap();
    chart
        .configure_mesh()
        .x_desc("articles")
        .y_desc("seconds (wall; median, bar from min to max)")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y}"))
        .draw()
        .unwrap();
    type Value = Box<dyn Fn(&Row) -> Option<Spread>>;
    let peer_series =
        |peer: Peer| -> Value { Box::new(move |r| r.peers.iter().find(|p| p.0 == peer).map(|p| p.1.cold)) };
    let series: [(&str, RGBColor, Value); 4] = [
        ("encyc", RGBColor(11, 87, 164), Box::new(|r| Some(r.cold))),
        ("Zola", RGBColor(26, 127, 55), peer_series(Peer::Zola)),
        ("Hugo", RGBColor(181, 71, 8), peer_series(Peer::Hugo)),
        ("cp -r (floor)", RGBColor(90, 90, 90), Box::new(|r| Some(r.floor))),
    ];
    let y = |d: Duration| d.as_secs_f64().max(0.011);
    for (label, color, value) in series {
        let points: Vec<(f64, Spread)> = rows.iter().filter_map(|r| value(r).map(|s| (r.n as f64, s))).collect();
        if points.is_empty() {
            continue;
        }
        chart
            .draw_series(LineSeries::new(points.iter().map(|(n, s)| (*n, y(s.median))), color.stroke_width(2)))
            .unwrap()
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
        chart.draw_series(points.iter().map(|(n, s)| Circle::new((*n, y(s.median)), 4, color.filled()))).unwrap();
        chart
            .draw_series(
                points
                    .iter()
                    .map(|(n, s)| PathElement::new(vec![(*n, y(s.min)), (*n, y(s.max))], color.stroke_width(1))),
            )
            .unwrap();
    }
    chart.configure_series_labels().border_style(BLACK).background_style(WHITE).draw().unwrap();
    root.present().unwrap();
}

/// How many illustrations the images row generates.
const IMAGES: usize = 1_000;

/// One generated illustration: seven in ten a JPEG photo 1,600 × 1,067 (a camera's picture
/// scaled for the web), the others a PNG diagram 1,200 × 900; smooth shapes with some grain,
/// so that they compress like real pictures rather than like noise or flat colour.
fn generated_image(i: usize) -> (String, Vec<u8>) {
    let photo = i % 10 < 7;
    let (w, h) = if photo { (1600, 1067) } else { (1200, 900) };
    let mut state = 0x9E37_79B9u32 ^ (i as u32).wrapping_mul(0x85EB_CA6B);
    let (fx, fy) = (1 + i % 7, 1 + i % 5);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let grain = if photo { state % 24 } else { 0 };
        let r = (x * 255 / w * fx as u32) % 256;
        let g = (y * 255 / h * fy as u32) % 256;
        let b = ((x + y) * 255 / (w + h)) % 256;
        let c = |v: u32| (v + grain).min(255) as u8;
        if !photo && (x / 40 + y / 40) % 9 == 0 { image::Rgb([255, 255, 255]) } else { image::Rgb([c(r), c(g), c(b)]) }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    let (name, format) = if photo {
        (format!("img-{i}.jpg"), image::ImageFormat::Jpeg)
    } else {
        (format!("img-{i}.png"), image::ImageFormat::Png)
    };
    img.write_to(&mut out, format).unwrap();
    (name, out.into_inner())
}

/// The `n`-article corpus with [`IMAGES`] illustrations in `articles/media/`, each with a
/// sidecar and shown by one article in ten (so each by about `n / 10 / IMAGES` articles).
/// Generated once and kept under target/ like the corpora.
fn image_corpus(work: &Path, n: usize) -> PathBuf {
    let dir = work.join(format!("corpus-images-{n}"));
    if dir.join("articles/media").exists() {
        return dir;
    }
    let plain = corpus(work, n, None);
    let tmp = work.join("tmp-image-corpus");
    rm(&tmp);
    run(Command::new("cp").arg("-r").arg(&plain).arg(&tmp));
    let media = tmp.join("articles/media");
    std::fs::create_dir_all(&media).unwrap();
    let names: Vec<String> = (0..IMAGES)
        .map(|i| {
            let (name, bytes) = generated_image(i);
            std::fs::write(media.join(&name), bytes).unwrap();
            let sidecar = format!(
                "alt: Generated test picture number {i}\ncaption: Benchmark picture {i}\ncredit: encyc benchmark\nlicence: CC0\n"
            );
            std::fs::write(media.join(format!("{name}.yaml")), sidecar).unwrap();
            name
        })
        .collect();
    let articles = article_files(&tmp.join("articles"));
    for (k, article) in articles.iter().step_by(10).enumerate() {
        let text = std::fs::read_to_string(article).unwrap();
        let name = &names[k % IMAGES];
        std::fs::write(article, format!("{text}\n![](media/{name})\n")).unwrap();
    }
    std::fs::rename(&tmp, &dir).unwrap();
    dir
}

/// The Markdown files in `dir`, in name order.
fn article_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files
}

/// The images row: a cold build (once: encoding dominates it) and a build with nothing
/// changed, which must read and encode no image.
fn measure_images(work: &Path, n: usize, runs: usize) -> String {
    let site = image_corpus(work, n);
    let out = work.join(format!("out-images-{n}"));
    let build = |quiet: bool| {
        let mut c = Command::new(encyc());
        c.args(["build", "--today", CORPUS_TODAY, "--root"]).arg(&site).arg("--output").arg(&out);
        if quiet {
            c.arg("--quiet");
        }
        c
    };
    rm(&out);
    eprintln!("{n} articles, {IMAGES} images: cold build");
    let cold = time(&mut build(true));
    // The settling is the table run's (see `rebuilds`): without it, the first rebuild read
    // every file again (most likely the rebuild of 387 ms among four of 43–60 ms in a run of 3
    // December 2026). The article edited is the first in name order, which shows an image.
    let articles = article_files(&site.join("articles"));
    assert!(std::fs::read_to_string(&articles[0]).unwrap().contains("![](media/"), "the first article shows no image");
    eprintln!("{n} articles, {IMAGES} images: rebuilds");
    let (unchanged, changed) = rebuilds(&|| build(true), &[&articles[0]], runs);
    // The article put back is a change: built once, and settled, before the summary's build.
    std::thread::sleep(Duration::from_millis(2100));
    run(&mut build(true));
    // What the summary says of a rebuild with nothing changed: no image encoded.
    let said = Command::new(encyc()).args(build(false).get_args()).output().unwrap();
    let summary =
        String::from_utf8_lossy(&said.stderr).lines().find(|l| l.starts_with("built")).unwrap_or("").to_string();
    assert!(summary.contains(" 0 images encoded"), "a rebuild with nothing changed encoded images: {summary}");
    let published = std::fs::read_dir(out.join("media")).unwrap().count();
    rm(&out);
    format!(
        "| {n} | {IMAGES} ({published} files in media/) | {} | {} | {} |\n\nA rebuild with nothing changed says: `{}`",
        secs(cold),
        with_spread(unchanged),
        with_spread(changed[0]),
        summary.split(" (").next().unwrap_or(&summary)
    )
}

/// The `n`-article corpus twice over: in `articles/` and, as a British English edition, in
/// `articles.en-gb/` (the same generated English text, analysed for search as English: what
/// is measured is the work of a second edition; tagged `es`, the English text would keep its
/// English stopwords in the Spanish search index, and measure that instead). Generated once
/// and kept under target/.
fn editions_corpus(work: &Path, n: usize) -> PathBuf {
    let dir = work.join(format!("corpus-editions-en-gb-{n}"));
    if dir.join("articles.en-gb").exists() {
        return dir;
    }
    let plain = corpus(work, n, None);
    let tmp = work.join("tmp-editions-corpus");
    rm(&tmp);
    run(Command::new("cp").arg("-r").arg(&plain).arg(&tmp));
    run(Command::new("cp").arg("-r").arg(tmp.join("articles")).arg(tmp.join("articles.en-gb")));
    std::fs::write(tmp.join("encyc.yaml"), "editions:\n  - language: en-gb\n").unwrap();
    std::fs::rename(&tmp, &dir).unwrap();
    dir
}

/// Two editions against one: cold builds taken in turns (so both meet the file system in the
/// same state), then the preview's save-to-page latency in each edition of the two-edition
/// site beside the one-edition site's.
fn measure_editions(work: &Path, n: usize, runs: usize) -> String {
    let one = corpus(work, n, None);
    let two = editions_corpus(work, n);
    let out = work.join(format!("out-editions-{n}"));
    let build = |site: &Path| {
        let mut c = Command::new(encyc());
        c.args(["build", "--quiet", "--today", CORPUS_TODAY, "--root"]).arg(site).arg("--output").arg(&out);
        c
    };
    eprintln!("{n} articles: cold builds of one edition and of two, in turns");
    let (single, double): (Vec<Duration>, Vec<Duration>) = (0..runs)
        .map(|_| {
            rm(&out);
            let single = time(&mut build(&one));
            rm(&out);
            let double = time(&mut build(&two));
            (single, double)
        })
        .unzip();
    let (single, double) = (spread(single), spread(double));
    // Rebuilds over each site's own output: with nothing changed, and with one article changed
    // (in the two-edition site, one in each edition in turn).
    let first = |dir: &str| article_files(&two.join(dir)).swap_remove(0);
    let (main_article, further_article) =
        (one.join("articles").join(first("articles").file_name().unwrap()), first("articles.en-gb"));
    eprintln!("{n} articles: rebuilds of one edition");
    rm(&out);
    run(&mut build(&one));
    let (unchanged_one, changed_one) = rebuilds(&|| build(&one), &[&main_article], runs);
    eprintln!("{n} articles: rebuilds of two editions");
    rm(&out);
    run(&mut build(&two));
    let main_of_two = two.join("articles").join(main_article.file_name().unwrap());
    let (unchanged_two, changed_two) = rebuilds(&|| build(&two), &[&main_of_two, &further_article], runs);
    rm(&out);
    let ratio = |a: Spread, b: Spread| b.median.as_secs_f64() / a.median.as_secs_f64();
    eprintln!("{n} articles: watch, one edition");
    let (body_one, title_one) = watch_latency_in(work, &one, "articles", "", n);
    eprintln!("{n} articles: watch, two editions, saving in the main one");
    let (body_main, title_main) = watch_latency_in(work, &two, "articles", "", n);
    eprintln!("{n} articles: watch, two editions, saving in the further one");
    let (body_es, title_es) = watch_latency_in(work, &two, "articles.en-gb", "en-gb/", n);
    format!(
        "| cold build | {} | {} | {:.2} |\n| rebuild, none changed | {} | {} | {:.2} |\n| rebuild, one changed | {} | {} (main), {} (en-gb) | {:.2}, {:.2} |\n| watch, body edit | {} | {} (main), {} (en-gb) | |\n| watch, title change | {} | {} (main), {} (en-gb) | |\n",
        with_spread(single),
        with_spread(double),
        ratio(single, double),
        with_spread(unchanged_one),
        with_spread(unchanged_two),
        ratio(unchanged_one, unchanged_two),
        with_spread(changed_one[0]),
        with_spread(changed_two[0]),
        with_spread(changed_two[1]),
        ratio(changed_one[0], changed_two[0]),
        ratio(changed_one[0], changed_two[1]),
        with_spread(body_one),
        with_spread(body_main),
        with_spread(body_es),
        with_spread(title_one),
        with_spread(title_main),
        with_spread(title_es),
    )
}

/// Where the editions comparison goes in results.md: after this line, up to the images row.
const EDITIONS_SECTION: &str = "### With two editions";

/// Where the images row goes in results.md: after this line, to the end.
const IMAGES_SECTION: &str = "### With illustrations";

fn main() {
    let o = options();
    let work = repo().join("target/bench");
    std::fs::create_dir_all(&work).unwrap();
    if o.images {
        let n = *o.sizes.iter().max().unwrap();
        let row = measure_images(&work, n, o.runs);
        let section = format!(
            "{IMAGES_SECTION}\n\nMachine: {}. {IMAGES} generated illustrations (7 in 10 JPEG photos 1,600 × 1,067, the others PNG diagrams 1,200 × 900, each with a sidecar), shown by one article in ten. The cold build (one run) decodes each image and encodes its smaller and WebP copies; the rebuilds (medians of {} runs, fastest and slowest in brackets; one changed: an article that shows an image) read no image.\n\n| articles | images | cold build | rebuild, none changed | rebuild, one changed |\n|---:|---:|---:|---:|---:|\n{row}\n",
            encyc_only_machine(),
            o.runs
        );
        print!("{section}");
        let path = repo().join("benches/results.md");
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        let kept = old.split(IMAGES_SECTION).next().unwrap_or("").trim_end();
        std::fs::write(&path, format!("{kept}\n\n{section}")).unwrap();
        eprintln!("wrote the images row in benches/results.md");
        return;
    }
    if o.editions {
        let n = *o.sizes.iter().max().unwrap();
        let rows = measure_editions(&work, n, o.runs);
        let section = format!(
            "{EDITIONS_SECTION}\n\nMachine: {}. {n} generated articles in one edition, and the same {n} again as a further edition in British English (`articles.en-gb/`, published under `en-gb/`). Medians of {} runs (10 saves for watch), fastest and slowest in brackets.\n\n| | one edition | two editions | two / one |\n|---|---:|---:|---:|\n{rows}",
            encyc_only_machine(),
            o.runs
        );
        print!("{section}");
        let path = repo().join("benches/results.md");
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        let (before, images) = match old.split_once(IMAGES_SECTION) {
            Some((before, rest)) => (before, format!("{IMAGES_SECTION}{rest}")),
            None => (old.as_str(), String::new()),
        };
        let kept = before.split(EDITIONS_SECTION).next().unwrap_or("").trim_end();
        std::fs::write(&path, format!("{kept}\n\n{section}\n{images}")).unwrap();
        eprintln!("wrote the editions comparison in benches/results.md");
        return;
    }
    if o.watch_only {
        let n = *o.sizes.iter().max().unwrap();
        let (body, title) = watch_latency(&work, n);
        println!("encyc watch, {n} articles: body edit {}, title change {}", with_spread(body), with_spread(title));
        return;
    }
    let peers: Vec<(Peer, String)> = PEERS
        .into_iter()
        .filter_map(|peer| {
            let program = peer.program();
            if program.is_none() {
                eprintln!("{} is not installed: left out of the table", peer.name());
            }
            program.map(|p| (peer, p))
        })
        .collect();
    let mut rows = Vec::new();
    for &n in &o.sizes {
        rows.push(measure(&work, n, o.runs, &peers));
    }
    let mut md = String::new();
    writeln!(
        md,
        "Machine: {}. Medians of {} runs, with the fastest and slowest run in brackets.\n",
        machine(&peers),
        o.runs
    )
    .unwrap();
    let mut head =
        String::from("| articles | encyc cold | encyc, 1 changed | encyc, none changed | encyc peak memory |");
    let mut rule = String::from("|---:|---:|---:|---:|---:|");
    for (peer, _) in &peers {
        write!(head, " {0} cold | {0} peak memory |", peer.name()).unwrap();
        rule.push_str("---:|---:|");
    }
    head.push_str(" `cp -r` floor |");
    rule.push_str("---:|");
    for (peer, _) in &peers {
        write!(head, " encyc / {} |", peer.name()).unwrap();
        rule.push_str("---:|");
    }
    head.push_str(" encyc / floor |");
    rule.push_str("---:|");
    writeln!(md, "{head}\n{rule}").unwrap();
    for r in &rows {
        let ratio = |a: Duration, b: Duration| format!("{:.2}", a.as_secs_f64() / b.as_secs_f64());
        let mut line = format!(
            "| {} | {} | {} | {} | {:.0} MiB |",
            r.n,
            with_spread(r.cold),
            with_spread(r.one_changed),
            with_spread(r.unchanged),
            r.peak
        );
        for (_, p) in &r.peers {
            write!(line, " {} | {:.0} MiB |", with_spread(p.cold), p.peak).unwrap();
        }
        write!(line, " {} |", with_spread(r.floor)).unwrap();
        for (_, p) in &r.peers {
            write!(line, " {} |", ratio(r.cold.median, p.cold.median)).unwrap();
        }
        write!(line, " {} |", ratio(r.cold.median, r.floor.median)).unwrap();
        writeln!(md, "{line}").unwrap();
    }
    if o.watch {
        let n = if o.sizes.contains(&10_000) { 10_000 } else { o.sizes[0] };
        eprintln!("{n} articles: encyc watch latency");
        let (body, title) = watch_latency(&work, n);
        writeln!(
            md,
            "\n`encyc watch` on {n} articles, from saving a file to the new page being served (median of 10, with the fastest and slowest in brackets; debounce included): body edit {}, title change {}.",
            with_spread(body),
            with_spread(title)
        )
        .unwrap();
    }
    print!("{md}");
    // The editions and images sections, measured on their own, stay as they were.
    let path = repo().join("benches/results.md");
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let kept = [EDITIONS_SECTION, IMAGES_SECTION].iter().filter_map(|s| old.find(s)).min().map_or("", |at| &old[at..]);
    std::fs::write(&path, if kept.is_empty() { md } else { format!("{md}\n{kept}") }).unwrap();
    chart(&rows, &repo().join("benches/scale.svg"));
    eprintln!("wrote benches/results.md and benches/scale.svg");
}
