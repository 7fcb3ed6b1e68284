// The live stream: an EventSource on /api/events. Events that mean "something changed"
// (pass, job, command) ask for a refetch, debounced; the indicator says whether the page is
// live. EventSource reconnects by itself after a dropped connection; when it gives up (the
// daemon refused the stream, or stopped the dashboard) a new one is made after a pause.

import { streamUrl } from "./api.js";

const KINDS = ["hello", "pass", "job", "command", "bye"];
const DEBOUNCE_MS = 100;

export function connect({ onEvent, onChange, onState }) {
  let source = null;
  let timer = null;
  let retry = 1000;
  let stopped = false;

  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, DEBOUNCE_MS);
  };

  const handle = (kind, raw) => {
    let data = {};
    try {
      data = JSON.parse(raw || "{}");
    } catch {
      data = {};
    }
    if (kind === "hello") {
      retry = 1000;
      onState("live");
      changed(); // events may have been missed while away
    } else if (kind === "bye") {
      stopped = true;
      clearTimeout(timer);
      source.close();
      onState("stopped");
    }
    onEvent(kind, data);
    if (kind === "pass" || kind === "job" || kind === "command") changed();
  };

  const open = () => {
    source = new EventSource(streamUrl());
    for (const kind of KINDS) source.addEventListener(kind, (ev) => handle(kind, ev.data));
    source.onmessage = (ev) => {
      // an event without a name: its kind in the data
      try {
        const data = JSON.parse(ev.data);
        if (KINDS.includes(data.event)) handle(data.event, ev.data);
      } catch { /* not ours */ }
    };
    source.onopen = () => onState("live");
    source.onerror = () => {
      if (stopped) return;
      onState("disconnected");
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(open, retry);
        retry = Math.min(retry * 2, 30000);
      }
    };
  };

  open();
  return { close: () => { stopped = true; if (source) source.close(); } };
}
