// Registration pages: "添加一行" adds an attendee row (the form works without JS for one row),
// and forms with data-confirm ask before they are sent (cancel buttons).

function renumber(row, index) {
  row.querySelectorAll("input, label").forEach((el) => {
    for (const attr of ["name", "id", "for"]) {
      const value = el.getAttribute(attr);
      if (value) el.setAttribute(attr, value.replace(/attendees-\d+-/, `attendees-${index}-`));
    }
  });
  const number = row.querySelector(".row-number");
  if (number) number.textContent = String(index + 1);
}

function addRow(container) {
  const rows = container.querySelectorAll(".attendee-row");
  const last = rows[rows.length - 1];
  const copy = last.cloneNode(true);
  copy.querySelectorAll("input").forEach((input) => {
    input.value = "";
    input.classList.remove("is-invalid");
  });
  copy.querySelectorAll(".invalid-feedback").forEach((el) => el.remove());
  renumber(copy, rows.length);
  container.appendChild(copy);
  copy.querySelector("input").focus();
}

const container = document.getElementById("attendee-rows");
const button = document.getElementById("add-row");
if (container && button) {
  button.classList.remove("d-none");
  button.addEventListener("click", () => addRow(container));
}

document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});

// The organizer's reject buttons reveal their reason box first.
document.querySelectorAll("[data-reject-toggle]").forEach((btn) => {
  btn.addEventListener("click", () => {
    const target = document.getElementById(btn.dataset.rejectToggle);
    if (target) target.classList.toggle("d-none");
  });
});
