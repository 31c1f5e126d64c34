// Urgent alerts: poll the open count every 3 s; when it grows, reload the page to show the new
// alert (or, while staff are typing in a form, show a banner asking them to reload).
(function () {
  const panel = document.querySelector("section.alerts[data-poll]");
  if (!panel) return;
  const shown = Number(panel.dataset.open || "0");
  async function poll() {
    try {
      const response = await fetch(panel.dataset.poll, { credentials: "same-origin", cache: "no-store" });
      if (response.ok) {
        const { open } = await response.json();
        if (open > shown) {
          const typing = document.activeElement && ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
          if (!typing) { window.location.reload(); return; }
          if (!panel.querySelector(".alert-banner.new")) {
            panel.insertAdjacentHTML("afterbegin", '<p class="alert-banner new" role="alert"><strong>New urgent alert.</strong> Reload this page to see it.</p>');
          }
        }
      }
    } catch (e) { /* the next poll tries again */ }
    window.setTimeout(poll, 3000);
  }
  window.setTimeout(poll, 3000);
})();
