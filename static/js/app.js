// Behaviour every page may use, bound here instead of inline handlers (the Content-Security-Policy
// allows no inline script): a button with data-print prints the page.
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
