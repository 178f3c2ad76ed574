// Follow an applying batch: refresh the page when it is done, update the count meanwhile.
(function () {
  const section = document.querySelector("section.progress");
  if (!section || section.dataset.state !== "applying") return;
  const poll = () =>
    fetch(section.dataset.status, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((s) => {
        section.querySelector(".done").textContent = s.done;
        if (s.state === "applying") setTimeout(poll, 1000);
        else window.location.reload();
      })
      .catch(() => setTimeout(poll, 3000));
  setTimeout(poll, 1000);
})();
