package io.scopeline.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The browser UI in a real (headless) Chromium against the standalone stack with its demo fleet. */
class BrowserUiTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path SHOTS = Path.of("target", "screenshots");

  @TempDir
  static Path data;
  private static Standalone s;
  private static Playwright pw;
  private static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
        "needs Debian's chromium at /usr/bin/chromium (.ci/run installs it: apt-get install -y chromium)");
    Files.createDirectories(SHOTS);
    s = Standalone.start(new StandaloneOptions(data, true, 5, "default", 0, 0, 0, 0, 0, null, false, "127.0.0.1"));
    pw = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser = pw.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
        .setHeadless(true).setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (pw != null) {
      pw.close();
    }
    if (s != null) {
      s.close();
    }
  }

  private static String url(String hash) {
    return "http://127.0.0.1:" + s.httpPort() + "/" + hash;
  }

  @Test
  void theMapShowsTheHostsDetailsOpenOnClickAndASilentProbeShowsAsNoData() throws Exception {
    Path shots = SHOTS;
    try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 900))) {
      Page page = context.newPage();
      List<String> blocked = new java.util.concurrent.CopyOnWriteArrayList<>();
      page.onConsoleMessage(m -> {
        if (m.text().contains("Content Security Policy")) {
          blocked.add(m.text());
        }
      });
      com.microsoft.playwright.Response index = page.navigate(url(""));
      assertThat(index.headers().get("content-security-policy")).contains("frame-ancestors 'none'");
      assertThat(index.headers().get("x-content-type-options")).isEqualTo("nosniff");

      // The hosts map: every simulated host appears as a node.
      for (String host : s.fleet().hosts()) {
        page.locator("g.node[data-id='" + host + ";<host>']").waitFor(new Locator.WaitForOptions().setTimeout(45_000));
      }
      page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("hosts-map.png")));

      // Compared with an hour ago (before the demo began), every host is new: the overlay marks them.
      page.evaluate("() => { const d = new Date(Date.now() - 3600e3); const p = (n) => String(n).padStart(2, '0');"
          + " document.getElementById('compare-input').value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-"
          + "${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`; }");
      page.locator("#compare-go").click();
      page.locator("#compare-status", new Page.LocatorOptions().setHasText("added"))
          .waitFor(new Locator.WaitForOptions().setTimeout(15_000));
      page.waitForCondition(() -> page.locator("g.node.added").count() >= s.fleet().hosts().size(),
          new Page.WaitForConditionOptions().setTimeout(10_000));
      assertThat(page.locator("#compare-status").textContent()).startsWith("Since ").contains(" 0 removed");
      page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("compare-overlay.png")));
      page.locator("#compare-clear").click();
      assertThat(page.locator("g.node.added").count()).isZero();

      // Clicking a node opens its details.
      String first = s.fleet().hosts().get(0);
      page.locator("g.node[data-id='" + first + ";<host>']").click();
      page.locator("#details").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE));
      assertThat(page.locator("#details h3").textContent()).isEqualTo(first);
      page.locator("#details h4", new Page.LocatorOptions().setHasText("Metrics"))
          .waitFor(new Locator.WaitForOptions().setTimeout(10_000));
      page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("host-details.png")));

      // The host's "Exec shell" control opens a terminal on a pipe to the demo probe (an echo terminal).
      page.locator("#details .controls button[data-control='host_exec']").click();
      page.locator("#terminal-state", new Page.LocatorOptions().setHasText("connected"))
          .waitFor(new Locator.WaitForOptions().setTimeout(15_000));
      page.locator("#terminal-screen .xterm-rows", new Page.LocatorOptions().setHasText("Simulated container"))
          .waitFor(new Locator.WaitForOptions().setTimeout(10_000));
      page.locator("#terminal-screen").click();
      page.keyboard().type("typed-through-the-pipe");
      page.keyboard().press("Enter");
      // Once echoed locally as typed, once more as the probe's side sends it back.
      page.waitForCondition(() -> page.locator("#terminal-screen .xterm-rows").textContent()
          .split("typed-through-the-pipe", -1).length - 1 >= 2, new Page.WaitForConditionOptions().setTimeout(10_000));
      page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("terminal.png")));
      page.locator("#terminal-close").click();
      page.locator("#terminal").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.HIDDEN));

      // A probe that stops publishing is shown as silent within 15 s.
      String silent = s.fleet().hosts().get(1);
      page.locator("#probe-list li.ok[data-hostname='" + silent + "']")
          .waitFor(new Locator.WaitForOptions().setTimeout(20_000));
      s.fleet().setSilent(silent, true);
      page.locator("#probe-list li.nodata[data-hostname='" + silent + "']")
          .waitFor(new Locator.WaitForOptions().setTimeout(15_000));
      assertThat(page.locator("#probe-list li.nodata").count()).isEqualTo(1);
      // ...and its host stays on the map, marked, after its reports leave the window.
      page.locator("g.node.silent[data-id='" + silent + ";<host>']").waitFor(new Locator.WaitForOptions()
          .setTimeout(5_000));
      page.waitForTimeout(8_000);
      assertThat(page.locator("g.node.silent[data-id='" + silent + ";<host>']").count()).isEqualTo(1);
      page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("probe-nodata.png")));
      assertThat(blocked).as("what the page's security policy blocked").isEmpty();
      s.fleet().setSilent(silent, false);
    }
  }

  @Test
  void searchTableViewUrlRoundTripExportsAndCollapsedGroups() throws Exception {
    String host = s.fleet().hosts().get(3);
    try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 900)
        .setAcceptDownloads(true))) {
      Page page = context.newPage();
      page.navigate(url("#topology=hosts"));
      page.locator("g.node[data-id='" + host + ";<host>']").waitFor(new Locator.WaitForOptions().setTimeout(45_000));

      // Search: the map keeps what matches, the matched part of the label marked; the URL holds it.
      page.locator("#search").fill("label:^" + host + "$");
      page.locator("#search").press("Enter");
      page.locator("#search-error", new Page.LocatorOptions().setHasText("1 found"))
          .waitFor(new Locator.WaitForOptions().setTimeout(10_000));
      page.waitForCondition(() -> page.locator("g.node").count() == 1,
          new Page.WaitForConditionOptions().setTimeout(15_000));
      assertThat(page.locator("g.node text.label tspan.hit").textContent()).isEqualTo(host);
      assertThat(page.url()).contains("q=label");
      page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("search.png")));
      // A query the server cannot search says why, and the map stays as it was.
      page.locator("#search").fill("cpu > lots");
      page.locator("#search").press("Enter");
      page.locator("#search-error", new Page.LocatorOptions().setHasText("compare cpu with a number"))
          .waitFor(new Locator.WaitForOptions().setTimeout(10_000));
      assertThat(page.locator("g.node").count()).isEqualTo(1);
      // A match outside the label shows under it, field and value, the matched part marked.
      page.locator("#search").fill("os:inu");
      page.locator("#search").press("Enter");
      page.waitForCondition(() -> page.locator("g.node text.match tspan.hit").count() >= 4,
          new Page.WaitForConditionOptions().setTimeout(15_000));
      Locator match = page.locator("g.node[data-id='" + host + ";<host>'] text.match");
      assertThat(match.textContent()).isEqualTo("OS: linux");
      assertThat(match.locator("tspan.hit").textContent()).isEqualTo("inu");
      assertThat(page.locator("g.node[data-id='" + host + ";<host>'] text.label tspan.hit").count())
          .as("the label did not match").isZero();
      page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("search-field.png")));
      page.locator("#search").fill("");
      page.locator("#search").press("Enter");
      // (The other test may have silenced a host, which then leaves the map.)
      page.waitForCondition(() -> page.locator("g.node").count() >= 4,
          new Page.WaitForConditionOptions().setTimeout(15_000));

      // The table: a row per host, sorted by CPU (highest first) with a click on its header.
      page.locator("#mode button[data-mode='table']").click();
      page.waitForCondition(() -> page.locator("#node-table tbody tr").count() >= 4,
          new Page.WaitForConditionOptions().setTimeout(10_000));
      page.locator("#node-table th[data-sort='metric:CPU']").click();
      assertThat(page.locator("#node-table th.sorted.desc").textContent()).isEqualTo("CPU");
      List<Double> cpu = page.locator("#node-table tbody tr").all().stream()
          .map(r -> r.locator("td").nth(2).textContent().replace("%", "").trim())
          .filter(t -> !t.isEmpty()).map(Double::parseDouble).toList();
      assertThat(cpu).hasSizeGreaterThanOrEqualTo(4).isSortedAccordingTo(java.util.Comparator.reverseOrder());
      page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("table.png")));

      // The URL reproduces what one sees: a new tab on it opens the table, filled by CPU, searched.
      page.locator("#fill").selectOption("cpu");
      page.locator("#search").fill(host);
      page.locator("#search").press("Enter");
      page.locator("#search-error", new Page.LocatorOptions().setHasText("found"))
          .waitFor(new Locator.WaitForOptions().setTimeout(10_000));
      String link = page.url();
      assertThat(link).contains("mode=table", "fill=cpu", "q=" + host);
      Page again = context.newPage();
      again.navigate(link);
      again.waitForCondition(() -> again.locator("#node-table tbody tr").count() >= 1,
          new Page.WaitForConditionOptions().setTimeout(20_000));
      assertThat(again.locator("#search").inputValue()).isEqualTo(host);
      assertThat(again.locator("#fill").inputValue()).isEqualTo("cpu");
      assertThat(again.locator("#table-pane").isVisible()).isTrue();
      assertThat(again.locator("#node-table tbody tr td").first().textContent()).isEqualTo(host);
      again.close();

      // Back on the map, the host is filled to its CPU level.
      page.locator("#mode button[data-mode='map']").click();
      Locator filled = page.locator("g.node[data-id='" + host + ";<host>']");
      filled.waitFor(new Locator.WaitForOptions().setTimeout(10_000));
      assertThat(Double.parseDouble(filled.getAttribute("data-fill"))).isBetween(0.0, 1.0);
      assertThat(filled.locator(".metric-fill").evaluate("e => getComputedStyle(e).clipPath").toString())
          .startsWith("inset(").doesNotStartWith("inset(100%");

      // Exports: the view as GraphML from the server, the map as SVG and PNG from the page.
      Download graphml = page.waitForDownload(() -> page.locator("#export-graphml").click());
      assertThat(graphml.suggestedFilename()).isEqualTo("hosts.graphml");
      assertThat(Files.readString(graphml.path())).contains("<graphml", host);
      Download svg = page.waitForDownload(() -> page.locator("#export-svg").click());
      assertThat(svg.suggestedFilename()).isEqualTo("hosts.svg");
      assertThat(Files.readString(svg.path())).startsWith("<svg").contains(host);
      // ...and as PNG: the map drawn on the page's background, not a blank canvas.
      Download png = page.waitForDownload(() -> page.locator("#export-png").click());
      assertThat(png.suggestedFilename()).isEqualTo("hosts.png");
      java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.path().toFile());
      assertThat(image).as("a PNG image").isNotNull();
      assertThat(image.getWidth()).isGreaterThan(400);
      int background = image.getRGB(0, 0);
      long drawn = java.util.stream.IntStream.range(0, image.getWidth() * image.getHeight())
          .filter(i -> image.getRGB(i % image.getWidth(), i / image.getWidth()) != background).count();
      // One node is shown (the search is on): its ring, fill and label, against a blank canvas's 0.
      assertThat(drawn).as("pixels of the node and its label").isGreaterThan(200);
      page.locator("#search").fill("");
      page.locator("#search").press("Enter");

      // A big table shows its first rows (here: 10 of the 40 processes) and says so.
      page.navigate(url("#topology=processes&mode=table&rows=10"));
      page.waitForCondition(() -> page.locator("#node-table caption").count() == 1,
          new Page.WaitForConditionOptions().setTimeout(20_000));
      assertThat(page.locator("#node-table tbody tr").count()).isEqualTo(10);
      assertThat(page.locator("#node-table caption").textContent()).matches("The first 10 of \\d+ in this order.*");
      page.navigate(url("#topology=hosts"));
      page.locator("g.node[data-id='" + host + ";<host>']").waitFor(new Locator.WaitForOptions().setTimeout(20_000));

      // The time slider spans the retained history (365 d by default), cubic: 9/10 of the way
      // is a thousandth of it back, 8.76 h.
      page.waitForCondition(() -> "The retained history: 8760h0m0s".equals(page.locator("#time-slider")
          .getAttribute("title")), new Page.WaitForConditionOptions().setTimeout(10_000));
      long slidAt = System.currentTimeMillis();
      page.locator("#time-slider").evaluate("s => { s.value = '900'; s.dispatchEvent(new Event('change')); }");
      page.waitForCondition(() -> page.url().contains("timestamp="), new Page.WaitForConditionOptions().setTimeout(10_000));
      String travelledTo = java.net.URLDecoder.decode(page.url().replaceAll(".*timestamp=([^&]*).*", "$1"),
          java.nio.charset.StandardCharsets.UTF_8);
      long hoursBack = java.time.Duration.between(java.time.Instant.parse(travelledTo),
          java.time.Instant.ofEpochMilli(slidAt)).toMinutes();
      assertThat(hoursBack).isBetween(8 * 60 + 40L, 8 * 60 + 50L);
      page.locator("#time-live").click();
      page.waitForCondition(() -> !page.url().contains("timestamp="), new Page.WaitForConditionOptions().setTimeout(10_000));

      // A big map (here: above 4 nodes) shows each host's containers as one group until clicked.
      page.navigate(url("#topology=containers&lod=4"));
      page.waitForCondition(() -> page.locator("g.node.group").count() >= 2,
          new Page.WaitForConditionOptions().setTimeout(30_000));
      Locator group = page.locator("g.node.group").first();
      String groupId = group.getAttribute("data-id");
      assertThat(group.locator("text.minor").textContent()).matches("\\d+ nodes");
      page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("groups.png")));
      int before = page.locator("g.node").count();
      group.click();
      page.waitForCondition(() -> page.locator("g.node[data-id='" + groupId + "']").count() == 0
          && page.locator("g.node").count() > before, new Page.WaitForConditionOptions().setTimeout(10_000));
      page.locator("#collapse").click();
      page.waitForCondition(() -> page.locator("g.node[data-id='" + groupId + "']").count() == 1,
          new Page.WaitForConditionOptions().setTimeout(10_000));

      // Pods group by their namespace (the simulated fleet's are shop and default), not by host.
      page.navigate(url("#topology=pods&lod=4"));
      page.waitForCondition(() -> page.locator("g.node.group").count() == 2,
          new Page.WaitForConditionOptions().setTimeout(30_000));
      assertThat(page.locator("g.node.group text.label").allTextContents())
          .containsExactlyInAnyOrder("namespace shop", "namespace default");
    }
  }
}
