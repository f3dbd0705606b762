//! The one place that knows about serde_yaml. Front matter and `encyc.yaml` both go through
//! [`parse`], which turns YAML's errors into a message and a line number; `encyc new` writes
//! front matter through [`write()`], so that quoting is serde_yaml's job, not string pasting.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A YAML problem: what is wrong and on which line of the YAML text (1-based) it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YamlError {
    pub(crate) line: Option<usize>,
    pub(crate) message: String,
}

/// Parses `text` into `T`. `first_line` is the line of the file the text starts on, so that
/// lines in errors are lines of the file. An empty document is read as an empty mapping, so
/// that a file or front matter with no keys gets the "missing field" error for its first
/// required key.
pub(crate) fn parse<T: DeserializeOwned>(text: &str, first_line: usize) -> Result<T, YamlError> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    serde_yaml::from_str(text).map_err(|err| {
        let line = err.location().map(|l| l.line() + first_line - 1);
        YamlError { line, message: file_lines(&err.to_string(), first_line) }
    })
}

/// `value` as a YAML document (a mapping's keys in field order), every string quoted as YAML
/// needs it to read back as the same string.
pub(crate) fn write<T: Serialize>(value: &T) -> anyhow::Result<String> {
    Ok(serde_yaml::to_string(value)?)
}

/// Rewrites serde_yaml's " at line N column M" (lines of the YAML text) so that the first one,
/// which the diagnostic reports itself, disappears and later ones name lines of the file.
fn file_lines(message: &str, first_line: usize) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    let mut first = true;
    while let Some(at) = rest.find(" at line ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + " at line ".len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let Ok(line) = after[..digits].parse::<usize>() else {
            out.push_str(" at line ");
            rest = after;
            continue;
        };
        let mut tail = &after[digits..];
        if let Some(col) = tail.strip_prefix(" column ") {
            tail = col.trim_start_matches(|c: char| c.is_ascii_digit());
        }
        if !first {
            out.push_str(&format!(" on line {}", line + first_line - 1));
        }
        first = false;
        rest = tail;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        title: String,
    }

    #[test]
    fn unknown_keys_report_their_line() {
        let err = parse::<Doc>("title: x\nlast_revsied: 2012-01-01\n", 2).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("unknown field `last_revsied`"), "{}", err.message);
    }

    #[test]
    fn empty_text_is_an_empty_mapping() {
        let err = parse::<Doc>("\n", 1).unwrap_err();
        assert!(err.message.contains("missing field `title`"), "{}", err.message);
    }

    #[test]
    fn written_strings_read_back_unchanged() {
        #[derive(Serialize)]
        struct Out<'a> {
            title: &'a str,
        }
        for title in [
            "Ménière disease",
            "Title: with a colon",
            "\"Broken heart\" syndrome",
            "Crohn's disease",
            "- leading dash",
            "# not a comment",
            "yes",
            "null",
            "~",
            "1.5",
            "2024-01-01",
            "[bracketed]",
            "{braced}",
            "&anchor *alias !tag %directive @at `tick`",
            "trailing space ",
            "a\\b",
        ] {
            let yaml = write(&Out { title }).unwrap();
            let back: Doc = parse(&yaml, 1).unwrap_or_else(|e| panic!("{title:?} as {yaml:?}: {}", e.message));
            assert_eq!(back.title, title, "{yaml}");
        }
    }

    #[test]
    fn secondary_locations_name_file_lines() {
        let err = parse::<Doc>("title: \"open\n", 2).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert_eq!(err.message, "found unexpected end of stream, while scanning a quoted scalar on line 2");
    }
}
