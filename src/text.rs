//! Wording shared by encyc's messages: a count with the right form of its noun.

/// "1 page", "2 pages", "0 pages"; `one` and `many` may be longer phrases ("article is",
/// "articles are").
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_the_singular_only_for_one() {
        assert_eq!(plural(0, "page", "pages"), "0 pages");
        assert_eq!(plural(1, "article is", "articles are"), "1 article is");
        assert_eq!(plural(12, "day", "days"), "12 days");
    }
}
