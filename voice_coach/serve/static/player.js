// The routine page: checks the settings with the server (its messages are the CLI's), plays the export
// with its chapters and cue sheet, and wires the Media Session so the lock screen and headphone buttons
// play, pause, seek and skip between chapters. No libraries, no network beyond this server.
"use strict";
(function () {
  const form = document.getElementById("settings");
  const audio = document.getElementById("audio");
  const message = document.getElementById("message");
  const player = document.getElementById("player");
  const list = document.getElementById("chapters");
  const now = document.getElementById("now");
  const state = { chapters: [], handlers: {}, info: null };
  window.voiceCoach = state; // for tests and curious users

  function query() {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (String(value).trim()) params.set(name, String(value).trim());
    }
    return params.toString();
  }

  async function check() {
    const q = query();
    const response = await fetch(form.dataset.variant + (q ? "?" + q : ""), { cache: "no-store" });
    const info = await response.json();
    message.textContent = response.ok ? "" : info.error;
    if (!response.ok) return null;
    history.replaceState(null, "", info.query ? "?" + info.query : location.pathname);
    return info;
  }

  function current(time) {
    let index = -1;
    state.chapters.forEach((chapter, i) => { if (chapter.startTime <= time + 0.05) index = i; });
    return index;
  }

  function seek(seconds) {
    audio.currentTime = Math.max(0, Math.min(seconds, audio.duration || seconds));
    if (audio.paused) audio.play();
  }

  function skip(step) {
    const here = current(audio.currentTime);
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
      const minutes = Math.floor(chapter.startTime / 60);
      const seconds = String(Math.floor(chapter.startTime % 60)).padStart(2, "0");
      button.type = "button";
      button.textContent = `${minutes}:${seconds}  ${chapter.title}`;
      button.dataset.index = String(i);
      button.addEventListener("click", () => seek(chapter.startTime));
      item.append(button);
      return item;
    }));
  }

  function highlight() {
    const here = current(audio.currentTime);
    list.querySelectorAll("li").forEach((item, i) => item.classList.toggle("current", i === here));
    if ("mediaSession" in navigator && audio.duration && isFinite(audio.duration)) {
      try {
        navigator.mediaSession.setPositionState({
          duration: audio.duration, position: Math.min(audio.currentTime, audio.duration),
          playbackRate: audio.playbackRate,
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
        state.handlers[action] = handler;
      } catch (error) { /* an action this browser does not know */ }
    }
  }

  function load(info) {
    state.info = info;
    player.hidden = false;
    audio.querySelectorAll("track").forEach((track) => track.remove());
    audio.src = info.audio;
    const track = document.createElement("track");
    track.kind = "captions";
    track.label = "What is said";
    track.srclang = "en";
    track.src = info.vtt;
    track.default = true;
    audio.append(track);
    track.track.mode = "hidden";
    track.track.addEventListener("cuechange", () => {
      const cues = track.track.activeCues;
      if (cues && cues.length) now.textContent = cues[cues.length - 1].text;
    });
    mediaSession(info);
    const playing = audio.play();
    fetch(info.chapters).then((r) => r.json()).then((data) => { showChapters(data.chapters); highlight(); });
    return playing;
  }

  // The settings on screen are likely the ones played: have the server make their export while the
  // person reads, so Play starts at once. Typing waits for a pause; a mistake shows as it is made.
  let typing = null;
  async function prepare() {
    const q = query();
    const response = await fetch(form.dataset.variant + "?" + (q ? q + "&" : "") + "prepare=1", { cache: "no-store" });
    message.textContent = response.ok ? "" : (await response.json()).error;
  }
  form.addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(() => prepare().catch(() => {}), 700); });
  prepare().catch(() => {});

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const info = await check();
    if (info) load(info).catch(() => { message.textContent = "Tap the play button of the player to start."; });
  });
  document.getElementById("download").addEventListener("click", async () => {
    const info = await check();
    if (info) location.href = info.download;
  });
  audio.addEventListener("timeupdate", highlight);

  // At the end, the question of the programme over weeks: asked aloud where the phone has a voice of its
  // own, answered with a tap, and kept in the history (the answer moves the step of a [progression]).
  const rating = document.getElementById("rating");
  const rated = document.getElementById("rated");
  function ask() {
    rating.hidden = false;
    rated.textContent = "";
    rating.querySelectorAll("button").forEach((button) => { button.disabled = false; });
    if ("speechSynthesis" in window) {
      try { speechSynthesis.speak(new SpeechSynthesisUtterance(document.getElementById("question").textContent)); }
      catch (error) { /* no voice on this phone: the question is on screen */ }
    }
  }
  async function rate(pain) {
    rating.querySelectorAll("button").forEach((button) => { button.disabled = true; });
    const body = new URLSearchParams({ pain: String(pain) });
    const response = await fetch(rating.dataset.rate, { method: "POST", body, cache: "no-store" });
    const answer = await response.json();
    rated.textContent = !response.ok ? answer.error
      : `Kept: pain ${answer.pain}/10.` + (answer.next ? ` Next time: ${answer.next}` : "");
    state.rated = response.ok ? answer.pain : null;
  }
  rating.querySelectorAll(".scale button").forEach((button) => {
    button.addEventListener("click", () => rate(button.value).catch(() => { rated.textContent = "Not kept; try again."; }));
  });
  document.getElementById("skip-rating").addEventListener("click", () => { rating.hidden = true; });
  audio.addEventListener("ended", ask);
  audio.addEventListener("error", () => {
    if (audio.src) message.textContent = "The audio could not be made or loaded; try again.";
  });
})();
