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
