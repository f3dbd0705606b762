//! Any bytes as an article file: splitting the front matter, YAML, dates, the body. Must never
//! panic; a file that parses must give an article whose lines and names are consistent.
#![no_main]

use encyc::fuzzing::parse_article;
use encyc::fuzzing::SourcePath;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let source = SourcePath::new(std::path::Path::new("fuzz.md"));
    match parse_article(&source, bytes) {
        Ok((article, body)) => {
            assert!(!article.meta.title.trim().is_empty());
            assert_eq!(article.name_keys.len(), 1 + article.meta.alternative_names.len());
            let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
            for link in &article.outline.links {
                assert!(link.line >= 1 && link.line <= lines, "link line {} of {lines}", link.line);
            }
            let _ = body.finish(&[]);
        }
        Err(problems) => {
            assert!(!problems.is_empty());
            for p in problems {
                assert!(p.line.is_none_or(|l| l >= 1));
                let _ = p.to_string();
            }
        }
    }
});
