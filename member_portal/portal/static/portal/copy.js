// "Copy" buttons: <button data-copy="ID"> copies the value (or text) of element ID to the
// clipboard and says so in the element named by data-copy-status. The text is also selectable
// by hand: without JavaScript or clipboard access, select and copy it yourself.
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const source = document.getElementById(button.dataset.copy);
    const status = document.getElementById(button.dataset.copyStatus);
    const text = "value" in source ? source.value : source.textContent;
    try {
      await navigator.clipboard.writeText(text);
      if (status) status.textContent = "Copied.";
    } catch {
      if (source.select) source.select();
      if (status) status.textContent = "Could not copy: the text is selected, copy it yourself.";
    }
  });
}
