//! The command line: clap types, converted once into validated settings with absolute paths.
//! Nothing past [`Cli::into_command`] sees clap.
// The doc comments of the clap types are the `--help` text, where `<slug>` means a
// placeholder, not an HTML tag.
#![allow(rustdoc::invalid_html_tags)]

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::commands::Command;
use crate::commands::check::{CheckOptions, ReportFormat};
use crate::commands::new::NewArticle;
use crate::commands::watch::WatchOptions;
use crate::config::Config;

#[derive(Debug, Parser)]
#[command(name = "encyc", version, about = "Build a medical encyclopedia website from Markdown articles")]
pub struct Cli {
    #[command(subcommand)]
    pub(crate) command: CliCommand,
}

impl Cli {
    /// Whether the command does its work once and ends (every command but `watch`): the
    /// binary tunes its allocator for that (see `main.rs`).
    pub fn runs_once(&self) -> bool {
        !matches!(self.command, CliCommand::Watch(_))
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum CliCommand {
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
pub(crate) struct SiteArgs {
    /// The site folder, holding articles/ (and optionally themes/ and encyc.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub(crate) root: PathBuf,
    /// Where to write the site [default: <root>/output].
    #[arg(long, value_name = "DIR")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    pub(crate) site: SiteArgs,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    #[command(flatten)]
    pub(crate) today: TodayArg,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The site folder, holding articles/ (and optionally themes/ and encyc.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub(crate) root: PathBuf,
    /// Fail (exit 1) on warnings too, not only on errors.
    #[arg(long)]
    pub(crate) strict: bool,
    /// How to report: lines on stderr, or one JSON object on stdout.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub(crate) format: FormatArg,
    #[command(flatten)]
    pub(crate) today: TodayArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum FormatArg {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// The article's title; the file name is made from it.
    pub(crate) title: String,
    /// An alternative name of the condition (repeat for more).
    #[arg(long = "alt", value_name = "NAME")]
    pub(crate) alternative_names: Vec<String>,
    /// The site folder, holding articles/.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub(crate) root: PathBuf,
    #[command(flatten)]
    pub(crate) today: TodayArg,
}

/// The day to take as today. Only tests set it, so it is left out of `--help`; otherwise it
/// is the local date, read once, here, and passed down.
#[derive(Debug, Args)]
pub(crate) struct TodayArg {
    #[arg(long = "today", hide = true, value_name = "YYYY-MM-DD")]
    pub(crate) date: Option<Date>,
}

impl TodayArg {
    fn resolve(&self) -> Date {
        self.date.unwrap_or_else(|| jiff::ZonedDateTime::now().date())
    }
}

#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    #[command(flatten)]
    pub(crate) site: SiteArgs,
    /// The port to serve the preview on (0 picks a free one).
    #[arg(long, default_value_t = 4280)]
    pub(crate) port: u16,
    /// The address to serve on: an IP address, or a name for this machine's loopback such as
    /// `localhost`. The default serves this machine only; use 0.0.0.0 to let others (or a
    /// container's host) see the preview.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub(crate) bind: String,
    /// Only rebuild; do not serve.
    #[arg(long)]
    pub(crate) no_serve: bool,
    /// Look for changes by polling, for file systems without change events (network or
    /// container mounts).
    #[arg(long)]
    pub(crate) poll: bool,
    /// Leave out articles marked `draft: true`, as `encyc build` does (by default the
    /// preview shows them, with a "Draft: not published" banner).
    #[arg(long)]
    pub(crate) no_drafts: bool,
    #[command(flatten)]
    pub(crate) today: TodayArg,
}

impl Cli {
    pub(crate) fn into_command(self) -> Result<Command> {
        match self.command {
            CliCommand::Build(args) => Ok(Command::Build {
                config: Config::new(&args.site.root, args.site.output.as_deref(), args.today.resolve())?,
                quiet: args.quiet,
            }),
            CliCommand::Watch(args) => Ok(Command::Watch {
                config: Config {
                    drafts: !args.no_drafts,
                    ..Config::new(&args.site.root, args.site.output.as_deref(), args.today.resolve())?
                },
                options: WatchOptions {
                    serve: match args.no_serve {
                        true => None,
                        false => Some(bind_address(&args.bind, args.port)?),
                    },
                    poll: args.poll,
                },
            }),
            CliCommand::Check(args) => Ok(Command::Check {
                config: Config::new(&args.root, None, args.today.resolve())?,
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
}
