package dev.orchard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.model.TestImages;
import dev.orchard.registry.Alias;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.testing.TestBackends;
import dev.orchard.training.ModelTraining;
import dev.orchard.training.SampleDataset;
import dev.orchard.training.TrainedChampions;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The console in a real browser (headless Chromium): a photo classified — a phone-style JPEG with
 * EXIF rotation among them — a version page with its confusion matrix and report, promote and roll
 * back with the token, a prefix job followed to completion, actions refused without a valid token,
 * and a slow page the user already left never drawing over the current one. Screenshots go to
 * {@code target/screenshots/}.
 */
@EnabledIf("dev.orchard.testing.TestBackends#chromiumAvailable")
class ConsoleBrowserIntegrationTests extends EmbeddedWorkerSupport {

    static final Path SCREENSHOTS = Path.of("target/screenshots");
    static WebDriver browser;

    @Autowired
    ModelTraining training;

    @Autowired
    ModelRegistry registry;

    @BeforeAll
    static void startBrowser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(TestBackends.CHROMIUM);
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1100", "--lang=en");
        browser = new ChromeDriver(
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(new File(TestBackends.CHROMEDRIVER))
                        .build(),
                options);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /**
     * Loads the console afresh at {@code route}. Through a blank page: a route that differs only in
     * its fragment would otherwise be a same-page navigation, and a wait could be met by what the
     * previous page still shows (another model's champion v1, its register form) until the new view
     * draws.
     */
    void open(String route) {
        browser.get("about:blank");
        browser.get("http://127.0.0.1:" + port + "/" + route);
    }

    WebDriverWait waiting(Duration timeout) {
        return new WebDriverWait(browser, timeout);
    }

    String token() throws Exception {
        return Files.readString(DATA.resolve(".orchard-admin-token")).strip();
    }

    void useToken(String token) {
        WebElement field = browser.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        browser.findElement(By.id("token-use")).click();
        waiting(Duration.ofSeconds(10))
                .until(d -> token.equals(
                        ((JavascriptExecutor) d).executeScript("return sessionStorage.getItem('orchard.token');")));
    }

    /**
     * Holds this tab's answers back 1.5 s for the requests whose {@code path} meets {@code test} (a
     * JavaScript expression), until the page is loaded again.
     */
    void holdBack(String test) {
        ((JavascriptExecutor) browser)
                .executeScript("const original = window.fetch;"
                        + " window.fetch = (path, init) => " + test
                        + " ? new Promise((resolve) => setTimeout(resolve, 1500)).then(() => original(path, init))"
                        + " : original(path, init);");
    }

    static void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void aPhotoDroppedInTheBrowserIsClassifiedEvenAPhoneJpegLyingOnItsSide() throws Exception {
        // given: a trouser as a PNG, and the same trouser as a phone would store a portrait photo —
        // pixels turned a quarter left, EXIF orientation 6 saying "turn right to show"
        Path png = SampleDataset.images("trouser", 50).get(45);
        Path phone = Files.createTempFile("phone-", ".jpg");
        Files.write(phone, TestImages.withOrientation(sideways(png), 6));

        // when
        open("");
        waiting(Duration.ofSeconds(20)).until(ExpectedConditions.textToBe(By.id("readiness"), "ready"));
        // the model of the worker's own job spec is chosen; its champion answers
        assertThat(new org.openqa.selenium.support.ui.Select(waiting(Duration.ofSeconds(20))
                                .until(ExpectedConditions.presenceOfElementLocated(By.name("model"))))
                        .getFirstSelectedOption()
                        .getAttribute("value"))
                .isEqualTo("fashion");
        waiting(Duration.ofSeconds(20))
                .until(ExpectedConditions.presenceOfElementLocated(By.id("photos")))
                .sendKeys(png.toAbsolutePath() + "\n" + phone.toAbsolutePath());

        // then: both answered, with the label, its score bars, the model and version, the time taken
        List<WebElement> answers = waiting(Duration.ofSeconds(30)).until(d -> {
            List<WebElement> labelled = d.findElements(By.cssSelector(".card .answer.label"));
            return labelled.size() == 2 ? labelled : null;
        });
        assertThat(answers).extracting(WebElement::getText).allMatch(t -> t.startsWith("trouser · "));
        assertThat(browser.findElements(By.cssSelector(".card .bar"))).hasSizeGreaterThanOrEqualTo(2);
        assertThat(browser.findElements(By.cssSelector(".answered-by")))
                .extracting(WebElement::getText)
                .allMatch(t -> t.matches("fashion v\\d+ · \\d+ ms"));
        screenshot("console-try-it");
    }

    @Test
    void aVersionPageShowsItsConfusionMatrixReportAndProvenance() throws Exception {
        open("#/models/fashion/versions/1");

        WebElement confusion = waiting(Duration.ofSeconds(20)).until(d -> d.findElement(By.id("confusion")));
        waiting(Duration.ofSeconds(20)).until(d -> (Boolean) ((JavascriptExecutor) d)
                .executeScript("const i = document.getElementById('confusion');"
                        + " return i.complete && i.naturalWidth > 100;"));
        assertThat(confusion.getAttribute("alt")).contains("Confusion matrix of fashion v1");
        waiting(Duration.ofSeconds(20))
                .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".report table")));
        assertThat(browser.findElement(By.id("labels")).getText()).contains("trouser");
        assertThat(browser.findElement(By.cssSelector(".report")).getText()).contains("macro-F1");
        assertThat(browser.findElement(By.tagName("main")).getText())
                .contains("Per class")
                .contains("model/model.pb")
                .contains("\"source\": \"train\"");
        screenshot("console-version");
    }

    @Test
    void theModelPageShowsDriftWithTheBaselineBesideLiveTraffic() throws Exception {
        // given: a champion whose holdout is its baseline, then 600 inverted images classified
        Path dataset = DATA.resolve("local/watched-drift-training");
        TrainedChampions.championTrainedOn(training, registry, DATA.resolve("local"), dataset, "watched-drift", 100, 6);
        for (int i = 0; i < 30; i++) {
            byte[][] batch = new byte[20][];
            for (int j = 0; j < 20; j++) {
                String label = TrainedChampions.LABELS.get(j % 3);
                int n = (i * 20 + j) % 200;
                batch[j] = TestImages.inverted(
                        Files.readAllBytes(SampleDataset.images(label, n + 1).get(n)));
            }
            assertThat(classify("watched-drift", batch).getStatusCode().value()).isEqualTo(200);
        }

        // when
        open("#/models/watched-drift");

        // then: drifted, with label and confidence histograms, baseline and live bars side by side
        WebElement labels = waiting(Duration.ofSeconds(20))
                .until(d -> d.findElement(By.cssSelector("#drift figure[data-statistic='label']")));
        assertThat(browser.findElement(By.id("drift-summary")).getText())
                .startsWith("drifted")
                .contains("holdout")
                .contains("600");
        assertThat(browser.findElement(By.id("drift")).getText()).doesNotContain("null");
        assertThat(labels.findElements(By.cssSelector(".bar.pair")))
                .extracting(bar -> bar.getAttribute("data-bin"))
                .containsExactlyInAnyOrder("bag", "sneaker", "trouser");
        assertThat(browser.findElements(By.cssSelector("#drift figure[data-statistic='confidence'] .fill.base")))
                .hasSize(10)
                .anyMatch(bar -> bar.getSize().getWidth() > 0);
        assertThat(labels.findElements(By.cssSelector(".fill:not(.base)")))
                .anyMatch(bar -> bar.getSize().getWidth() > 0);
        assertThat(browser.findElement(By.cssSelector("#drift table")).getText())
                .contains("brightness")
                .contains("drifted");
        screenshot("console-drift");
    }

    @Test
    void promoteAndRollBackWithTheTokenAndNothingWithoutAValidOne() throws Exception {
        // given: model "browsed", v1 champion, and a second version
        Path dataset = DATA.resolve("local/browsed-training");
        TrainedChampions.championTrainedOn(training, registry, DATA.resolve("local"), dataset, "browsed", 20, 4);
        int v2 = training.trainAndRegister(
                        new ModelTraining.Request(
                                "browsed", "local", "browsed-training/", "tribuo-cart", Map.of("maxDepth", 6)),
                        "test")
                .version();
        open("#/models/browsed");
        waiting(Duration.ofSeconds(20)).until(ExpectedConditions.textToBe(By.id("champion-version"), "v1"));

        // then: without a token the page offers no action, and the server refuses one anyway
        assertThat(browser.findElement(By.id("rollback")).isDisplayed()).isFalse();
        Object refused = ((JavascriptExecutor) browser)
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + " fetch('/v1/models/browsed:rollback', {method: 'POST'}).then(r => done(r.status));");
        assertThat(((Number) refused).intValue()).isEqualTo(401);

        // when: a wrong token — the buttons show, the server says no, nothing changes
        useToken("not-the-admin-token-at-all");
        WebElement promote = browser.findElement(By.cssSelector("button.promote[data-version='" + v2 + "']"));
        assertThat(promote.isDisplayed()).isTrue();
        promote.click();
        waiting(Duration.ofSeconds(10))
                .until(ExpectedConditions.textMatches(By.id("message"), java.util.regex.Pattern.compile("^401")));
        assertThat(registry.champion("browsed").map(Alias::version)).hasValue(1);

        // when: the admin token — promote v2, then roll back
        useToken(token());
        browser.findElement(By.cssSelector("button.promote[data-version='" + v2 + "']"))
                .click();
        waiting(Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(By.id("champion-version"), "v" + v2));
        assertThat(registry.champion("browsed").map(Alias::version)).hasValue(v2);
        screenshot("console-model");
        browser.findElement(By.id("rollback")).click();
        waiting(Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(By.id("champion-version"), "v1"));
        assertThat(registry.champion("browsed").map(Alias::version)).hasValue(1);
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("console promotion");

        // and: a retrain of unchanged data is answered, not run
        browser.findElement(By.id("retrain")).click();
        waiting(Duration.ofSeconds(30))
                .until(ExpectedConditions.textMatches(
                        By.id("message"), java.util.regex.Pattern.compile("Unchanged: version \\d+ already learned")));
        browser.findElement(By.id("token-forget")).click();
    }

    @Test
    void aModelIsBroughtInFromTheConsole() throws Exception {
        // given: a SavedModel export with its labels in the data bucket
        Path export = Files.createDirectories(DATA.resolve("local/exports/console"));
        dev.orchard.model.ModelInput input =
                new dev.orchard.model.ModelInput(28, 28, 1, dev.orchard.model.ModelInput.Scaling.UNIT);
        dev.orchard.model.TestSavedModels.linear(export, input, new float[input.size()][3], new float[3], true);
        Files.writeString(export.resolve("labels.txt"), "a\nb\nc\n");
        open("#/models");
        useToken(token());

        // when: registered and promoted through the form
        WebElement form = waiting(Duration.ofSeconds(20))
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("register-form")));
        form.findElement(By.name("name")).sendKeys("brought");
        form.findElement(By.name("source")).sendKeys("gs://local/exports/console/");
        form.findElement(By.name("promote")).click();
        form.findElement(By.cssSelector("button[type=submit]")).click();

        // then: its model page, with version 1 champion
        waiting(Duration.ofSeconds(60)).until(ExpectedConditions.textToBe(By.id("champion-version"), "v1"));
        assertThat(registry.champion("brought").map(Alias::version)).hasValue(1);
        assertThat(browser.getCurrentUrl()).endsWith("#/models/brought");
        browser.findElement(By.id("token-forget")).click();
    }

    @Test
    void aPrefixJobStartedFromTheConsoleIsFollowedToCompletion() throws Exception {
        // given: 200 images under a prefix
        Path batch = Files.createDirectories(DATA.resolve("local/batches/browser"));
        List<Path> images = SampleDataset.images().subList(0, 200);
        for (int i = 0; i < images.size(); i++) {
            Files.copy(images.get(i), batch.resolve("img-" + i + ".png"));
        }
        open("#/jobs");
        useToken(token());

        // when: started from the form
        WebElement form = waiting(Duration.ofSeconds(20))
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("score-form")));
        waiting(Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(By.name("input")));
        form = browser.findElement(By.id("score-form"));
        form.findElement(By.name("input")).sendKeys("gs://local/batches/browser/");
        form.findElement(By.name("id")).sendKeys("browser-1");
        form.findElement(By.cssSelector("button[type=submit]")).click();

        // then: its page follows it to COMPLETED with every image processed
        waiting(Duration.ofSeconds(120))
                .until(ExpectedConditions.textMatches(
                        By.id("job-status"), java.util.regex.Pattern.compile("COMPLETED")));
        WebElement bar = browser.findElement(By.cssSelector("#job-status [role=progressbar]"));
        assertThat(bar.getAttribute("aria-valuenow")).isEqualTo("200");
        assertThat(bar.getAttribute("aria-valuemax")).isEqualTo("200");
        screenshot("console-job");
        open("#/jobs");
        waiting(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.linkText("browser-1")));
        browser.findElement(By.id("token-forget")).click();
    }

    @Test
    void aSlowPageTheUserAlreadyLeftNeverDrawsOverTheCurrentOne() throws Exception {
        // given: the console loaded, and this tab's answers for one job held back 1.5 s
        open("#/models");
        waiting(Duration.ofSeconds(20)).until(ExpectedConditions.textToBe(By.cssSelector("main h1"), "Models"));
        holdBack("String(path).includes('held-back')");

        // when: the slow page is opened and left at once for the jobs list
        ((JavascriptExecutor) browser).executeScript("location.hash = '#/jobs/held-back';");
        ((JavascriptExecutor) browser).executeScript("location.hash = '#/jobs';");
        waiting(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.id("score-form")));
        Object answered = ((JavascriptExecutor) browser)
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];" + " setTimeout(() => done(true), 2500);");

        // then: the held-back page (its answer a 404) drew nothing, not even its error
        assertThat(answered).isEqualTo(true);
        assertThat(browser.findElement(By.cssSelector("main h1")).getText()).isEqualTo("Jobs");
        assertThat(browser.findElements(By.id("score-form"))).hasSize(1);
        assertThat(browser.findElement(By.id("message")).getDomProperty("textContent"))
                .doesNotContain("404");
        browser.navigate().refresh(); // the real fetch back for the next test
    }

    @Test
    void aTokenTypedWhileAPageLoadsIsKeptWhole() throws Exception {
        // given: the console, with this tab's jobs list held back 1.5 s
        open("#/models");
        waiting(Duration.ofSeconds(20)).until(ExpectedConditions.textToBe(By.cssSelector("main h1"), "Models"));
        holdBack("String(path).startsWith('/jobs?')");
        String token = token();
        int half = token.length() / 2;

        // when: the jobs page is opened and the token typed as a person types (into what has focus),
        // half before the page draws and half after
        ((JavascriptExecutor) browser).executeScript("location.hash = '#/jobs';");
        browser.findElement(By.id("token")).click();
        new Actions(browser).sendKeys(token.substring(0, half)).perform();
        waiting(Duration.ofSeconds(20)).until(ExpectedConditions.textToBe(By.cssSelector("main h1"), "Jobs"));
        new Actions(browser).sendKeys(token.substring(half)).perform();
        browser.findElement(By.id("token-use")).click();

        // then: the whole token is kept, and the admin form is shown
        assertThat(((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('orchard.token');"))
                .isEqualTo(token);
        assertThat(browser.findElement(By.id("score-form")).isDisplayed()).isTrue();
        browser.findElement(By.id("token-forget")).click();
        browser.navigate().refresh(); // the real fetch back for the next test
    }

    @Test
    void everyPageFitsAPhoneScreenAndTheDropZoneIsReachedByKeyboard() throws Exception {
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            for (String route : List.of("", "#/models", "#/models/fashion", "#/models/fashion/versions/1", "#/jobs")) {
                open(route);
                waiting(Duration.ofSeconds(20))
                        .until(d -> !d.findElements(By.cssSelector("main h1")).isEmpty());
                Number overflow = (Number) ((JavascriptExecutor) browser)
                        .executeScript(
                                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
                assertThat(overflow.intValue())
                        .as("horizontal overflow of '" + route + "'")
                        .isLessThanOrEqualTo(0);
            }
            screenshot("console-phone");
            open("");
            waiting(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.id("photos")));
            WebElement focused = browser.switchTo().activeElement();
            for (int i = 0; i < 20 && !"photos".equals(focused.getAttribute("id")); i++) {
                focused.sendKeys(org.openqa.selenium.Keys.TAB);
                focused = browser.switchTo().activeElement();
            }
            assertThat(focused.getAttribute("id"))
                    .as("the file input is reached with Tab")
                    .isEqualTo("photos");
        } finally {
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1100));
        }
    }

    @Test
    void labelsAndReasonsThatLookLikeMarkupAreShownAsTextAndNeverRun() throws Exception {
        // given: a model brought in whose labels are markup, promoted with a reason that is markup too
        String[] labels = {
            "<img src=x onerror=\"window.pwned='label'\">", "\"><script>window.pwned='script'</script>", "plain"
        };
        Path export = Files.createDirectories(DATA.resolve("local/exports/hostile"));
        dev.orchard.model.ModelInput input =
                new dev.orchard.model.ModelInput(28, 28, 1, dev.orchard.model.ModelInput.Scaling.UNIT);
        dev.orchard.model.TestSavedModels.linear(export, input, new float[input.size()][3], new float[3], true);
        org.springframework.http.ResponseEntity<String> imported = postJson(
                "/v1/models/hostile/versions",
                json.writeValueAsString(java.util.Map.of(
                        "source",
                        "gs://local/exports/hostile/",
                        "labels",
                        List.of(labels),
                        "promote",
                        true,
                        "reason",
                        "<b onmouseover=\"window.pwned='reason'\">hover</b>")),
                token());
        assertThat(imported.getStatusCode().value()).as(imported.getBody()).isEqualTo(201);

        // when: its version page, its model page with the audit log, and a classification are shown
        open("#/models/hostile/versions/1");
        waiting(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.id("labels")));
        String shown = browser.findElement(By.id("labels")).getText();
        open("#/models/hostile");
        waiting(Duration.ofSeconds(20)).until(ExpectedConditions.textToBe(By.id("champion-version"), "v1"));
        String audit = browser.findElement(By.tagName("main")).getText();
        open("");
        new org.openqa.selenium.support.ui.Select(waiting(Duration.ofSeconds(20))
                        .until(ExpectedConditions.presenceOfElementLocated(By.name("model"))))
                .selectByValue("hostile");
        browser.findElement(By.id("photos"))
                .sendKeys(SampleDataset.images("trouser", 1)
                        .get(0)
                        .toAbsolutePath()
                        .toString());
        waiting(Duration.ofSeconds(20))
                .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".card .answer.label")));

        // then: the markup is there as text, no element was made of it, nothing ran
        assertThat(shown).contains(labels[0]).contains(labels[1]);
        assertThat(audit).contains("<b onmouseover=");
        assertThat(browser.findElements(By.cssSelector("main img[src='x'], main script, main b")))
                .isEmpty();
        assertThat(((JavascriptExecutor) browser).executeScript("return window.pwned === undefined;"))
                .isEqualTo(true);
    }

    /** The image turned a quarter left and scaled up tenfold, as a JPEG. */
    static byte[] sideways(Path png) throws Exception {
        BufferedImage source = ImageIO.read(png.toFile());
        int size = source.getWidth() * 10;
        BufferedImage turned = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = turned.createGraphics();
        g.rotate(-Math.PI / 2, size / 2.0, size / 2.0);
        g.drawImage(source, 0, 0, size, size, null);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(turned, "jpg", out);
        return out.toByteArray();
    }
}
