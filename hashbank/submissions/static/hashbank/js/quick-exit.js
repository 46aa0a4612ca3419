// "Leave this site quickly": replace this page in the history (so Back does not return to it)
// and blank it at once, so nothing stays on screen while the other site loads.
for (const link of document.querySelectorAll("[data-quick-exit]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    document.title = "";
    document.body.replaceChildren();
    window.location.replace(link.href);
  });
}
