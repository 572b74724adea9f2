// Sorting and filtering of tables; no libraries, no network.
function cellValue(td, kind) {
  const raw = td.dataset.value ?? td.textContent.trim();
  if (kind !== "num") return raw.toLowerCase();
  const n = parseFloat(raw.replace(/[^0-9.\-]/g, ""));
  return Number.isNaN(n) ? -Infinity : n;
}

function makeSortable(table) {
  table.querySelectorAll("th").forEach((th, col) => {
    th.addEventListener("click", () => {
      const kind = th.dataset.sort || "text";
      const asc = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      const body = table.tBodies[0];
      const rows = [...body.rows];
      rows.sort((a, b) => {
        const x = cellValue(a.cells[col], kind), y = cellValue(b.cells[col], kind);
        return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
      });
      rows.forEach((r) => body.appendChild(r));
    });
  });
}

document.querySelectorAll("table.sortable").forEach(makeSortable);
document.querySelectorAll("input[data-filter]").forEach((input) => {
  const table = document.querySelector(input.dataset.filter);
  input.addEventListener("input", () => {
    const q = input.value.trim().toLowerCase();
    for (const row of table.tBodies[0].rows) row.hidden = q !== "" && !row.cells[0].textContent.toLowerCase().includes(q);
  });
});
