const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for use in HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;background:#f4f4f6;margin:0;padding:40px 16px;color:#1d1d24}',
  'main{max-width:380px;margin:0 auto;background:#fff;border-radius:8px;padding:24px 28px;box-shadow:0 1px 3px rgba(0,0,0,.15)}',
  'h1{font-size:1.4em;margin:0 0 16px}',
  'label{display:block;margin:12px 0 4px;font-weight:600}',
  'input{width:100%;box-sizing:border-box;padding:8px;font-size:1em}',
  'button{margin-top:18px;width:100%;padding:10px;font-size:1em;background:#2f5bd3;color:#fff;border:0;border-radius:4px;cursor:pointer}',
  '.error{background:#fde8e8;color:#8a1c1c;padding:8px 10px;border-radius:4px}',
  '.hint,.cancel{color:#555;font-size:.9em}',
  '.cancel{display:block;text-align:center;margin-top:14px}',
  'code{background:#eee;padding:0 3px}',
].join('');

/**
 * A complete page. `title` is escaped here; `body` must already be safe HTML
 * (build it with escapeHtml around every interpolated value).
 */
export function renderPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}
