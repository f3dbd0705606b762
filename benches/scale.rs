//! The scale benchmark: encyc against Hugo and against the `cp -r` floor, on generated
//! corpora of 1,000, 10,000 and 100,000 articles, plus the watch-mode latency.
//!
//!     cargo bench --bench scale                         # 1k, 10k, 100k; 5 runs each
//!     cargo bench --bench scale -- --sizes 1000,10000 --runs 3
//!     cargo bench --bench scale -- --sizes 10000 --watch-only     # just the watch latency
//!
//! Needs python3 (for ../shared/bench/gen_corpus.py), hugo and /usr/bin/time
//! (`apt-get install hugo time`). Writes benches/results.md (the tables the README shows)
//! and benches/scale.svg (build time against article count). All times are medians of wall
//! time; every tool is timed in the same run so the ratios are fair.

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
}

/// The day the builds take as today: `gen_corpus.py` dates articles up to the end of 2026,
/// and a `last_revised` after today is an error.
const CORPUS_TODAY: &str = "2026-12-31";

fn options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut o = Options { sizes: vec![1_000, 10_000, 100_000], runs: 5, watch: true, watch_only: false };
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

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// Peak resident memory of a command, in MiB, from `/usr/bin/time -v`.
fn peak_mib(program: &str, args: &[&str], prepare: impl Fn()) -> f64 {
    prepare();
    let out = Command::new("/usr/bin/time").arg("-v").arg(program).args(args).output().expect("/usr/bin/time");
    assert!(out.status.success(), "{program} failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stderr);
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

/// Corpora are deterministic, so they are generated once and kept under target/.
fn corpus(work: &Path, n: usize, style: &str) -> PathBuf {
    let dir = work.join(format!("corpus-{style}-{n}"));
    let articles = if style == "plain" { dir.join("content") } else { dir.join("articles") };
    if !articles.exists() {
        let tmp = work.join("tmp-corpus");
        rm(&tmp);
        run(Command::new("python3")
            .arg(repo().join("../shared/bench/gen_corpus.py"))
            .args(["--count", &n.to_string(), "--link-style", style, "--out"])
            .arg(&tmp));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::rename(&tmp, &articles).unwrap();
    }
    if style == "plain" {
        write_hugo_site(&dir);
    }
    dir
}

/// A minimal Hugo site whose article template prints the same fields encyc's does.
fn write_hugo_site(dir: &Path) {
    let files = [
        (
            "hugo.toml",
            "baseURL = 'https://example.org/'\ntitle = 'Medical Encyclopedia'\ndisableKinds = ['taxonomy', 'term', 'RSS', 'sitemap']\n[markup.goldmark.renderer]\nunsafe = false\n",
        ),
        (
            "layouts/_default/baseof.html",
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body><nav>{{ range (slice \"A\" \"B\" \"C\" \"D\" \"E\" \"F\" \"G\" \"H\" \"I\" \"J\" \"K\" \"L\" \"M\" \"N\" \"O\" \"P\" \"Q\" \"R\" \"S\" \"T\" \"U\" \"V\" \"W\" \"X\" \"Y\" \"Z\" \"0-9\") }}<a href=\"/letter-{{ . }}/\">{{ . }}</a> {{ end }}</nav><main>{{ block \"main\" . }}{{ end }}</main><footer>All material on this site is provided for information only.</footer></body></html>\n",
        ),
        (
            "layouts/_default/single.html",
            "{{ define \"main\" }}<article><h1>{{ .Title }}</h1>{{ with .Params.alternative_names }}<p>Alternative names: {{ delimit . \", \" }}</p>{{ end }}{{ .Content }}{{ with .Params.see_also }}<h2>See also</h2><ul>{{ range . }}<li><a href=\"/{{ . }}/\">{{ . }}</a></li>{{ end }}</ul>{{ end }}<p>Last revised: {{ .Params.last_revised }} by {{ .Params.revised_by }}</p><p>Source: {{ .Params.source }}</p></article>{{ end }}\n",
        ),
        (
            "layouts/_default/list.html",
            "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range first 10 .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
        ),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

struct Row {
    n: usize,
    cold: Duration,
    one_changed: Duration,
    unchanged: Duration,
    peak: f64,
    hugo: Option<Duration>,
    hugo_peak: Option<f64>,
    floor: Duration,
}

fn measure(work: &Path, n: usize, runs: usize, have_hugo: bool) -> Row {
    let site = corpus(work, n, "md");
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
    let (cold, floor) = (median(cold), median(floor));
    eprintln!("{n} articles: encyc rebuilds");
    let unchanged = median((0..runs).map(|_| time(&mut build())).collect());
    let first = std::fs::read_dir(site.join("articles")).unwrap().next().unwrap().unwrap().path();
    let original = std::fs::read_to_string(&first).unwrap();
    let one_changed = median(
        (0..runs)
            .map(|i| {
                std::fs::write(&first, format!("{original}\nEdited for run {i}.\n")).unwrap();
                time(&mut build())
            })
            .collect(),
    );
    std::fs::write(&first, &original).unwrap();
    let out_s = out.to_str().unwrap().to_string();
    let site_s = site.to_str().unwrap().to_string();
    let peak = peak_mib(
        encyc(),
        &["build", "--quiet", "--today", CORPUS_TODAY, "--root", &site_s, "--output", &out_s],
        || rm(&out),
    );

    let (hugo, hugo_peak) = if have_hugo {
        eprintln!("{n} articles: hugo");
        let hsite = corpus(work, n, "plain");
        let hout = work.join(format!("hugo-out-{n}"));
        let hugo_cmd = || {
            let mut c = Command::new("hugo");
            c.arg("--quiet").arg("--source").arg(&hsite).arg("--destination").arg(&hout);
            c
        };
        let t = median(
            (0..runs)
                .map(|_| {
                    rm(&hout);
                    time(&mut hugo_cmd())
                })
                .collect(),
        );
        let hsite_s = hsite.to_str().unwrap().to_string();
        let hout_s = hout.to_str().unwrap().to_string();
        let p = peak_mib("hugo", &["--quiet", "--source", &hsite_s, "--destination", &hout_s], || rm(&hout));
        rm(&hout);
        (Some(t), Some(p))
    } else {
        (None, None)
    };

    rm(&out);
    Row { n, cold, one_changed, unchanged, peak, hugo, hugo_peak, floor }
}

/// Milliseconds from an editor's save to the new page being served by `encyc watch`.
fn watch_latency(work: &Path, n: usize) -> (Duration, Duration) {
    use std::io::BufRead;
    let site = corpus(work, n, "md");
    let out = work.join(format!("watch-out-{n}"));
    rm(&out);
    let mut child = Command::new(encyc())
        .args(["watch", "--port", "0", "--today", CORPUS_TODAY, "--root"])
        .arg(&site)
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
    let mut names: Vec<PathBuf> =
        std::fs::read_dir(site.join("articles")).unwrap().map(|e| e.unwrap().path()).collect();
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
        let start = Instant::now();
        save(path, &original.replacen("\n## Symptoms", &format!("\n{marker}\n\n## Symptoms"), 1));
        body.push(wait_for(&format!("{slug}.html"), &marker, start));
        std::thread::sleep(Duration::from_millis(200));
        // A title change moves the article on the letter pages and changes every page that
        // shows it in "See also".
        let new_title = format!("Zz benchmark retitled {i}");
        let retitled = original.replacen("title: ", &format!("title: {new_title}\nx_old_title: "), 1);
        let retitled = retitled.lines().filter(|l| !l.starts_with("x_old_title: ")).collect::<Vec<_>>().join("\n");
        let start = Instant::now();
        save(path, &retitled);
        title.push(wait_for("letter-z.html", &new_title, start));
        std::thread::sleep(Duration::from_millis(200));
        save(path, &original);
        std::thread::sleep(Duration::from_millis(300));
    }
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    let _ = child.wait();
    rm(&out);
    (median(body), median(title))
}

fn secs(d: Duration) -> String {
    if d < Duration::from_secs(1) { format!("{} ms", d.as_millis()) } else { format!("{:.2} s", d.as_secs_f64()) }
}

fn machine() -> String {
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
    let hugo =
        Command::new("hugo").arg("version").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    format!("{cpu}, {cores} cores, {mem:.0} GiB; {}", hugo.unwrap_or_else(|_| "hugo not installed".into()))
}

fn chart(rows: &[Row], path: &Path) {
    let root = SVGBackend::new(path, (760, 460)).into_drawing_area();
    root.fill(&WHITE).unwrap();
    let max_n = rows.iter().map(|r| r.n).max().unwrap() as f64;
    let max_t = rows.iter().flat_map(|r| [r.cold, r.floor, r.hugo.unwrap_or_default()]).max().unwrap().as_secs_f64();
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
        .y_desc("seconds (wall, median)")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y}"))
        .draw()
        .unwrap();
    type Value = Box<dyn Fn(&Row) -> Option<Duration>>;
    let series: [(&str, RGBColor, Value); 3] = [
        ("encyc", RGBColor(11, 87, 164), Box::new(|r| Some(r.cold))),
        ("Hugo", RGBColor(181, 71, 8), Box::new(|r| r.hugo)),
        ("cp -r (floor)", RGBColor(90, 90, 90), Box::new(|r| Some(r.floor))),
    ];
    for (label, color, value) in series {
        let points: Vec<(f64, f64)> =
            rows.iter().filter_map(|r| value(r).map(|t| (r.n as f64, t.as_secs_f64().max(0.011)))).collect();
        if points.is_empty() {
            continue;
        }
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
            .unwrap()
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
        chart.draw_series(points.into_iter().map(|p| Circle::new(p, 4, color.filled()))).unwrap();
    }
    chart.configure_series_labels().border_style(BLACK).background_style(WHITE).draw().unwrap();
    root.present().unwrap();
}

fn main() {
    let o = options();
    let work = repo().join("target/bench");
    std::fs::create_dir_all(&work).unwrap();
    if o.watch_only {
        let n = *o.sizes.iter().max().unwrap();
        let (body, title) = watch_latency(&work, n);
        println!("encyc watch, {n} articles: body edit {}, title change {}", secs(body), secs(title));
        return;
    }
    let have_hugo = Command::new("hugo").arg("version").output().is_ok();
    let mut rows = Vec::new();
    for &n in &o.sizes {
        rows.push(measure(&work, n, o.runs, have_hugo));
    }
    let mut md = String::new();
    writeln!(md, "Machine: {}. Medians of {} runs (3 at 100,000 articles).\n", machine(), o.runs).unwrap();
    writeln!(md, "| articles | encyc cold | encyc, 1 changed | encyc, none changed | encyc peak memory | Hugo cold | Hugo peak memory | `cp -r` floor | encyc / Hugo | encyc / floor |").unwrap();
    writeln!(md, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|").unwrap();
    for r in &rows {
        let ratio = |a: Duration, b: Duration| format!("{:.2}", a.as_secs_f64() / b.as_secs_f64());
        writeln!(
            md,
            "| {} | {} | {} | {} | {:.0} MiB | {} | {} | {} | {} | {} |",
            r.n,
            secs(r.cold),
            secs(r.one_changed),
            secs(r.unchanged),
            r.peak,
            r.hugo.map(secs).unwrap_or_else(|| "–".into()),
            r.hugo_peak.map(|p| format!("{p:.0} MiB")).unwrap_or_else(|| "–".into()),
            secs(r.floor),
            r.hugo.map(|h| ratio(r.cold, h)).unwrap_or_else(|| "–".into()),
            ratio(r.cold, r.floor),
        )
        .unwrap();
    }
    if o.watch {
        let n = if o.sizes.contains(&10_000) { 10_000 } else { o.sizes[0] };
        eprintln!("{n} articles: encyc watch latency");
        let (body, title) = watch_latency(&work, n);
        writeln!(
            md,
            "\n`encyc watch` on {n} articles, from saving a file to the new page being served (median of 10, debounce included): body edit {}, title change {}.",
            secs(body),
            secs(title)
        )
        .unwrap();
    }
    print!("{md}");
    std::fs::write(repo().join("benches/results.md"), &md).unwrap();
    chart(&rows, &repo().join("benches/scale.svg"));
    eprintln!("wrote benches/results.md and benches/scale.svg");
}
