// "Leave this site quickly": open the neutral site in a new tab, and put it in place of this
// page in the history (location.replace: Back does not return here), blanking this page at once
// so nothing stays on screen while the other site loads. From the keyboard: Escape, or Shift
// pressed three times within five seconds (as GOV.UK's "Exit this page"). Without JavaScript
// the link still goes to the same site.
const link = document.querySelector("[data-quick-exit]");
const SHIFT_PRESSES = 3;
const SHIFT_WINDOW_MS = 5000;

function leave() {
  const destination = link.href;
  // A popup blocker may refuse the new tab (keys do not always count as a user gesture); this
  // tab is replaced either way.
  window.open(destination, "_blank", "noopener,noreferrer");
  // Pages that ask before being left (the result step) do not ask the quick exit.
  document.documentElement.dataset.quickExit = "leaving";
  document.title = "";
  document.body.replaceChildren();
  window.location.replace(destination);
}

if (link) {
  link.setAttribute("aria-describedby", "quick-exit-hint");
  link.addEventListener("click", (event) => {
    event.preventDefault();
    leave();
  });
  let shifts = [];
  document.addEventListener("keydown", (event) => {
    if (event.repeat) return;
    if (event.key === "Escape") {
      leave();
      return;
    }
    if (event.key !== "Shift") {
      shifts = [];
      return;
    }
    const now = event.timeStamp;
    shifts = [...shifts.filter((time) => now - time < SHIFT_WINDOW_MS), now];
    if (shifts.length >= SHIFT_PRESSES) leave();
  });
}
