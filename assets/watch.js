// The message page's player: keys like the desktop player's, speed, captions toggle, the
// transcript following playback (click a line to seek), comment and reaction marks on the
// timeline, fresh media URLs when the short-lived one expires, posting (signed-in viewers),
// live comments over the event feed, and fixing the transcript's words (its author or an
// admin). Everything but editing works without it, only less conveniently.

const root = document.getElementById("watch");
const video = document.getElementById("video");
const csrf = document.querySelector('meta[name="csrf-token"]')?.content;
const messageId = Number(root?.dataset.message);

function seek(ms, play) {
  if (!video) return;
  video.currentTime = ms / 1000;
  if (play) video.play().catch(() => {});
}

function clock(ms) {
  const s = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${r}` : `${m}:${r}`;
}

// Starting second (?t=): the media fragment covers no-script; this covers a fresh URL too.
const startMs = Number(root?.dataset.startMs || 0);
if (video && startMs > 0) {
  video.addEventListener("loadedmetadata", () => { if (video.currentTime < 0.1) seek(startMs, false); }, { once: true });
}

// Short-lived media URLs: fetch a fresh one when it expires or fails, keep the position.
async function refreshMedia() {
  const r = await fetch(root.dataset.media, { credentials: "same-origin" });
  if (!r.ok) return;
  const m = await r.json();
  if (!m.video_url) return;
  const at = video.currentTime, playing = !video.paused;
  video.src = m.video_url;
  video.addEventListener("loadedmetadata", () => { video.currentTime = at; if (playing) video.play().catch(() => {}); }, { once: true });
  schedule(m.expires_in_s);
}
let refreshTimer;
function schedule(seconds) {
  clearTimeout(refreshTimer);
  if (seconds > 30) refreshTimer = setTimeout(() => { if (video.paused) refreshMedia(); else schedule(30); }, (seconds - 20) * 1000);
}
if (video) {
  video.addEventListener("error", () => refreshMedia());
  schedule(Number(root.dataset.expiresIn || 0));
}

// Speed and captions.
document.getElementById("speed")?.addEventListener("change", (e) => { video.playbackRate = Number(e.target.value); });
const cc = document.getElementById("cc");
function captions(on) {
  const t = video?.textTracks?.[0];
  if (t) t.mode = on ? "showing" : "hidden";
  if (cc) { cc.setAttribute("aria-pressed", String(on)); cc.textContent = on ? "Captions on" : "Captions off"; }
}
cc?.addEventListener("click", () => captions(cc.getAttribute("aria-pressed") !== "true"));

// Keys (not while typing).
document.addEventListener("keydown", (e) => {
  if (!video || e.target.closest("input, textarea, select") || e.ctrlKey || e.metaKey || e.altKey) return;
  const k = e.key.toLowerCase();
  const actions = {
    " ": () => (video.paused ? video.play() : video.pause()),
    k: () => (video.paused ? video.play() : video.pause()),
    j: () => seek(video.currentTime * 1000 - 10000),
    l: () => seek(video.currentTime * 1000 + 10000),
    arrowleft: () => seek(video.currentTime * 1000 - 5000),
    arrowright: () => seek(video.currentTime * 1000 + 5000),
    arrowup: () => { video.volume = Math.min(1, video.volume + 0.1); },
    arrowdown: () => { video.volume = Math.max(0, video.volume - 0.1); },
    c: () => captions(cc?.getAttribute("aria-pressed") !== "true"),
    f: () => (document.fullscreenElement ? document.exitFullscreen() : video.requestFullscreen()),
    m: () => { video.muted = !video.muted; },
  };
  if (actions[k]) { e.preventDefault(); actions[k](); }
});

// Transcript: click to seek; the line being said is highlighted and kept in view.
let lines = [...document.querySelectorAll("#transcript button")];
document.addEventListener("click", (e) => {
  const b = e.target.closest("[data-seek-ms]");
  if (b) seek(Number(b.dataset.seekMs), true);
});
let current;
video?.addEventListener("timeupdate", () => {
  const ms = video.currentTime * 1000;
  const line = lines.find((l) => ms >= Number(l.dataset.seekMs) && ms < Number(l.dataset.endMs));
  if (line !== current) {
    current?.classList.remove("now");
    line?.classList.add("now");
    line?.scrollIntoView({ block: "nearest" });
    current = line;
  }
});

// Marks on the timeline, placed once the length is known.
function placeMarks() {
  const d = video?.duration;
  if (!d || !isFinite(d)) return;
  for (const m of document.querySelectorAll("#marks .mark")) {
    m.style.left = `${Math.min(100, (Number(m.dataset.atMs) / 1000 / d) * 100)}%`;
  }
}
video?.addEventListener("loadedmetadata", placeMarks);

// Posting (signed-in viewers; the session cookie plus the page's CSRF token). A refusal throws
// the API's own message.
async function send(method, path, body) {
  const r = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: { "content-type": "application/json", "x-csrf-token": csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(data.message || `the server answered ${r.status}`);
  return data;
}
const post = (path, body) => send("POST", path, body);
const comments = document.getElementById("comments");
function addComment(c) {
  if (document.querySelector(`[data-comment="${c.id}"]`)) return;
  const li = document.createElement("li");
  li.id = `c${c.id}`;
  li.dataset.comment = c.id;
  const at = document.createElement("button");
  at.type = "button"; at.className = "at"; at.dataset.seekMs = c.at_ms; at.textContent = clock(c.at_ms);
  const who = document.createElement("b");
  who.textContent = c.author;
  li.append(at, " ", who, " ", c.body);
  comments.append(li);
  const mark = document.createElement("a");
  mark.className = "mark comment"; mark.href = `#c${c.id}`; mark.dataset.atMs = c.at_ms; mark.textContent = "💬";
  mark.title = `${c.author} at ${clock(c.at_ms)}: ${c.body}`;
  document.getElementById("marks")?.append(mark);
  placeMarks();
}
function nowMs() { return Math.round((video?.currentTime || 0) * 1000); }
function complain(form, err) {
  let p = form.querySelector(".error");
  if (!p) { p = document.createElement("p"); p.className = "error"; p.setAttribute("role", "alert"); form.append(p); }
  p.textContent = err.message;
}
document.getElementById("comment-form")?.addEventListener("submit", async (e) => {
  e.preventDefault();
  const input = document.getElementById("comment-text");
  try {
    addComment(await post(`/api/messages/${messageId}/comments`, { at_ms: nowMs(), body: input.value }));
    input.value = "";
  } catch (err) { complain(e.target, err); }
});
document.getElementById("react")?.addEventListener("click", async (e) => {
  const b = e.target.closest("[data-emoji]");
  if (!b) return;
  try {
    const r = await post(`/api/messages/${messageId}/reactions`, { at_ms: nowMs(), emoji: b.dataset.emoji });
    const span = document.createElement("span");
    span.className = "mark reaction"; span.dataset.atMs = r.at_ms; span.textContent = r.emoji;
    document.getElementById("marks")?.append(span);
    placeMarks();
  } catch (err) { complain(e.currentTarget, err); }
});
document.getElementById("reply-form")?.addEventListener("submit", async (e) => {
  e.preventDefault();
  const input = document.getElementById("reply-text");
  try {
    const m = await post(`/api/threads/${root.dataset.thread}/messages`, { kind: "text", body: input.value, parent_id: messageId });
    const li = document.createElement("li");
    li.className = "depth1"; li.dataset.message = m.id;
    const span = document.createElement("span"); span.textContent = m.body;
    const who = document.createElement("span"); who.className = "muted"; who.textContent = ` — ${m.author}, just now`;
    li.append(span, who);
    document.querySelector(`#thread [data-message="${messageId}"]`)?.after(li);
    input.value = "";
  } catch (err) { complain(e.target, err); }
});

// Views, as the app records them: the furthest second watched, now and then.
let reported = -1;
if (csrf && root?.dataset.canPost === "true" && video) {
  setInterval(() => {
    const watched = nowMs();
    if (!video.paused && watched > reported + 1000) {
      reported = watched;
      post(`/api/messages/${messageId}/views`, { watched_ms: watched }).catch(() => {});
    }
  }, 5000);
}

// Live: comments others post appear as they come.
if (csrf && root?.dataset.canPost === "true" && "EventSource" in window) {
  const feed = new EventSource("/api/events");
  // `data-live` says whether the page is following the feed (the browser reconnects by itself).
  feed.addEventListener("open", () => { root.dataset.live = "true"; });
  feed.addEventListener("error", () => { root.dataset.live = "false"; });
  feed.addEventListener("comment", (e) => {
    const c = JSON.parse(e.data).comment;
    if (c.message_id === messageId) addComment(c);
  });
}

// Fixing a wrong word (the author or an admin; the server renders these controls only for
// them, and the API refuses anyone else). Each line becomes a field (Enter: the next one,
// Escape: cancel); Save sends the whole transcript (PUT …/transcript), Restore brings the machine
// transcript back (POST …/transcript/restore) once asked again (it discards every hand
// correction). The lines, the captions and the "Edited" mark
// follow the server's answer without a reload; a refusal shows its message and keeps the edits.
const list = document.getElementById("transcript");
const tools = document.getElementById("transcript-tools");
const editor = document.getElementById("transcript-editor");
const fields = document.getElementById("transcript-fields");
const editError = document.getElementById("transcript-error");
const editedMark = document.getElementById("transcript-edited");
const restoreButton = document.getElementById("restore-transcript");
const restoreConfirm = document.getElementById("restore-confirm");

function showError(err) {
  editError.textContent = err ? err.message : "";
  editError.hidden = !err;
}

// The captions track again (a new element with a cache-busting query), as it was: on or off.
function reloadCaptions() {
  const old = document.getElementById("captions");
  if (!old || !video) return;
  const url = new URL(old.getAttribute("src"), location.href);
  url.searchParams.set("v", String(Date.now()));
  const track = old.cloneNode(false);
  track.src = url.pathname + url.search;
  old.replaceWith(track);
  track.track.mode = cc?.getAttribute("aria-pressed") === "false" ? "hidden" : "showing";
}

function showTranscript(t) {
  list.replaceChildren(...t.segments.map((s) => {
    const b = document.createElement("button");
    b.type = "button"; b.dataset.seekMs = s.start_ms; b.dataset.endMs = s.end_ms;
    const at = document.createElement("span");
    at.className = "at"; at.textContent = clock(s.start_ms);
    const said = document.createElement("span");
    said.className = "said"; said.textContent = s.text;
    b.append(at, " ", said);
    const li = document.createElement("li");
    li.append(b);
    return li;
  }));
  lines = [...list.querySelectorAll("button")];
  current = undefined;
  editedMark.hidden = !t.edited;
  editedMark.title = t.edited_by ? `Corrected by ${t.edited_by}; the machine transcript is kept` : editedMark.title;
  restoreButton.hidden = !t.edited;
  reloadCaptions();
}

function openEditor() {
  fields.replaceChildren(...lines.map((b) => {
    const at = document.createElement("span");
    at.className = "at"; at.textContent = b.querySelector(".at")?.textContent ?? "";
    const input = document.createElement("textarea");
    input.rows = 1;
    input.value = b.querySelector(".said")?.textContent ?? "";
    input.maxLength = 1000;
    input.dataset.startMs = b.dataset.seekMs; input.dataset.endMs = b.dataset.endMs;
    input.setAttribute("aria-label", `Line at ${at.textContent}`);
    const li = document.createElement("li");
    li.append(at, input);
    return li;
  }));
  showError(null);
  list.hidden = true; tools.hidden = true; editor.hidden = false;
  fields.querySelector("textarea")?.focus();
}

function closeEditor() {
  editor.hidden = true; list.hidden = false; tools.hidden = false;
  fields.replaceChildren();
  showError(null);
  document.getElementById("edit-transcript").focus();
}

if (editor && list) {
  tools.hidden = false;
  document.getElementById("edit-transcript").addEventListener("click", openEditor);
  document.getElementById("cancel-edit").addEventListener("click", closeEditor);
  editor.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { e.preventDefault(); closeEditor(); return; }
    if (e.key !== "Enter" || e.target.tagName !== "TEXTAREA") return;
    e.preventDefault();
    const inputs = [...fields.querySelectorAll("textarea")];
    (inputs[inputs.indexOf(e.target) + 1] ?? document.getElementById("save-transcript")).focus();
  });
  editor.addEventListener("submit", async (e) => {
    e.preventDefault();
    const save = document.getElementById("save-transcript");
    // A line is one line: pasted line breaks become spaces.
    const segments = [...fields.querySelectorAll("textarea")].map((i) => ({
      start_ms: Number(i.dataset.startMs), end_ms: Number(i.dataset.endMs), text: i.value.replace(/\s*[\r\n]+\s*/g, " "),
    }));
    save.disabled = true;
    try {
      showTranscript(await send("PUT", `/api/messages/${messageId}/transcript`, { segments }));
      closeEditor();
    } catch (err) { showError(err); } finally { save.disabled = false; }
  });
  const askRestore = (asking) => {
    tools.hidden = asking; restoreConfirm.hidden = !asking;
    (asking ? document.getElementById("restore-no") : document.getElementById("edit-transcript")).focus();
  };
  restoreButton.addEventListener("click", () => { showError(null); askRestore(true); });
  document.getElementById("restore-no").addEventListener("click", () => askRestore(false));
  restoreConfirm.addEventListener("keydown", (e) => { if (e.key === "Escape") askRestore(false); });
  document.getElementById("restore-yes").addEventListener("click", async (e) => {
    e.target.disabled = true;
    try {
      showTranscript(await post(`/api/messages/${messageId}/transcript/restore`));
      showError(null);
      askRestore(false);
    } catch (err) { showError(err); } finally { e.target.disabled = false; }
  });
}
