// Small behaviours that need no framework: the phone-width menu toggle.
document.addEventListener("click", function (event) {
  var toggle = event.target.closest("[data-nav-toggle]");
  if (!toggle) return;
  var nav = document.getElementById("sidenav");
  if (!nav) return;
  var open = nav.classList.toggle("open");
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
});
