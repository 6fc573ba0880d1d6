// The console's one script: it refreshes the page's live part as the mock moves, and copies curl.
// Polling, not a held connection: it works the same under serve (Granian) and the in-process server,
// on either store, and costs nothing while the tab is hidden.
"use strict";

const POLL_MS = 1000;

async function refresh() {
  const live = document.getElementById("live");
  if (!live || document.hidden) return;
  let answer;
  try {
    answer = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
  } catch {
    return; // the server went away: try again next time
  }
  if (!answer.ok) return;
  const page = new DOMParser().parseFromString(await answer.text(), "text/html");
  const fresh = page.getElementById("live");
  if (!fresh || fresh.innerHTML === live.innerHTML) return;
  // Keep what the reader opened and where the keyboard was.
  const open = [...live.querySelectorAll("details[open][id]")].map((d) => d.id);
  const focused = live.contains(document.activeElement) ? document.activeElement.id : null;
  live.innerHTML = fresh.innerHTML;
  for (const id of open) document.getElementById(id)?.setAttribute("open", "");
  if (focused) document.getElementById(focused)?.focus();
  live.dispatchEvent(new CustomEvent("console:refreshed", { bubbles: true }));
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const text = document.getElementById(button.dataset.copy)?.textContent ?? "";
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    // No clipboard (an insecure origin): select the text for the reader to copy.
    const range = document.createRange();
    range.selectNodeContents(document.getElementById(button.dataset.copy));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    button.textContent = "Selected: press Ctrl+C";
  }
});

setInterval(refresh, POLL_MS);
