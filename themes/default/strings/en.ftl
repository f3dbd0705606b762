# The words encyc's default theme prints, in English. Every language has every key; a site
# overrides any of them in themes/<theme>/strings/<language>.ftl.
language-name = English
site-title = Medical Encyclopedia
disclaimer = All material on this site is provided for information only and is neither advice nor a substitute for proper medical care. Consult a qualified healthcare professional who understands your particular history for individual concerns.
introduction = Plain-language articles about medical conditions: what causes them, their symptoms, how they are diagnosed and treated, and when to call a health care provider. Browse by the first letter of a condition or any of its other names.
skip-link = Skip to content
search-label = Search the encyclopedia
search-button = Search
search-results-label = Matching articles
search-title = Search
search-no-script = Searching needs JavaScript, which is turned off or not available in this browser. You can still find every article by the first letter of its name or of any of its other names:
search-prompt = Type what you are looking for in the search box.
search-results-for = Search results for “{ $query }”
search-found = { $count ->
    [0] No articles found
    [one] { $count } article found
   *[other] { $count } articles found
}
search-some-words = Names with some of the words
search-in-text = Found in the text of
search-unavailable = Search is not available right now.
search-unavailable-here = Search is not available right now; browse the articles by letter instead.
feed-subtitle = Recently revised articles
feed-link-title = recently revised
page-address = Page address:
az-label = Articles A to Z
az-empty = (no articles)
letter-heading = Articles:
letter-empty = There are no articles under { $letter } yet.
see = see
alternative-names = Alternative names:
see-also = See also
last-revised = Last revised:
revised-by = by
next-review = Next review due:
source = Source:
no-articles = There are no articles yet.
article-count = { $count ->
    [one] { $count } article: choose a letter above to browse them.
   *[other] { $count } articles: choose a letter above to browse them.
}
recently-revised = Recently revised
revised = revised
not-found-title = Page not found
not-found-text = There is no page at this address. It may have been renamed or removed.
not-found-go = Go to the
not-found-home = { $title } home page
not-found-rest = , or choose a letter above to find an article by its name.
languages-label = Other languages
translation = Translation:
translation-of = Translated from the original article
original-revised = as revised on
original-reviewed-by = Original reviewed by
date = { $month } { $day }, { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
# Illustrations and references.
references = References
back-to-text = Back to text
reference-in = In:
reference-editors = eds.
reference-editor = ed.
reference-edition = ed.
reference-accessed = Accessed
figure-credit = Credit:
figure-licence = Licence:
figure-page = Illustration page
illustration = Illustration:
illustration-credit = Credit
illustration-licence = Licence
illustration-shown-in = Shown in
# The editorial workflow.
draft-title = Draft: not published
draft-note = – this preview shows it; encyc build leaves it out until draft: true is removed.
on-this-page = On this page
links-here = Articles that link here
also-reviewed-by = Also reviewed by
also-reviewed-and = , and
also-reviewed-team = the
care-emergency-prefix = Emergency:
care-emergency = Call your local emergency number now
care-urgent-prefix = Urgent:
care-urgent = See a doctor today
care-non-urgent-prefix = Not urgent:
care-non-urgent = See your health care provider
callout-note = Note
callout-tip = Tip
callout-important = Important
callout-warning = Warning
callout-caution = Caution
moved-title = This page has moved:
moved-heading = This page has moved
moved-now = The article is now
