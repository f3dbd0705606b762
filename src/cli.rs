//! The command line: clap types, converted once into validated settings with absolute paths.
//! Nothing past [`Cli::into_command`] sees clap.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::config::{ARTICLES_DIR, SiteConfig, THEMES_DIR};
use crate::editorial::check::{CheckOptions, ReportFormat};
use crate::editorial::new_article::NewArticle;

#[derive(Debug, Parser)]
#[command(name = "encyc", version, about = "Build a medical encyclopedia website from Markdown articles")]
pub struct Cli {
    #[command(subcommand)]
    pub command: CliCommand,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Build the site from articles/ into the output folder.
    Build(BuildArgs),
    /// Build, serve a live preview, and rebuild whenever an article, theme or encyc.yaml changes.
    Watch(WatchArgs),
    /// Check the site as a build would, writing nothing; then list the articles overdue for
    /// review, without a revised_by, and that no other article links to.
    Check(CheckArgs),
    /// Start a new article: write articles/<slug>.md with every front-matter field and the
    /// standard sections, and print its path.
    New(NewArgs),
}

/// Where the site is and where it goes.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site folder, holding articles/ (and optionally themes/ and encyc.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site [default: <root>/output].
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub today: TodayArg,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site folder, holding articles/ (and optionally themes/ and encyc.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Fail (exit 1) on warnings too, not only on errors.
    #[arg(long)]
    pub strict: bool,
    /// How to report: lines on stderr, or one JSON object on stdout.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    #[command(flatten)]
    pub today: TodayArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The article's title; the file name is made from it.
    pub title: String,
    /// An alternative name of the condition (repeat for more).
    #[arg(long = "alt", value_name = "NAME")]
    pub alternative_names: Vec<String>,
    /// The site folder, holding articles/.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    #[command(flatten)]
    pub today: TodayArg,
}

/// The day to take as today. Only tests set it, so it is left out of `--help`; otherwise it
/// is the local date, read once, here, and passed down.
#[derive(Debug, Args)]
pub struct TodayArg {
    #[arg(long = "today", hide = true, value_name = "YYYY-MM-DD")]
    pub date: Option<Date>,
}

impl TodayArg {
    fn resolve(&self) -> Date {
        self.date.unwrap_or_else(|| jiff::ZonedDateTime::now().date())
    }
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The port to serve the preview on (0 picks a free one).
    #[arg(long, default_value_t = 4280)]
    pub port: u16,
    /// The address to serve on: an IP address, or a name for this machine's loopback such as
    /// `localhost`. The default serves this machine only; use 0.0.0.0 to let others (or a
    /// container's host) see the preview.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub bind: String,
    /// Only rebuild; do not serve.
    #[arg(long)]
    pub no_serve: bool,
    /// Look for changes by polling, for file systems without change events (network or
    /// container mounts).
    #[arg(long)]
    pub poll: bool,
}

/// Everything a build needs to know, checked: paths are absolute and safe to use.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site root, absolute.
    pub root: PathBuf,
    /// The site root as the user wrote it, for messages.
    pub root_shown: PathBuf,
    pub articles_dir: PathBuf,
    pub output_dir: PathBuf,
    pub site: SiteConfig,
}

/// What to do, with validated settings.
#[derive(Debug)]
pub enum Command {
    Build { config: Config, quiet: bool, today: Date },
    Watch { config: Config, options: crate::watch::WatchOptions },
    Check { config: Config, options: CheckOptions },
    New { root: PathBuf, root_shown: PathBuf, article: NewArticle },
}

impl Cli {
    pub fn into_command(self) -> Result<Command> {
        match self.command {
            CliCommand::Build(args) => Ok(Command::Build {
                config: Config::from_args(&args.site)?,
                quiet: args.quiet,
                today: args.today.resolve(),
            }),
            CliCommand::Watch(args) => Ok(Command::Watch {
                config: Config::from_args(&args.site)?,
                options: crate::watch::WatchOptions {
                    serve: match args.no_serve {
                        true => None,
                        false => Some(bind_address(&args.bind, args.port)?),
                    },
                    poll: args.poll,
                },
            }),
            CliCommand::Check(args) => Ok(Command::Check {
                config: Config::from_args(&SiteArgs { root: args.root, output: None })?,
                options: CheckOptions {
                    strict: args.strict,
                    format: match args.format {
                        FormatArg::Text => ReportFormat::Text,
                        FormatArg::Json => ReportFormat::Json,
                    },
                    today: args.today.resolve(),
                },
            }),
            CliCommand::New(args) => {
                let root = std::fs::canonicalize(&args.root)
                    .with_context(|| format!("the site folder {} does not exist", args.root.display()))?;
                let article = NewArticle::new(&args.title, &args.alternative_names, args.today.resolve())?;
                Ok(Command::New { root, root_shown: args.root, article })
            }
        }
    }
}

impl Config {
    pub fn from_args(args: &SiteArgs) -> Result<Config> {
        let root = std::fs::canonicalize(&args.root)
            .with_context(|| format!("the site folder {} does not exist", args.root.display()))?;
        if !root.is_dir() {
            bail!("the site folder {} is not a folder", args.root.display());
        }
        let output = match &args.output {
            Some(out) => resolve(out)?,
            None => root.join("output"),
        };
        check_output(&root, &output)?;
        let site = SiteConfig::load(&root)?;
        Ok(Config {
            articles_dir: root.join(ARTICLES_DIR),
            root,
            root_shown: args.root.clone(),
            output_dir: output,
            site,
        })
    }
}

/// Refuses output folders whose replacement could destroy sources.
fn check_output(root: &Path, output: &Path) -> Result<()> {
    let articles = root.join(ARTICLES_DIR);
    let themes = root.join(THEMES_DIR);
    let problem = if output == root {
        Some("is the site folder itself")
    } else if root.starts_with(output) {
        Some("contains the site folder")
    } else if output.starts_with(&articles) || articles.starts_with(output) {
        Some("is, contains or is inside the articles folder")
    } else if output.starts_with(&themes) {
        Some("is inside the themes folder")
    } else if output.parent().is_none() {
        Some("is the root of the file system")
    } else {
        None
    };
    match problem {
        Some(why) => bail!("refusing to write the site to {}: it {why}", output.display()),
        None => Ok(()),
    }
}

/// An absolute path with `.`/`..` resolved and symlinks of the existing part followed, for
/// a path that may not exist yet.
fn resolve(path: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))?;
    let mut lexical = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    // Follow symlinks in the part that exists, so `out -> articles` is caught too.
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => rest.push(name.to_os_string()),
            None => break,
        }
        existing.pop();
    }
    let mut resolved = std::fs::canonicalize(&existing).unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    Ok(resolved)
}

/// Where `--bind ADDRESS --port N` serves. An IP address is taken as given (0.0.0.0 shares
/// the preview on purpose); a name must resolve to loopback, since a name for another
/// interface (or several) would be a guess at what to share.
fn bind_address(bind: &str, port: u16) -> Result<std::net::SocketAddr> {
    use std::net::ToSocketAddrs;
    if let Ok(ip) = bind.parse::<std::net::IpAddr>() {
        return Ok(std::net::SocketAddr::new(ip, port));
    }
    let resolved: Vec<_> = (bind, port)
        .to_socket_addrs()
        .with_context(|| format!("--bind {bind}: not an IP address, and the name does not resolve"))?
        .collect();
    // IPv4 first: `localhost` then works for browsers and tools that try 127.0.0.1 only.
    let loopback = resolved.iter().filter(|a| a.ip().is_loopback()).min_by_key(|a| a.is_ipv6());
    match loopback {
        Some(address) => Ok(*address),
        None => bail!(
            "--bind {bind}: the name resolves to {}, not to this machine's loopback; give an IP address \
             (0.0.0.0 serves every interface)",
            resolved.iter().map(|a| a.ip().to_string()).collect::<Vec<_>>().join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn dangerous_outputs_are_refused() {
        let root = Path::new("/site");
        for bad in ["/site", "/", "/site/articles", "/site/articles/out", "/site/themes/default"] {
            assert!(check_output(root, Path::new(bad)).is_err(), "{bad}");
        }
        for ok in ["/site/output", "/elsewhere/out", "/site/public"] {
            assert!(check_output(root, Path::new(ok)).is_ok(), "{ok}");
        }
    }
}
