// Generates modules/data/api-response.json, the stdin of the json workload:
// a ~100 KB issue-tracker search response (GitHub-like shape) with nested
// objects and arrays, escaped and non-ASCII strings, and numbers in several
// spellings. It was run once and its output is committed; the build only
// copies the JSON file. Deterministic: same output on every run.
//
//   node modules/data/gen-api-response.mjs > modules/data/api-response.json
//
// The writer is hand-made rather than JSON.stringify so the document also
// contains what real servers emit and JSON.stringify never does: "\/" and
// "\u00e9"-style escapes (PHP's json_encode), surrogate-pair escapes, numbers
// like 1.0, 6.02E+23, -0.0 and integers beyond 2^53.

let state = 0x2545f491n;
function rand() { // xorshift64*, 53 bits -> [0, 1)
  state ^= state >> 12n; state ^= (state << 25n) & 0xffffffffffffffffn; state ^= state >> 27n;
  const out = (state * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
  return Number(out >> 11n) / 2 ** 53;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

// A number written exactly as given.
class Num { constructor(text) { this.text = text; } }
// A string whose non-ASCII characters and slashes are written escaped.
class Esc { constructor(s) { this.s = s; } }

function writeString(s, escapeAll) {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20) out += '\\u' + c.toString(16).padStart(4, '0');
    else if (escapeAll && ch === '/') out += '\\/';
    else if (escapeAll && c > 0x7e) {
      for (let i = 0; i < ch.length; i++)
        out += '\\u' + ch.charCodeAt(i).toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

function write(v, indent, pretty) {
  const nl = pretty ? '\n' + '  '.repeat(indent + 1) : '';
  const end = pretty ? '\n' + '  '.repeat(indent) : '';
  const sep = pretty ? ': ' : ':';
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (v instanceof Num) return v.text;
  if (v instanceof Esc) return writeString(v.s, true);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return writeString(v, false);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return '[' + v.map((x) => nl + write(x, indent + 1, pretty)).join(',') + end + ']';
  }
  const keys = Object.keys(v.__order || v).filter((k) => k !== '__order');
  if (keys.length === 0) return '{}';
  return '{' + keys.map((k) => nl + writeString(k, false) + sep +
    write(v[k], indent + 1, pretty)).join(',') + end + '}';
}

const logins = ['octocat', 'mgarcía', 'jürgen-k', 'li.wei', 'priya_s', 'oleksandr',
  'sakura🌸', 'dev-null', 'o\'brien', 'zoë', 'ahmed.h', 'nakamura'];
const words = ['wasm', 'streaming', 'compile', 'Liftoff', 'TurboFan', 'tier-up', 'cache',
  'module', 'memory', 'import', 'export', 'table', 'trap', 'stack', 'GC', 'pause',
  'latency', 'regression', 'benchmark', 'Chrome', 'V8', 'Go', 'WASI', 'clang', 'lld',
  'binaryen', 'custom section', 'DWARF', 'brotli', 'gzip', 'HTTP/2', 'worker'];
const labelNames = [['bug', 'd73a4a'], ['performance', 'fbca04'], ['wasm', '5319e7'],
  ['needs-repro', 'ededed'], ['good first issue', '7057ff'], ['v8', '0e8a16'],
  ['régression', 'b60205'], ['docs/📝', '0075ca']];
const snippets = [
  'Steps:\n1. open `index.html`\n2. run `WebAssembly.compileStreaming(fetch("m.wasm"))`\n',
  'Error: "CompileError: WebAssembly.instantiate(): expected magic word 00 61 73 6d"',
  'path C:\\Users\\dev\\wasm\\build\\out.wasm is not found',
  '\tindented\twith\ttabs and a form feed \f and backspace \b',
  'Ünïcödé: 日本語のテキスト, Ελληνικά, עברית, emoji 🚀🔥 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'JSON inside a string: {"a": [1, 2, {"b": null}], "c": "d\\"e"}',
  'control \u0001\u001f chars and a <script>alert("x")</script> tag & ampersand',
  'timings (ms): p50=12.5 p95=48.25 p99=103.0',
];
const numberSpellings = ['0', '-0', '1.0', '-0.0', '0.1', '3.14159265358979323846', '1e3',
  '1E-7', '6.02E+23', '-2.5e-308', '1.7976931348623157e308', '12345678901234567890',
  '-9007199254740993', '5e-324', '100', '42.000'];

function sentence(n) {
  const w = [];
  for (let i = 0; i < n; i++) w.push(pick(words));
  const s = w.join(' ');
  return s[0].toUpperCase() + s.slice(1) + '.';
}

function user() {
  const login = pick(logins);
  const id = int(1000, 99999999);
  return {
    login, id,
    node_id: 'MDQ6VXNlcj' + id.toString(36).toUpperCase(),
    avatar_url: new Esc(`https://avatars.example.com/u/${id}?v=4`),
    html_url: `https://tracker.example.com/${encodeURIComponent(login)}`,
    type: rand() < 0.9 ? 'User' : 'Bot',
    site_admin: rand() < 0.05,
  };
}

function issue(i) {
  const number = 1000 + i * 7;
  const created = Date.UTC(2023, 0, 1) + Math.floor(rand() * 5e10);
  const closed = rand() < 0.4 ? new Date(created + Math.floor(rand() * 2e9)).toISOString() : null;
  const labels = [];
  for (let k = int(0, 3); k > 0; k--) {
    const [name, color] = pick(labelNames);
    labels.push({ id: int(100000, 999999999), name: rand() < 0.3 ? new Esc(name) : name,
      color, default: name === 'bug', description: rand() < 0.5 ? sentence(int(3, 8)) : null });
  }
  const bodyParts = [];
  for (let k = int(1, 4); k > 0; k--) bodyParts.push(rand() < 0.5 ? pick(snippets) : sentence(int(8, 30)));
  const comments = [];
  for (let k = int(0, 3); k > 0; k--) {
    comments.push({ id: int(1e8, 2e9), user: user(),
      body: rand() < 0.3 ? new Esc(pick(snippets)) : sentence(int(5, 25)),
      created_at: new Date(created + int(0, 1e9)).toISOString(),
      reactions: { '+1': int(0, 20), '-1': int(0, 3), laugh: 0, heart: int(0, 5), rocket: int(0, 2) } });
  }
  return {
    url: new Esc(`https://api.tracker.example.com/repos/wasmlab/wasmlab/issues/${number}`),
    id: int(1e9, 3e9),
    number,
    title: sentence(int(4, 12)),
    user: user(),
    labels,
    state: closed ? 'closed' : 'open',
    locked: rand() < 0.02,
    assignees: rand() < 0.5 ? [user()] : [],
    milestone: rand() < 0.3 ? { id: int(1, 99), title: `v0.${int(1, 9)}`, due_on: null, open_issues: int(0, 50) } : null,
    comments: comments.length,
    created_at: new Date(created).toISOString(),
    closed_at: closed,
    author_association: pick(['OWNER', 'MEMBER', 'CONTRIBUTOR', 'NONE']),
    body: bodyParts.join('\n\n'),
    score: new Num(pick(numberSpellings)),
    relevance: Math.round(rand() * 1e6) / 1e6,
    metrics: {
      compile_ms: [int(1, 500) / 4, int(1, 500) / 8, new Num(pick(['1.0', '2.50', '1e2']))],
      sizes: { bytes: int(1000, 5000000), gzip: int(500, 2000000), ratio: new Num((rand() * 0.9 + 0.05).toFixed(4)) },
      flags: { lazy: rand() < 0.5, liftoff: true, tier_up: rand() < 0.5 },
      matrix: [[int(0, 9), int(0, 9)], [int(0, 9), new Num('-0')], []],
    },
    comments_preview: comments,
    reactions: { total_count: int(0, 30), '+1': int(0, 10), eyes: int(0, 4) },
    timeline_url: new Esc(`https://api.tracker.example.com/repos/wasmlab/wasmlab/issues/${number}/timeline`),
    performed_via_github_app: null,
  };
}

const items = [];
for (let i = 0; i < 38; i++) items.push(issue(i));
const doc = {
  total_count: new Num('12345678901234567890'),
  incomplete_results: false,
  request: { query: 'repo:wasmlab/wasmlab is:issue "streaming compile"', page: 1, per_page: 38,
    sort: 'updated', order: 'desc', took_ms: new Num('12.0'), trace_id: new Esc('a/b\\c/ü') },
  items,
  facets: { state: { open: 31, closed: 21 }, labels: labelNames.map(([n, c]) => ({ name: n, color: c, count: int(0, 40) })) },
  empty: { object: {}, array: [], nested: [[], [{}], [[[]]]] },
  unicode_keys: { 'clé': 'valeur', 'ключ': 'значение', '鍵': '値', '🔑': '🔒', 'tab\tkey': 'x', 'quote"key': 'y' },
  links: { next: new Esc('https://api.tracker.example.com/search/issues?q=x&page=2'), last: null },
};

// Items 0..19 pretty-printed, the rest as one compact line, like a
// pretty-printed envelope around a cached compact fragment.
const pretty = write({ ...doc, items: [] }, 0, true);
const itemsPretty = items.slice(0, 20).map((x) => write(x, 2, true));
const itemsCompact = items.slice(20).map((x) => write(x, 2, false));
const all = [...itemsPretty, ...itemsCompact].join(',\n    ');
process.stdout.write(pretty.replace('"items": []', '"items": [\n    ' + all + '\n  ]') + '\n');
