// Dashboard behaviour, loaded on every dashboard page. The Content-Security-Policy blocks
// inline handlers (onchange=, onsubmit=), so pages declare behaviour with data attributes:
//   <button data-copy="element-id">   copies that element's text
//   <select data-autosubmit>          submits its form when the choice changes
//   <form data-confirm="Question?">   asks before submitting (Cancel keeps everything)
// No external scripts.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var text = document.getElementById(button.dataset.copy).textContent.trim();
  var done = function () { button.textContent = "Copied"; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done);
  } else {
    var area = document.createElement("textarea");
    area.value = text; document.body.appendChild(area); area.select();
    document.execCommand("copy"); area.remove(); done();
  }
});

document.addEventListener("change", function (event) {
  var select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.requestSubmit();
});

document.addEventListener("submit", function (event) {
  var form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

// A table wider than the screen scrolls inside its .table-wrap; keyboard users scroll it with
// the arrow keys once it can take focus (WCAG 2.1.1), and a screen reader names the region by
// the heading before it. Only wrappers that really scroll become tab stops.
function markScrollableTables() {
  document.querySelectorAll(".table-wrap").forEach(function (wrap) {
    if (wrap.scrollWidth > wrap.clientWidth) {
      var heading = wrap.previousElementSibling;
      while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
      var name = heading ? heading.textContent.trim() : document.querySelector("h1").textContent.trim();
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", name + " (scrolls sideways)");
    } else if (wrap.getAttribute("role") === "region") {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-label");
    }
  });
}
markScrollableTables();
window.addEventListener("resize", markScrollableTables);
