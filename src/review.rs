//! The review cycle: when an article is due for review and how overdue it is. A leaf rule
//! that the render stage ("Next review due") and the commands (`encyc check`, the notes after
//! `encyc build`) share.
//!
//! Pure date arithmetic on an article's `last_revised`, the site's review period and a "today"
//! that the caller supplies. Nothing here reads the clock: the date shown on a page ("Next
//! review due") depends only on the article and the config, so the same articles always give
//! the same pages, and only the warnings of `encyc check` and `encyc build` depend on the day.

use std::fmt;

use jiff::civil::Date;
use jiff::{Span, Unit};

use crate::text::plural;

/// When an article last revised on `last_revised` is due for review, with a cycle of
/// `period_months` (0: the site has no review cycle). Adding months keeps the day of the month
/// where it exists and takes the month's last day otherwise (31 January + 1 month is 28 or 29
/// February). A due date past the end of the calendar is no due date.
pub(crate) fn next_review_due(last_revised: Date, period_months: u32) -> Option<Date> {
    if period_months == 0 {
        return None;
    }
    let period = Span::new().try_months(i64::from(period_months)).ok()?;
    last_revised.checked_add(period).ok()
}

/// How far past its due date a review is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overdue {
    /// The day the review was due.
    pub(crate) due: Date,
    /// Whole months from the due date to today.
    pub(crate) months: u32,
    /// Days from the due date to today.
    pub(crate) days: u32,
}

/// Whether the review of an article last revised on `last_revised` is overdue on `today`: what
/// [`overdue`] tells, without working out by how much (which every build did for every article,
/// to count them).
pub(crate) fn is_overdue(last_revised: Date, period_months: u32, today: Date) -> bool {
    next_review_due(last_revised, period_months).is_some_and(|due| today > due)
}

/// How many of `dates` (articles last revised then) are overdue for review on `today`: as many
/// as [`is_overdue`] says, asked only a few times. A later revision is never due earlier, so
/// every date up to one found overdue is overdue, and every date from one found not overdue is
/// not; each answer narrows what is left to ask (a build counts this for every article).
pub(crate) fn count_overdue(dates: impl Iterator<Item = Date>, period_months: u32, today: Date) -> usize {
    let (mut overdue_up_to, mut fresh_from): (Option<Date>, Option<Date>) = (None, None);
    dates
        .filter(|&date| {
            if overdue_up_to.is_some_and(|d| date <= d) {
                return true;
            }
            if fresh_from.is_some_and(|d| date >= d) {
                return false;
            }
            let overdue = is_overdue(date, period_months, today);
            match overdue {
                true => overdue_up_to = Some(date),
                false => fresh_from = Some(date),
            }
            overdue
        })
        .count()
}

/// How overdue the review of an article last revised on `last_revised` is on `today`, if it is:
/// a review is overdue from the day after it was due.
pub(crate) fn overdue(last_revised: Date, period_months: u32, today: Date) -> Option<Overdue> {
    let due = next_review_due(last_revised, period_months)?;
    if today <= due {
        return None;
    }
    let months = due.until((Unit::Month, today)).ok()?.get_months();
    let days = due.until(today).ok()?.get_days();
    Some(Overdue { due, months: u32::try_from(months).ok()?, days: u32::try_from(days).ok()? })
}

/// "2 years 3 months", "1 year", "5 months", "12 days": as an editor would say it.
impl fmt::Display for Overdue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = |n: u32, one: &str| plural(n as usize, one, &format!("{one}s"));
        let (years, months) = (self.months / 12, self.months % 12);
        let parts: Vec<String> = match (years, months) {
            (0, 0) => vec![unit(self.days, "day")],
            (0, m) => vec![unit(m, "month")],
            (y, 0) => vec![unit(y, "year")],
            (y, m) => vec![unit(y, "year"), unit(m, "month")],
        };
        f.write_str(&parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn due_dates_add_whole_months() {
        let cases = [
            (date(2019, 3, 2), 24, Some(date(2021, 3, 2))),
            (date(2020, 1, 31), 1, Some(date(2020, 2, 29))),
            (date(2020, 2, 29), 12, Some(date(2021, 2, 28))),
            (date(2020, 2, 29), 0, None),
            (date(9999, 1, 1), 24, None),
        ];
        for (revised, period, due) in cases {
            assert_eq!(next_review_due(revised, period), due, "{revised} + {period} months");
        }
    }

    #[test]
    fn overdue_articles_are_counted_as_each_would_be_told() {
        // Dates around month ends and leap days, in a scrambled order, against a few periods.
        let mut dates: Vec<Date> = Vec::new();
        let mut day = date(2019, 12, 25);
        while day < date(2027, 3, 5) {
            dates.push(day);
            day = day.tomorrow().unwrap();
        }
        let n = dates.len();
        let scrambled: Vec<Date> = (0..n).map(|i| dates[(i * 7919) % n]).collect();
        for period in [0, 1, 6, 12, 24] {
            for today in [date(2024, 2, 29), date(2025, 3, 31), date(2026, 11, 25)] {
                let one_by_one = scrambled.iter().filter(|&&d| is_overdue(d, period, today)).count();
                assert_eq!(count_overdue(scrambled.iter().copied(), period, today), one_by_one, "{period}, {today}");
            }
        }
    }

    #[test]
    fn overdue_is_counted_from_the_day_after_the_due_date() {
        let today = date(2026, 11, 25);
        // (last revised, review period, whole months and days overdue and how that reads)
        type Case = (Date, u32, Option<(u32, u32, &'static str)>);
        let cases: [Case; 8] = [
            (date(2019, 3, 2), 24, Some((68, 2094, "5 years 8 months"))),
            (date(2024, 11, 25), 24, None),
            (date(2024, 11, 24), 24, Some((0, 1, "1 day"))),
            (date(2024, 10, 13), 24, Some((1, 43, "1 month"))),
            (date(2023, 11, 25), 24, Some((12, 365, "1 year"))),
            (date(2022, 9, 1), 24, Some((26, 815, "2 years 2 months"))),
            (date(2026, 1, 1), 6, Some((4, 147, "4 months"))),
            (date(2000, 1, 1), 0, None),
        ];
        for (revised, period, expected) in cases {
            assert_eq!(is_overdue(revised, period, today), expected.is_some(), "{revised}, every {period} months");
            let got = overdue(revised, period, today).map(|o| (o.months, o.days, o.to_string()));
            let expected = expected.map(|(m, d, s)| (m, d, s.to_string()));
            assert_eq!(got, expected, "last revised {revised}, every {period} months");
        }
    }
}
