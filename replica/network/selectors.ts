// The selectors configuration a user would write for the made-up network (the `selectors`
// profile's example in the README). Plain data: parsers/selectors.ts validates it.
export const urbanNetSelectors = {
  id: 'urban-net',
  render: 'http',
  entry: '.results > article.result',
  title: 'h3.result-title',
  date: 'time',
  dateAttribute: 'datetime',
  timeZone: 'Europe/Brussels',
  type: '.kind',
  themes: 'ul.tags > li',
  summary: 'p.teaser',
  nextPage: 'nav.pager a[rel=next]',
} as const
