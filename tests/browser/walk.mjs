// A person's walk through dspdesk in headless Chromium: log in to today's worklist, read
// the overview (its week picker, the week so far), sort and filter the partners, drill
// down to a partner, read the scorecard, open a COD ledger line, log out; then, as a
// partner, its own home and its row in the ranking. Any console error fails it.
// Usage: node walk.mjs BASE_URL USER PASSWORD [PARTNER_USER]
import { chromium } from "playwright-core";

const [base, user, password, partnerUser] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const errors = [];
const page = await (await browser.newContext()).newPage();
page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
page.on("pageerror", (e) => errors.push(e.message));
function check(cond, what) { if (!cond) throw new Error(`failed: ${what} (at ${page.url()})`); }

try {
  await page.goto(base + "/");
  check(page.url().endsWith("/login"), "a stranger is sent to the login page");
  await page.fill("input[name=username]", user);
  await page.fill("input[name=password]", "not the password");
  await page.click("button[type=submit]");
  check((await page.textContent("[role=alert]")).includes("Wrong username or password"), "a wrong password is said plainly");
  await page.fill("input[name=username]", user);
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
  await page.waitForURL(base + "/");
  check((await page.textContent("h1")).includes("What needs you today"), "home is today's worklist");
  check(await page.locator(".tiles.severity .tile").count() === 5, "four severities and the money at risk");
  await page.click(".tabs >> text=Only mine");
  await page.waitForURL(/\?mine=1$/);
  check(await page.locator(".tabs a[aria-current] >> text=Only mine").count() === 1, "the filter stays in the URL and shows as chosen");

  await page.click("nav >> text=Overview");
  await page.waitForURL(/\/overview$/);
  check((await page.textContent("h1")).includes("Overview"), "the overview opens");
  check(await page.locator("svg.chart path.line").count() === 2, "the trend chart has DOT and DCR lines");
  check(await page.locator(".tile").count() === 5, "five headline tiles");
  check((await page.textContent("main")).includes("Tue 24 Nov 2026"), "the overview reaches the newest loaded day");
  await page.click("a >> text=so far →");
  await page.waitForURL(/week=2026-W48/);
  check((await page.textContent("h1 .sofar")).includes("2 of 7 days"), "an incomplete week is labelled so far with its days");
  await page.fill("form[action='/overview'] input[name=week]", "2026-W47");
  await page.click("form[action='/overview'] button");
  await page.waitForURL(/week=2026-W47/);
  check((await page.textContent("h1")).includes("2026-W47") && await page.locator("h1 .sofar").count() === 0, "the week picker opens a complete week");

  await page.click("nav >> text=Partners");
  await page.waitForURL(/\/partners/);
  const rows = page.locator("table.sortable tbody tr");
  check(await rows.count() >= 2, "the partners list has rows");
  await page.click("th >> text=DOT");
  const dots = await page.locator("table.sortable tbody tr td:nth-child(4)").evaluateAll((tds) => tds.map((t) => parseFloat(t.dataset.value)));
  check(dots.every((v, i) => i === 0 || dots[i - 1] <= v), "sorting by DOT orders the rows");
  const first = (await rows.first().locator("td").first().textContent()).trim();
  await page.fill("input.filter", first);
  check(await page.locator("table.sortable tbody tr:not([hidden])").count() === 1, "the filter keeps the one partner");

  await page.click(`table.sortable a >> text=${first}`);
  await page.waitForURL(new RegExp(`/partners/${first}`));
  check((await page.textContent("h1")).includes(first), "the partner page opens");
  check(await page.locator("svg.chart circle title").count() > 0, "chart points carry hover values");
  check(await page.locator("h2 >> text=By station").count() === 1, "the partner page breaks down by station");

  // Down to a day's routes, then to a route's packages.
  await page.click("h2:has-text('Last 14 days') + table tbody tr:first-child a");
  await page.waitForURL(/\/days\//);
  check((await page.textContent("h1")).includes("routes on"), "the day's routes open");
  await page.click("table.sortable tbody tr:first-child td:nth-child(2) a");
  await page.waitForURL(/\/routes\//);
  check((await page.textContent("h1")).startsWith("Route"), "the route opens");
  check(await page.locator("table.sortable tbody tr").count() >= 1, "the route lists its packages");
  check((await page.textContent("main")).includes("+05:30"), "package times are local to the station");

  // The stations list, and one station's page.
  await page.click("nav >> text=Stations");
  await page.waitForURL(/\/stations/);
  await page.click("table.sortable tbody tr:first-child a");
  await page.waitForURL(/\/stations\/[A-Z0-9]+/);
  check(await page.locator("h2 >> text=Partners at").count() === 1, "a station's page lists its partners");

  // The scorecard: the ranking sorts by score, a partner's scorecard explains it, and
  // the goals form opens.
  await page.click("nav >> text=Scorecard");
  await page.waitForURL(/\/scores/);
  check(await page.locator("#ranking table tbody tr").count() >= 2, "the ranking lists the partners");
  check(await page.locator("#ranking .tier").count() >= 2, "tiers show as badges");
  check(await page.locator("#ranking th[aria-sort=ascending] >> text=Rank").count() === 1, "the ranking shows it is sorted by rank");
  await page.click("#ranking th >> text=\"Score\"");
  const scores = await page.locator("#ranking tbody tr td:nth-child(5)").evaluateAll((tds) => tds.map((t) => parseFloat(t.dataset.value)));
  check(scores.every((v, i) => i === 0 || scores[i - 1] <= v), "sorting by score orders the rows");
  check(await page.locator("#ranking th[aria-sort=ascending] >> text=\"Score\"").count() === 1, "the header shows the sort");
  // A filter narrows the ranking and stays in the URL, the week links keep it.
  await page.selectOption("form.filters select[name=station]", "BOM1");
  await page.click("form.filters button >> text=Filter");
  await page.waitForURL(/station=BOM1/);
  check(await page.locator("#ranking tbody tr").count() === 1, "the station filter keeps its one partner");
  check((await page.textContent("form.filters")).includes("1 of 2 partners"), "the filter says how many of the network pass");
  await page.click(".weeknav a >> text=2026-W46");
  await page.waitForURL(/week=2026-W46.*station=BOM1/);
  check(await page.locator("form.filters select[name=station]").inputValue() === "BOM1", "the filter survives a change of week");
  await page.goto(base + "/scores?week=2026-W47");
  await page.click("#ranking tbody tr:last-child td:nth-child(2) a");
  await page.waitForURL(/\/scorecard/);
  check(await page.locator("h2 >> text=Components and why the score moved").count() === 1, "the scorecard explains the score");
  await page.click("nav >> text=Scorecard");
  await page.waitForURL(/\/scores/);
  await page.click(".tabs >> text=Route goals");
  await page.waitForURL(/\/goals/);
  await page.click("summary >> text=Set or adopt goals");
  check(await page.locator("button >> text=Set goal").isVisible(), "the goal form opens");

  // The COD ledger: one line per partner at a station, opening to its days.
  await page.goto(base + "/cod?week=2026-W47");
  check(await page.locator("#cod tbody tr").count() === 2, "one ledger line per partner and station");
  await page.click("#cod tbody tr:first-child td:nth-child(2) a");
  await page.waitForURL(/partner=.*&station=/);
  check(await page.locator("#days tbody tr").count() === 7, "the line opens to its seven days");

  // Load a file with a bad row: nothing is loaded and the row and column are named.
  await page.click("nav >> text=Load files");
  await page.waitForURL(/\/upload$/);
  await page.selectOption("select[name=kind]", "deliveries");
  await page.setInputFiles("input[type=file]", {
    name: "bad.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("package_id,route_id,date,station,partner,promised_by,status,delivered_at,cod_amount,declared_value,vas\nX1,R1,2026-11-20,DEL4,SWFT,2026-11-20T21:00:00+05:30,shipped,,0,0,\n"),
  });
  await page.click("button >> text=Load");
  await page.waitForSelector("[role=status]");
  const outcome = await page.textContent("[role=status]");
  check(outcome.includes("nothing was loaded") && outcome.includes("row 2, column status"), "the upload's error names the row and column");

  await page.click("button >> text=Log out");
  await page.waitForURL(/\/login$/);
  await page.goto(base + "/partners");
  check(page.url().endsWith("/login"), "after logging out, pages need a login again");

  if (partnerUser) {
    await page.fill("input[name=username]", partnerUser);
    await page.fill("input[name=password]", password);
    await page.click("button[type=submit]");
    await page.waitForURL(base + "/");
    check((await page.textContent("h1")).includes("SWFT"), "a partner's home is its own");
    check((await page.textContent("main")).includes("Your score") && (await page.textContent("main")).includes("Your rank"), "its score and rank lead");
    check(!(await page.textContent("main")).includes("ZIPX"), "nothing of another partner");
    await page.goto(base + "/scores?week=2026-W47");
    check(await page.locator("#ranking td.own").count() > 0, "its own row stands out in the ranking");
    await page.click("button >> text=Log out");
    await page.waitForURL(/\/login$/);
  }
  if (errors.length) throw new Error("console errors:\n" + errors.join("\n"));
  console.log("browser walk: ok");
} catch (e) {
  console.error(e.message);
  process.exitCode = 1;
} finally {
  await browser.close();
}
