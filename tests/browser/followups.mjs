// A point followed up in headless Chromium: the partner raises it and answers, the
// program team resolves it, the partner sees it resolved and is told; the program team
// records a WBR with two action items and the partner closes the one it owns; the coach
// issues an improvement plan from the partner's scorecard and the partner acknowledges it;
// the partner uploads a compliance document and the program team verifies it; the
// program team enters an invoice with the wrong IGST, sees its GST case and settles its
// dispute.
// Any console error fails it.
// Usage: node followups.mjs BASE_URL PASSWORD
import { chromium } from "playwright-core";

const [base, password] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const errors = [];
const page = await (await browser.newContext()).newPage();
page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
page.on("pageerror", (e) => errors.push(e.message));
function check(cond, what) { if (!cond) throw new Error(`failed: ${what} (at ${page.url()})`); }

async function login(user) {
  await page.goto(base + "/login");
  await page.fill("input[name=username]", user);
  await page.fill("input[name=password]", password);
  await page.click("form[action='/login'] button[type=submit]");
  await page.waitForURL(base + "/");
}
async function logout() {
  await page.click("button >> text=Log out");
  await page.waitForURL(/\/login$/);
}

try {
  await login("partner");
  await page.click("nav >> text=Follow-ups");
  await page.waitForURL(/\/followups$/);
  await page.click("a >> text=Raise a point");
  await page.waitForURL(/\/followups\/new/);
  check(await page.locator("input[name=partner]").count() === 0, "a partner raises points about its own company only");
  await page.fill("input[name=station]", "DEL4");
  await page.fill("input[name=title]", "Payout short for W47");
  await page.fill("textarea[name=text]", "We count three routes more than the payout.");
  await page.click("form.raise button[type=submit]");
  await page.waitForURL(/\/followups\/\d+$/);
  const url = page.url();
  check((await page.textContent("h1")).includes("Payout short for W47"), "the point's page opens");
  check((await page.textContent(".tiles")).includes("left"), "the SLA timer shows the time left");
  await page.fill("form.comment textarea[name=text]", "Routes DEL4-SWFT-R7, R8 and R9.");
  await page.click("form.comment button[type=submit]");
  await page.waitForURL(/done=/);
  check((await page.textContent("ol.comments")).includes("DEL4-SWFT-R7"), "the partner's comment shows");
  check(await page.locator("button >> text=Resolved").count() === 0, "a partner cannot resolve");
  await logout();

  await login("program");
  await page.goto(url);
  check((await page.textContent("ol.comments")).includes("R9"), "the program team reads the partner's answer");
  await page.fill("section.actions input[name=note]", "Paid in the next cycle.");
  await page.click("section.actions button >> text=Resolved");
  await page.waitForURL(/done=/);
  check((await page.textContent(".state")).includes("Resolved"), "the program team resolves it");
  await logout();

  await login("partner");
  check(await page.locator("header .bell .count").count() === 1, "the partner's header counts what is new");
  await page.click("header .bell");
  await page.waitForURL(/\/notifications$/);
  check((await page.textContent("table.notifications")).includes("resolved"), "the partner is told it was resolved");
  await page.click("button >> text=Mark all read");
  await page.waitForURL(/\/notifications$/);
  check(await page.locator("header .bell .count").count() === 0, "marked read, the count goes");
  await page.goto(url);
  check((await page.textContent(".state")).includes("Resolved"), "the partner sees it resolved");
  await logout();

  // A WBR with two action items; the partner closes the one it owns.
  await login("program");
  await page.click("nav >> text=Reviews");
  await page.waitForURL(/\/reviews$/);
  await page.click("summary >> text=Record a review");
  await page.selectOption("select[name=kind]", "wbr");
  await page.fill("input[name=date]", "2030-01-07");
  await page.fill("form.review input[name=partner]", "SWFT");
  await page.fill("form.review input[name=station]", "DEL4");
  await page.fill("input[name=attendees]", "Program team, SWFT owner");
  const titles = page.locator("input[name=item_title]"), owners = page.locator("input[name=item_owner]"), dues = page.locator("input[name=item_due]");
  await titles.nth(0).fill("Send the corrected roster");
  await owners.nth(0).fill("partner");
  await dues.nth(0).fill("2030-01-10");
  await titles.nth(1).fill("Retrain two riders");
  await owners.nth(1).fill("coach");
  await dues.nth(1).fill("2030-01-14");
  await page.click("form.review button[type=submit]");
  await page.waitForURL(/\/reviews\/\d+$/);
  check(await page.locator("table.queue tbody tr").count() === 2, "the review lists its two action items");
  check(await page.locator("a >> text=The numbers of 2030-W02").count() === 1, "the review opens beside its week's numbers");
  await logout();

  await login("partner");
  await page.goto(base + "/followups?kind=action_item&mine=1");
  check(await page.locator("table.queue tbody tr").count() === 1, "the partner's own action items: one");
  await page.click("table.queue tbody tr:first-child td:nth-child(5) a");
  await page.waitForURL(/\/followups\/\d+$/);
  await page.click("section.actions button >> text=Resolved");
  await page.waitForURL(/done=/);
  check((await page.textContent(".state")).includes("Resolved"), "the partner closes its own action item");
  await logout();

  // An improvement plan in one click from the scorecard; the partner acknowledges it.
  await login("coach");
  await page.goto(base + "/partners/SWFT/scorecard");
  await page.click("a >> text=Issue an improvement plan");
  await page.waitForURL(/\/plans\?partner=SWFT/);
  check(await page.inputValue("form.plan input[name=partner]") === "SWFT", "the form is filled with the partner");
  check((await page.locator("form.plan select[name=metric]").first().inputValue()) !== "", "the form is filled with a metric");
  await page.fill("form.plan textarea[name=note]", "Two weeks to lift on-time delivery.");
  await page.click("form.plan button[type=submit]");
  await page.waitForURL(/\/plans\/\d+$/);
  const plan = page.url();
  check((await page.textContent(".state")).includes("issued"), "the plan is issued");
  check(await page.locator("text=Baseline").count() >= 1, "the plan shows its baseline");
  await logout();

  await login("partner");
  await page.goto(plan);
  await page.click("button >> text=Acknowledge the plan");
  await page.waitForURL(/done=/);
  check((await page.textContent(".state")).includes("acknowledged"), "the partner acknowledges its plan");
  check(await page.locator("button >> text=Extend").count() === 0, "the partner cannot change the plan");
  await page.click("a >> text=The letter to the partner");
  await page.waitForURL(/\/letter$/);
  check((await page.textContent("article.letter")).includes("Two weeks to lift"), "the letter carries the coach's note");
  await logout();

  // A compliance document: the admin adds its type, the partner uploads it, the program
  // team verifies it.
  await login("admin");
  await page.goto(base + "/admin/documents");
  await page.fill("input[name=code]", "trade_licence");
  await page.fill("input[name=label]", "Trade licence");
  await page.click("button >> text=Add or change");
  await page.waitForURL(/done=/);
  await logout();
  await login("partner");
  await page.click("nav >> text=Documents");
  await page.waitForURL(/\/documents$/);
  await page.fill("form.document input[name=number]", "TL-2026-118");
  await page.fill("form.document input[name=issued]", "2026-04-01");
  await page.fill("form.document input[name=expires]", "2027-03-31");
  await page.setInputFiles("form.document input[name=file]", { name: "licence.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4 trade licence") });
  await page.click("form.document button[type=submit]");
  // The upload goes with its progress shown; the answer replaces the page's content.
  await page.waitForSelector("[role=status] >> text=Uploaded document");
  check((await page.textContent("table.documents")).includes("uploaded"), "the partner's document waits to be verified");
  await logout();
  await login("program");
  await page.goto(base + "/documents");
  await page.click("form.check button >> text=Verify");
  await page.waitForURL(/done=/);
  check((await page.textContent("table.documents")).includes("verified"), "the program team verifies it");
  check(await page.locator("form.check").count() === 0, "nothing left to check");

  // An invoice entered with the wrong IGST: its GST case opens; its payout dispute is
  // settled by a credit note.
  await page.click("nav >> text=Invoices");
  await page.waitForURL(/\/invoices$/);
  await page.click("summary >> text=Enter an invoice");
  const f = "form.enter ";
  for (const [name, value] of [
    ["partner", "SWFT"], ["invoice_number", "SW/26-27/014"], ["invoice_date", "2026-11-23"],
    ["period_from", "2026-11-16"], ["period_to", "2026-11-22"], ["stations", "DEL4"],
    ["supplier_gstin", "27AAPFU0939F1ZV"], ["recipient_gstin", "27AAPFU0939F1ZV"],
    ["place_of_supply", "29"], ["taxable_value", "100"], ["igst", "20.00"], ["total", "120.00"],
  ]) await page.fill(f + `input[name=${name}]`, value);
  await page.click(f + "button[type=submit]");
  await page.waitForURL(/done=/);
  check((await page.textContent("[role=status]")).includes("GST check failed"), "the wrong IGST opens a GST case");
  await page.click("table.invoices a >> text=SW/26-27/014");
  await page.waitForURL(/\/invoices\/\d+$/);
  check((await page.textContent("main")).includes("more than ₹1.00 off"), "the invoice says what is wrong with its tax");
  await page.fill("form.settle input[name=accepted]", "0");
  await page.fill("form.settle input[name=note_number]", "CN-14");
  await page.fill("form.settle input[name=note_date]", "2026-11-28");
  await page.click("form.settle button[type=submit]");
  await page.waitForURL(/done=Settled/);
  check((await page.textContent("p.settled")).includes("credit note CN-14 of ₹100.00"), "the dispute is settled by a credit note");
  if (errors.length) throw new Error("console errors:\n" + errors.join("\n"));
  console.log("followups walk: ok");
} catch (e) {
  console.error(e.message + " (at " + page.url() + ")");
  process.exitCode = 1;
} finally {
  await browser.close();
}
