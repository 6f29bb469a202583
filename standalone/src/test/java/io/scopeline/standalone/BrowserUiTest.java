package io.scopeline.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The browser UI in a real (headless) Chromium against the standalone stack with its demo fleet. */
class BrowserUiTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @TempDir
  Path data;

  @Test
  void theMapShowsTheHostsDetailsOpenOnClickAndASilentProbeShowsAsNoData() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
        "needs Debian's chromium at /usr/bin/chromium (.ci/run installs it: apt-get install -y chromium)");
    Path shots = Path.of("target", "screenshots");
    Files.createDirectories(shots);
    try (Standalone s = Standalone.start(new StandaloneOptions(data, true, 5, "default", 0, 0, 0, 0, 0, null, false, "127.0.0.1"));
        Playwright pw = Playwright.create(new Playwright.CreateOptions()
            .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        Browser browser = pw.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
            .setHeadless(true).setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync")))) {
      Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1400, 900));
      List<String> blocked = new java.util.concurrent.CopyOnWriteArrayList<>();
      page.onConsoleMessage(m -> {
        if (m.text().contains("Content Security Policy")) {
          blocked.add(m.text());
        }
      });
      com.microsoft.playwright.Response index = page.navigate("http://127.0.0.1:" + s.httpPort() + "/");
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
    }
  }
}
