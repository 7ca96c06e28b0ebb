// The library's live list: when the event feed reports a changed thread or a new message, the
// spaces and threads are fetched again (`/?partial=threads`, drawn by the server's own template)
// and merged into the page. Rows that did not change keep their elements (no flicker, no
// thumbnail loaded twice); changed and new rows take their places in the new order (newest
// activity first). Without JavaScript the page shows the same list, as of its load.

const section = document.getElementById("library-threads");

// The list for the space being shown (the search, if any, is not redone).
function partialUrl() {
  const q = new URLSearchParams({ partial: "threads" });
  const space = new URLSearchParams(location.search).get("space");
  if (space) q.set("space", space);
  return `/?${q}`;
}

// Which element a new one stands for: its id (the list), or its thread (a row).
const key = (n) => (n.nodeType === Node.ELEMENT_NODE && (n.id || (n.dataset.thread && `thread-${n.dataset.thread}`))) || "";

// Makes `old`'s content that of `fresh`, reusing every old node equal to its new self and
// merging into an old element of the same key (a row whose count changed keeps its
// thumbnail), so only what changed is redrawn.
function merge(old, fresh) {
  const olds = [...old.childNodes];
  const next = [...fresh.childNodes].map((n) => {
    let i = olds.findIndex((o) => o.isEqualNode(n));
    if (i < 0 && key(n)) i = olds.findIndex((o) => key(o) === key(n) && o.tagName === n.tagName);
    if (i < 0) return n;
    const [o] = olds.splice(i, 1);
    if (!o.isEqualNode(n)) {
      for (const a of [...o.attributes]) if (!n.hasAttribute(a.name)) o.removeAttribute(a.name);
      for (const a of n.attributes) o.setAttribute(a.name, a.value);
      merge(o, n);
    }
    return o;
  });
  old.replaceChildren(...next);
}

// One fetch at a time; changes arriving meanwhile ask for one more afterwards.
let timer, busy = false, again = false;
function refresh() {
  clearTimeout(timer);
  timer = setTimeout(load, 200);
}
async function load() {
  if (busy) { again = true; return; }
  busy = true;
  try {
    const r = await fetch(partialUrl(), { credentials: "same-origin" });
    if (r.ok) {
      const doc = new DOMParser().parseFromString(await r.text(), "text/html");
      const fresh = doc.getElementById("library-threads");
      if (fresh) {
        merge(section, fresh);
        // How many times the list was refreshed (for tests and the curious).
        section.dataset.refreshed = String(Number(section.dataset.refreshed || 0) + 1);
      }
    }
  } catch (_) {
    // Offline for a moment: the next change (or reconnection) tries again.
  } finally {
    busy = false;
    if (again) { again = false; refresh(); }
  }
}

if (section && "EventSource" in window) {
  const feed = new EventSource("/api/events");
  let opened = false;
  // `data-live` says whether the list follows the feed; after a reconnection the list is
  // fetched again, since changes made while the feed was down were not sent.
  feed.addEventListener("open", () => {
    section.dataset.live = "true";
    if (opened) refresh();
    opened = true;
  });
  feed.addEventListener("error", () => { section.dataset.live = "false"; });
  feed.addEventListener("thread", refresh);
  feed.addEventListener("message", refresh);
}
