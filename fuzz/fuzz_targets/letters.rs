//! Letter filing of arbitrary titles: never panics, always one of the 27 sections, and the
//! letter follows from the sort key.
#![no_main]

use encyc::fuzzing::{Letter, letter_of, letter_of_key, sort_key};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|name: &str| {
    let letter = letter_of(name);
    assert!(Letter::all().any(|l| l == letter));
    let key = sort_key(name);
    assert_eq!(letter, letter_of_key(&key));
    assert!(key.is_ascii(), "{key:?}");
    assert!(key.chars().next().is_none_or(|c| c.is_ascii_alphanumeric()), "{key:?}");
    // Filing ignores case.
    assert_eq!(letter_of(&name.to_uppercase()), letter_of(&name.to_lowercase()));
});
