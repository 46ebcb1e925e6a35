// The live page of `herald listen`: one static document, no build step and nothing fetched from
// elsewhere. Everything received is inserted with textContent, never as HTML, because request
// contents are untrusted.
export const LISTEN_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>herald listen</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
  header { padding: 12px 20px; background: #1d2330; color: #fff; display: flex; gap: 16px; align-items: baseline; }
  header h1 { font-size: 16px; margin: 0; }
  #status { font-size: 12px; opacity: .8; }
  main { padding: 16px 20px; max-width: 1100px; }
  .empty { color: #667; }
  details { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; margin-bottom: 8px; }
  summary { padding: 8px 12px; cursor: pointer; display: flex; gap: 12px; align-items: baseline; }
  .sig { font-weight: 600; min-width: 1.2em; }
  .valid { color: #137333; } .invalid { color: #c5221f; } .unchecked { color: #667; }
  .method { font-weight: 600; } .path { font-family: ui-monospace, monospace; word-break: break-all; }
  .meta { margin-left: auto; color: #667; font-size: 12px; white-space: nowrap; }
  .reason { color: #c5221f; padding: 0 12px 8px; }
  pre { margin: 0; padding: 8px 12px; background: #fafbfc; border-top: 1px solid #eef0f3; overflow: auto; font: 12px/1.45 ui-monospace, monospace; }
</style>
</head>
<body>
<header><h1>herald listen</h1><span id="status">connecting…</span></header>
<main><p class="empty" id="empty">Waiting for requests. Point a Herald endpoint at this listener's URL.</p><div id="list"></div></main>
<script>
(function () {
  var list = document.getElementById('list');
  var empty = document.getElementById('empty');
  var status = document.getElementById('status');
  var seen = {};
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function render(r) {
    if (seen[r.seq]) return;
    seen[r.seq] = true;
    empty.hidden = true;
    var item = el('details');
    var summary = el('summary');
    var mark = r.signature.result === 'valid' ? '✓' : r.signature.result === 'invalid' ? '✗' : '·';
    summary.appendChild(el('span', 'sig ' + r.signature.result, mark));
    summary.appendChild(el('span', 'method', r.method));
    summary.appendChild(el('span', 'path', r.path));
    var answered = '→ ' + r.response.status + (r.response.forwardedTo ? ' via ' + r.response.forwardedTo : '');
    summary.appendChild(el('span', 'meta', '#' + r.seq + '  ' + new Date(r.receivedAt).toLocaleTimeString() + '  ' + answered));
    item.appendChild(summary);
    if (r.signature.result === 'invalid') item.appendChild(el('div', 'reason', 'signature invalid: ' + r.signature.reason));
    if (r.response.error) item.appendChild(el('div', 'reason', 'forwarding failed: ' + r.response.error));
    var headers = Object.keys(r.headers).map(function (k) { return k + ': ' + r.headers[k]; }).join('\\n');
    item.appendChild(el('pre', '', headers));
    var body = r.json !== undefined ? JSON.stringify(r.json, null, 2) : r.body;
    if (body) item.appendChild(el('pre', '', body));
    list.insertBefore(item, list.firstChild);
  }
  var source = new EventSource('/_herald/events');
  source.addEventListener('request', function (e) { render(JSON.parse(e.data)); });
  source.onopen = function () { status.textContent = 'live'; };
  source.onerror = function () { status.textContent = 'disconnected, retrying…'; };
})();
</script>
</body>
</html>
`;
