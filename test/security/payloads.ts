/**
 * Cross-site scripting payloads for the attack tests. Each calls `alert` with its own number, so a
 * dialog names the payload that got through. All fit a 55-character field (a tag, with its marker).
 */
export const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  '"><svg onload=alert(3)>',
  "'><iframe src=javascript:alert(4)>",
  '</script><script>alert(5)</script>',
  ']]><script>alert(6)</script>',
  '<a href="javascript:alert(7)">x</a>',
  '<object data="data:text/html,<script>alert(8)</script>">',
  '<svg><script>alert(9)</script></svg>',
  // Broken markup: an unterminated tag that swallows what follows.
  '<img src="x" onerror="alert(10)"',
  '<!--<img src="--><img src=x onerror=alert(11)//">',
  // Unicode tricks: a right-to-left override, a Cyrillic "а" in "paypal", a zero-width space.
  '\u202egnp.<b onmouseover=alert(12)>exe',
  'p\u0430ypal<details open ontoggle=alert(13)>',
  'zero\u200bwidth<body onload=alert(14)>',
  'javascript:alert(15)',
  '<math><a xlink:href="javascript:alert(16)">m',
  '<style>*{background:url(javascript:alert(17))}</style>',
  '{{constructor.constructor("alert(18)")()}}',
  '<base href="javascript:alert(19)//">',
  '<meta http-equiv=refresh content="0;javascript:alert(20)">',
  '<input autofocus onfocus=alert(21)>',
  '<video><source onerror=alert(22)>',
] as const

/** Payloads for Markdown fields: raw HTML and the link forms Markdown has. */
export const MARKDOWN_PAYLOADS = [
  '[click me](javascript:alert(31))',
  '[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgzMik8L3NjcmlwdD4=)',
  '![pic](javascript:alert(33))',
  '<javascript:alert(34)>',
  '[ref link][r]\n\n[r]: vbscript:alert(35)',
  '<div onmouseover="alert(36)">raw block</div>',
  '<iframe srcdoc="<script>alert(37)</script>"></iframe>',
  '```html\n<script>alert(38)</script>\n```',
]

/** A field's value: a short marker (so the test can find it on the page) and a payload. */
export function payload(marker: string, i: number, maxLength = 1000): string {
  const fitting = PAYLOADS.filter((p) => marker.length + 1 + p.length <= maxLength)
  return `${marker} ${fitting[i % fitting.length]}`
}

/** Markdown carrying every payload, each in its own paragraph, after a marker line. */
export function markdownPayload(marker: string): string {
  return [`${marker} <script>alert(40)</script> <img src=x onerror=alert(41)>`, ...PAYLOADS, ...MARKDOWN_PAYLOADS].join('\n\n')
}

/** What a Markdown payload's marker line reads as on the page. */
export const markdownMarker = (marker: string) => `${marker} <script>alert(40)</script> <img src=x onerror=alert(41)>`
