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

// Uploads: show the transfer's progress, then that the server is loading the file;
// the page's answer replaces the content. Without JavaScript the form posts as usual.
document.querySelectorAll("form[enctype='multipart/form-data']").forEach((form) => {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const note = document.createElement("p");
    note.className = "progress";
    note.setAttribute("aria-live", "polite");
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    note.append(bar, document.createTextNode(" sending the file…"));
    form.append(note);
    form.querySelector("button[type=submit]").disabled = true;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    });
    xhr.upload.addEventListener("load", () => {
      bar.removeAttribute("value");
      note.lastChild.textContent = " sent; checking every row and loading it…";
    });
    xhr.addEventListener("load", () => {
      const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      const main = doc.querySelector("main");
      if (main) document.querySelector("main").replaceWith(main);
      else document.body.textContent = xhr.responseText;
    });
    xhr.addEventListener("error", () => {
      note.textContent = "The upload failed: the connection was lost. Try again.";
      form.querySelector("button[type=submit]").disabled = false;
    });
    xhr.send(new FormData(form));
  });
});

// A button that prints the page (a plan's letter).
document.querySelectorAll("button[data-print]").forEach((b) => {
  b.addEventListener("click", () => window.print());
});
