// Header menus: open on click, Enter or Space (native button behaviour), close on
// Escape, on a click elsewhere, or when another menu opens. The narrow-screen
// menu button shows every group expanded at once.
(function () {
  "use strict";
  var nav = document.getElementById("mainnav");
  if (!nav) return;

  function setOpen(group, open) {
    group.classList.toggle("open", open);
    var button = group.querySelector(".navgroup-button");
    if (button) button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function closeAll(except) {
    nav.querySelectorAll(".navgroup.open").forEach(function (g) {
      if (g !== except) setOpen(g, false);
    });
  }

  nav.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-menu-toggle]");
    if (toggle) {
      var open = !nav.classList.contains("open");
      nav.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    var button = event.target.closest(".navgroup-button");
    if (button) {
      var group = button.closest(".navgroup");
      var willOpen = !group.classList.contains("open");
      closeAll(group);
      setOpen(group, willOpen);
      if (willOpen) {
        var first = group.querySelector(".navgroup-menu a");
        if (first && event.detail === 0) first.focus(); // keyboard: move into the menu
      }
    }
  });

  document.addEventListener("click", function (event) {
    if (!nav.contains(event.target)) closeAll(null);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = nav.querySelector(".navgroup.open");
    if (open) {
      setOpen(open, false);
      open.querySelector(".navgroup-button").focus();
    }
  });
})();
