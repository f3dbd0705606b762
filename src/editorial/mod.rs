//! Editorial tools: what keeps a medical encyclopedia trustworthy once it is published.
//!
//! Medical content is only as good as its last review, so encyc knows each site's review cycle
//! (`review_period` in `encyc.yaml`): [`review`] works out when an article is due and how
//! overdue it is, [`check`] is `encyc check` (every validation of a build, then the articles due
//! for review, without a reviser, or linked from nowhere), and [`new_article`] is `encyc new`,
//! which starts an article with every field and section an editor has to fill in.

pub mod check;
pub mod new_article;
pub mod review;

use jiff::civil::Date;

use crate::config::SiteConfig;
use crate::site::Site;

/// What `encyc build` adds after a successful build about what it never fails on: how many
/// reviews are overdue on `today`, and that the sitemap and feed were left out for want of an
/// address.
pub fn build_notes(site: &Site, config: &SiteConfig, today: Date) -> Vec<String> {
    let mut notes = Vec::new();
    let overdue = review::overdue_articles(site, config.review_period, today).count();
    if overdue > 0 {
        let articles = if overdue == 1 { "article is" } else { "articles are" };
        notes.push(format!("warning: {overdue} {articles} overdue for review (run `encyc check` for the list)"));
    }
    if config.base_url.is_none() {
        notes.push(
            "note: sitemap.xml and atom.xml were not written: they need the site's address; set `base_url` in encyc.yaml"
                .to_string(),
        );
    }
    notes
}
