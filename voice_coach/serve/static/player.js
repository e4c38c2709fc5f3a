// The routine page: checks the settings with the server (its messages are the CLI's) and has it prepare
// the ones on screen; Play shows how far a new variant is made, then the now-playing view: the words being
// said, where in the routine, progress with chapter ticks, time left, pause and skip, the chapters. The
// Media Session makes the lock screen and headphone buttons play, pause, seek and skip between chapters.
// No libraries, nothing global, no network beyond this server.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("settings"), audio = $("audio"), message = $("message"), player = $("player");
  const list = $("chapters"), now = $("now"), where = $("where"), making = $("making");
  const makingText = $("making-text"), makingBar = $("making-bar"), progress = $("progress");
  const bar = $("bar"), ticks = $("ticks"), elapsed = $("elapsed"), left = $("left"), pause = $("pause");
  const page = randomId();
  // The page's words in the routine's language, sent by the server (printed.py's table): none here.
  const words = JSON.parse($("words").textContent);
  const say = (name, values) => words[name].replace(/\{(\w+)\}/g, (whole, key) => String(values[key]));
  const state = {
    chapters: [], cues: [], sets: [], info: null, polling: null, watching: null, live: false, shown: false,
  };

  function randomId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function query() {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (String(value).trim()) params.set(name, String(value).trim());
    }
    return params.toString();
  }

  function variantUrl(extra) {
    const parts = [query(), extra].filter(Boolean).join("&");
    return form.dataset.variant + (parts ? "?" + parts : "");
  }

  // The server's answer as {ok, body}; a body that is not JSON (a proxy's or an error page) becomes
  // {error: its text}, so the message shown is always the server's own words.
  async function ask(url, init) {
    const response = await fetch(url, Object.assign({ cache: "no-store" }, init || {}));
    const type = response.headers.get("content-type") || "";
    if (type.includes("json")) return { ok: response.ok, body: await response.json() };
    const text = (await response.text()).trim();
    return { ok: response.ok, body: { error: text || say("answered", { status: response.status }) } };
  }

  async function check(extra) {
    const { ok, body } = await ask(variantUrl(extra));
    message.textContent = ok ? "" : body.error;
    return ok ? body : null;
  }

  function clock(seconds) {
    const s = Math.max(0, Math.round(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  function duration() {
    if (audio.duration && isFinite(audio.duration)) return audio.duration;
    const last = state.chapters[state.chapters.length - 1];
    return last ? last.endTime : (state.info && state.info.seconds) || 0;
  }

  function current(items, time) {
    let index = -1;
    items.forEach((item, i) => { if (item.startTime <= time + 0.05) index = i; });
    return index;
  }

  // How far the export being played is made (100: made), from the server; null if it cannot say.
  async function made(info) {
    const url = form.dataset.variant + (info.query ? "?" + info.query : "");
    const { ok, body } = await ask(url).catch(() => ({ ok: false, body: {} }));
    return ok && typeof body.progress === "number" ? body.progress : null;
  }

  // The stream of a variant being made cannot seek and has no length; the finished file can, and tells
  // the lock screen how long it is. So once the export is made the file takes the stream's place, at
  // the same moment of the routine ("#t=": it starts loading there), playing or paused as it was.
  function switchToFile(at) {
    const playing = !audio.paused, time = at === undefined ? audio.currentTime : at;
    state.live = false;
    clearInterval(state.watching);
    audio.addEventListener("loadedmetadata", () => {
      if (Math.abs(audio.currentTime - time) > 0.25) audio.currentTime = time;
    }, { once: true });
    audio.src = `${state.info.audio}#t=${time.toFixed(2)}`;
    if (playing) audio.play().catch(() => {});
  }

  function watchRender(info) {
    clearInterval(state.watching);
    if (!state.live) return;
    state.watching = setInterval(async () => {
      const progress = state.live && state.info === info ? await made(info) : null;
      if (progress === 100 && state.live && state.info === info) switchToFile();
    }, 1000);
  }

  // A seek on the stream moves to the finished file, once there is one; until then it stays within what
  // has arrived.
  async function seek(seconds) {
    const time = Math.max(0, Math.min(seconds, duration() || seconds));
    if (state.live && (await made(state.info)) === 100) {
      switchToFile(time);
      return;
    }
    if (state.live) {
      const arrived = audio.seekable.length ? audio.seekable.end(audio.seekable.length - 1) : 0;
      audio.currentTime = Math.min(time, arrived);
      return;
    }
    audio.currentTime = time;
    if (audio.paused) audio.play();
  }

  function skip(step) {
    const here = current(state.chapters, audio.currentTime);
    let target = here + step;
    if (step < 0 && here >= 0 && audio.currentTime - state.chapters[here].startTime > 3) target = here;
    if (target < 0) target = 0;
    if (target >= state.chapters.length) return;
    seek(state.chapters[target].startTime);
  }

  function showChapters(chapters) {
    state.chapters = chapters;
    list.replaceChildren(...chapters.map((chapter, i) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `${clock(chapter.startTime)}  ${chapter.title}`;
      button.dataset.index = String(i);
      button.dataset.start = String(chapter.startTime);
      button.addEventListener("click", () => seek(chapter.startTime));
      item.append(button);
      return item;
    }));
    showTicks();
  }

  function showTicks() {
    const total = duration(), chapters = state.chapters;
    ticks.replaceChildren(...chapters.slice(1).map((chapter) => {
      const tick = document.createElement("span");
      tick.style.left = total ? `${(100 * chapter.startTime) / total}%` : "0";
      return tick;
    }));
  }

  // The cue sheet read here, not by a <track> (whose loading would hold back the start of playback until
  // the export is made): each cue's times and its words as plain text ("Hips &amp; knees" is
  // "Hips & knees"), shown by the time played, so a seek shows the right words at once.
  function seconds(stamp) {
    return stamp.split(":").reduce((total, part) => total * 60 + parseFloat(part), 0);
  }

  function parseCues(sheet) {
    const plain = (text) => new DOMParser().parseFromString(text, "text/html").documentElement.textContent;
    return sheet.replace(/\r/g, "").split(/\n\n+/).flatMap((block) => {
      const lines = block.split("\n");
      const at = lines.findIndex((line) => line.includes("-->"));
      if (at < 0) return [];
      const [start, end] = lines[at].split("-->").map((stamp) => seconds(stamp.trim().split(/\s/)[0]));
      return [{ startTime: start, endTime: end, text: plain(lines.slice(at + 1).join(" ")).trim() }];
    });
  }

  function cueText(cue) {
    return cue.text;
  }

  function showWords() {
    const time = audio.currentTime;
    const here = current(state.chapters, time);
    const cue = state.cues[current(state.cues, time)];
    now.textContent = cue ? cueText(cue) : "";
    // The set from the export's own numbers (not its words, which are the routine's language)
    const set = state.sets[current(state.sets, time)];
    const inChapter = set && set.sets > 1 && here >= 0 && set.startTime >= state.chapters[here].startTime;
    const chapter = here >= 0 ? state.chapters[here].title : (state.info ? state.info.title : "");
    where.textContent = chapter + (inChapter ? ` · ${say("set", set)}` : "");
  }

  function showPosition() {
    const total = duration(), time = audio.currentTime;
    const percent = total ? Math.min(100, (100 * time) / total) : 0;
    bar.style.width = `${percent}%`;
    progress.setAttribute("aria-valuenow", String(Math.round(percent)));
    elapsed.textContent = clock(time);
    left.textContent = total ? say("left", { time: clock(total - time) }) : "";
    const here = current(state.chapters, time);
    list.querySelectorAll("li").forEach((item, i) => item.classList.toggle("current", i === here));
    showWords();
    if ("mediaSession" in navigator && audio.duration && isFinite(audio.duration)) {
      try {
        navigator.mediaSession.setPositionState({
          duration: audio.duration, position: Math.min(time, audio.duration), playbackRate: audio.playbackRate,
        });
      } catch (error) { /* some browsers refuse while loading */ }
    }
  }

  function mediaSession(info) {
    if (!("mediaSession" in navigator)) return;
    const icon = new URL("../static/icon.svg", location.href).href;
    navigator.mediaSession.metadata = new MediaMetadata({
      title: info.title, artist: "voice-coach", album: info.label,
      artwork: [
        { src: new URL(info.cover, location.href).href, sizes: "600x600", type: "image/png" },
        { src: icon, sizes: "512x512", type: "image/svg+xml" },
      ],
    });
    const handlers = {
      play: () => audio.play(),
      pause: () => audio.pause(),
      stop: () => audio.pause(),
      seekbackward: (details) => seek(audio.currentTime - ((details && details.seekOffset) || 10)),
      seekforward: (details) => seek(audio.currentTime + ((details && details.seekOffset) || 10)),
      seekto: (details) => seek(details.seekTime),
      previoustrack: () => skip(-1),
      nexttrack: () => skip(1),
    };
    for (const [action, handler] of Object.entries(handlers)) {
      try {
        navigator.mediaSession.setActionHandler(action, handler);
      } catch (error) { /* an action this browser does not know */ }
    }
  }

  // While a new variant is made: "Making your audio… 40 %", from the server's own progress.
  function showMaking(info) {
    clearInterval(state.polling);
    const show = (percent) => {
      making.hidden = false;
      makingBar.value = percent;
      makingText.textContent = say("making", { percent });
    };
    if (info.progress === 100) return;
    show(info.progress || 0);
    state.polling = setInterval(async () => {
      const { ok, body } = await ask(variantUrl("")).catch(() => ({ ok: false, body: {} }));
      if (ok && typeof body.progress === "number" && !making.hidden) show(body.progress);
    }, 500);
  }

  function stopMaking() {
    clearInterval(state.polling);
    making.hidden = true;
  }

  async function loadCues(info) {
    const response = await fetch(info.vtt);
    if (!response.ok || state.info !== info) return;
    state.cues = parseCues(await response.text());
    showWords();
  }

  function load(info) {
    state.info = info;
    state.cues = [];
    state.sets = [];
    state.live = info.progress !== 100; // not made yet: its stream, as it is encoded
    message.textContent = "";
    state.shown = false;
    audio.src = state.live ? info.live : info.audio;
    loadCues(info).catch(() => {});
    mediaSession(info);
    showMaking(info);
    watchRender(info);
    const playing = audio.play();
    ask(info.chapters).then(({ ok, body }) => { if (ok) { showChapters(body.chapters); showPosition(); } });
    ask(info.sets).then(({ ok, body }) => {
      if (ok && state.info === info) { state.sets = body.sets; showWords(); }
    });
    return playing;
  }

  // Why the audio did not come: the server's words (a failed render, too many asked at once).
  async function explainFailure() {
    stopMaking();
    if (!state.info) return;
    state.live = false;
    clearInterval(state.watching);
    const { ok, body } = await ask(state.info.audio, { headers: { Range: "bytes=0-0" } })
      .catch(() => ({ ok: false, body: { error: say("unreachable") } }));
    message.textContent = ok ? say("notPlayed") : body.error;
    document.body.classList.remove("playing");
    player.hidden = true;
  }

  // The settings on screen are likely the ones played: have the server make their export while the
  // person reads (one per page: the one before is dropped), so Play starts at once. Typing waits for a
  // pause; a mistake shows as it is made.
  let typing = null;
  const prepare = () => check("prepare=1&page=" + page).catch(() => {});
  form.addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(prepare, 700); });
  prepare();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const info = await check("");
    if (!info) return;
    history.replaceState(null, "", info.query ? "?" + info.query : location.pathname);
    load(info).catch((error) => {
      if (error && error.name === "NotAllowedError") message.textContent = say("tapAgain");
    });
  });
  $("download").addEventListener("click", async () => {
    const info = await check("");
    if (info) location.href = info.download;
  });
  $("previous").addEventListener("click", () => skip(-1));
  $("next").addEventListener("click", () => skip(1));
  pause.addEventListener("click", () => (audio.paused ? audio.play() : audio.pause()));
  audio.addEventListener("playing", () => {
    if (state.shown) return; // the finished file taking the stream's place: the view stays as it is
    state.shown = true;
    stopMaking();
    player.hidden = false;
    document.body.classList.add("playing");
    document.getElementById("adjust").open = false;
    window.scrollTo(0, 0);
  });
  audio.addEventListener("play", () => { pause.textContent = say("pause"); });
  audio.addEventListener("pause", () => { pause.textContent = say("resume"); });
  audio.addEventListener("timeupdate", showPosition);
  audio.addEventListener("seeked", showPosition);
  audio.addEventListener("durationchange", showTicks);
  audio.addEventListener("error", () => { if (audio.getAttribute("src")) explainFailure(); });
  audio.addEventListener("ended", () => { if (state.live && audio.currentTime < duration() - 2) explainFailure(); });

  // At the end, the question of the programme over weeks: asked aloud where the phone has a voice of its
  // own, answered with a tap, and kept in the history (the answer moves the step of a [progression]).
  const rating = $("rating");
  const rated = $("rated");
  function askHowItFeels() {
    rating.hidden = false;
    rated.textContent = "";
    rating.querySelectorAll("button").forEach((button) => { button.disabled = false; });
    if ("speechSynthesis" in window) {
      try {
        const question = new SpeechSynthesisUtterance($("question").textContent);
        question.lang = document.documentElement.lang; // a German question in a German voice
        speechSynthesis.speak(question);
      }
      catch (error) { /* no voice on this phone: the question is on screen */ }
    }
  }
  async function keepRating(pain) {
    rating.querySelectorAll("button").forEach((button) => { button.disabled = true; });
    const body = new URLSearchParams({ pain: String(pain) });
    const response = await fetch(rating.dataset.rate, { method: "POST", body, cache: "no-store" });
    const answer = await response.json();
    rated.textContent = !response.ok ? answer.error
      : say("kept", answer) + (answer.next ? " " + say("nextTime", { summary: answer.next }) : "");
    if (response.ok) rated.dataset.kept = String(answer.pain); // programme.js shows the view anew
  }
  rating.querySelectorAll(".scale button").forEach((button) => {
    button.addEventListener("click", () => keepRating(button.value).catch(() => { rated.textContent = say("notKept"); }));
  });
  $("skip-rating").addEventListener("click", () => { rating.hidden = true; });
  audio.addEventListener("ended", () => { if (!(state.live && audio.currentTime < duration() - 2)) askHowItFeels(); });
})();
