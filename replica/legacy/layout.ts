// The page frame of the legacy site, copied from the reference page: head, header, nav,
// left column of issues, footer. Listing and detail pages fill the middle.

const ISSUES: [string, string][] = [
  ['citizens-issue', 'citizens'],
  ['demographic-change-issue', 'demographic change'],
  ['innovation-issue', 'innovation'],
  ['migration-integration-issue', 'migration &amp; integration'],
  ['participation-issue', 'participation'],
  ['smart-cities-issue', 'smart cities'],
  ['social-innovation-issue', 'social innovation'],
]

export interface Frame {
  /** Text of `<title>` after "EUROCITIES - " (HTML). */
  titleHtml: string
  bodyClass: string
  /** Path of the issue to mark selected in the left column, if any. */
  selected: string | null
  /** Lines inside `#content`, `#rightcol` (already indented). */
  content: string[]
  rightcol: string[]
  /** Declared in the `<meta http-equiv>`; utf-8 when not given. */
  charset?: string
}

export function renderFrame(f: Frame): string {
  const issues = ISSUES.map(([slug, name]) => {
    const path = `/eurocities/issues/${slug}`
    const cls = path === f.selected ? ' class="selected"' : ''
    return `   <li${cls}><a href="${path}">${name}</a></li>`
  })
  return [
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
    '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">',
    '<head>',
    `<meta http-equiv="Content-Type" content="text/html; charset=${f.charset ?? 'utf-8'}" />`,
    `<title>EUROCITIES - ${f.titleHtml}</title>`,
    '<link rel="stylesheet" type="text/css" href="/eurocities/css/eurocities.css" />',
    '<script type="text/javascript" src="/eurocities/js/jquery-1.4.2.min.js"></script>',
    '</head>',
    `<body class="${f.bodyClass}">`,
    '<div id="wrapper">',
    ' <div id="header">',
    '  <a href="/eurocities/home" id="logo"><img src="/eurocities/img/logo.gif" alt="EUROCITIES" /></a>',
    '  <form action="/eurocities/search" method="get" id="search"><input type="text" name="query" /><input type="submit" value="search" /></form>',
    ' </div>',
    ' <div id="topnav">',
    '  <ul>',
    '   <li><a href="/eurocities/about_us">about us</a></li>',
    '   <li><a href="/eurocities/activities/forums">forums</a></li>',
    '   <li><a href="/eurocities/allcontent">all content</a></li>',
    '   <li><a href="/eurocities/cities-at-work">cities at work</a></li>',
    '  </ul>',
    ' </div>',
    ' <div id="leftcol">',
    '  <h3>issues</h3>',
    '  <ul class="issuelist">',
    ...issues,
    '  </ul>',
    ' </div>',
    ' <div id="content">',
    ...f.content,
    ' </div>',
    ' <div id="rightcol">',
    ...f.rightcol,
    ' </div>',
    ' <div id="footer">',
    '  <p>&copy; EUROCITIES 2019 &middot; <a href="/eurocities/about_us/legal">legal notice</a></p>',
    ' </div>',
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n')
}
