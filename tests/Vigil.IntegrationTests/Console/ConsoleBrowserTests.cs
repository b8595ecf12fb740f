using System.Globalization;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests.Console;

/// <summary>The console in Debian's Chromium: what each role sees and does, checked against the API.</summary>
public class ConsoleBrowserTests(ConsoleSite site) : IClassFixture<ConsoleSite>
{
    [Fact]
    public async Task A_read_key_sees_the_overview_charts_drawn_from_rolled_up_events()
    {
        var page = await site.SignInAsync(site.ReadKey);
        await ConsoleSite.WithScreenshotOnFailureAsync(page, "overview", async () =>
        {
            await page.WaitForSelectorAsync("#charts svg");
            var points = await page.EvalOnSelectorAllAsync<int[]>("#charts svg", "s => s.map(x => Number(x.dataset.points))");
            Assert.Equal(6, points.Length);
            Assert.All(points, p => Assert.True(p > 0, "every chart has points: " + string.Join(",", points)));
            Assert.True(await page.Locator("#charts path.line").CountAsync() >= 6);
            // 120 calls, a feedback event, the batch job's call and the unhappy exchange's four messages.
            Assert.Equal("126", (await page.TextContentAsync("#stat-events"))!.Replace(",", "", StringComparison.Ordinal));
            // Times are the viewer's, with UTC on hover.
            Assert.EndsWith("(UTC)", await page.Locator("time").First.GetAttributeAsync("title"), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_read_key_sees_alerts_but_no_acknowledge_button_and_no_rule_actions()
    {
        var page = await site.SignInAsync(site.ReadKey, "#alerts");
        await ConsoleSite.WithScreenshotOnFailureAsync(page, "read-alerts", async () =>
        {
            await page.WaitForSelectorAsync("tr[data-alert]");
            Assert.Equal(0, await page.Locator("button.ack").CountAsync());
            Assert.Equal(0, await page.Locator("button.resolve").CountAsync());
            Assert.Equal(0, await page.Locator("button.silence").CountAsync());
            await page.GotoAsync(site.Url + "/api/console#rules");
            await page.WaitForSelectorAsync("tr[data-rule]");
            Assert.Equal(0, await page.Locator("button.toggle").CountAsync());
            Assert.Equal(0, await page.GetByText("New rule").CountAsync());
        });
    }

    [Fact]
    public async Task An_operator_acknowledges_a_firing_alert_and_the_api_agrees()
    {
        var page = await site.SignInAsync(site.OperatorKey, "#alerts");
        await ConsoleSite.WithScreenshotOnFailureAsync(page, "acknowledge", async () =>
        {
            var row = page.Locator("tr[data-alert]", new() { HasText = "console-traffic" }).First;
            var id = await row.GetAttributeAsync("data-alert");
            await row.Locator("button.ack").ClickAsync();
            await page.Locator($"tr[data-alert='{id}'] .chip.state-acknowledged").WaitForAsync();
            var alert = await site.GetJsonAsync(site.ReadKey, "/api/alerts/" + id);
            Assert.Equal("acknowledged", alert.GetProperty("state").GetString());
            Assert.Equal("operator console key", alert.GetProperty("acknowledged_by").GetString());
        });
    }

    [Fact]
    public async Task An_operator_resolves_an_alert_by_hand_and_the_api_agrees()
    {
        var page = await site.SignInAsync(site.OperatorKey, "#alerts");
        await ConsoleSite.WithScreenshotOnFailureAsync(page, "resolve", async () =>
        {
            var row = page.Locator("tr[data-alert]", new() { HasText = ConsoleSite.ResolveRule }).First;
            var id = await row.GetAttributeAsync("data-alert");
            await row.Locator("button.resolve").ClickAsync();
            // Resolved, it leaves the open table for "Recently resolved", without a Resolve button.
            await page.Locator($"tr[data-alert='{id}'] .chip.state-resolved").WaitForAsync();
            Assert.Equal(0, await page.Locator($"tr[data-alert='{id}'] button.resolve").CountAsync());
            var alert = await site.GetJsonAsync(site.ReadKey, "/api/alerts/" + id);
            Assert.Equal("resolved", alert.GetProperty("state").GetString());
            Assert.Equal("operator console key", alert.GetProperty("resolved_by").GetString());
        });
    }

    [Fact]
    public async Task An_operator_silences_an_alerts_rule_for_the_hours_entered()
    {
        var page = await site.SignInAsync(site.OperatorKey, "#alerts");
        await ConsoleSite.WithScreenshotOnFailureAsync(page, "silence", async () =>
        {
            string? asked = null;
            page.Dialog += async (_, dialog) =>
            {
                asked = dialog.Message;
                await dialog.AcceptAsync("2");
            };
            var before = DateTimeOffset.UtcNow;
            var row = page.Locator("tr[data-alert]", new() { HasText = ConsoleSite.SilenceRule }).First;
            await row.Locator("button.silence").ClickAsync();
            await page.Locator("#toast", new() { HasText = "Silenced" }).WaitForAsync();
            Assert.Contains(ConsoleSite.SilenceRule, asked, StringComparison.Ordinal);

            var silences = await site.GetJsonAsync(site.ReadKey, "/api/silences?active=true");
            var silence = Assert.Single(silences.GetProperty("silences").EnumerateArray(),
                s => s.GetProperty("matchers").GetProperty("rule").GetString() == ConsoleSite.SilenceRule);
            Assert.Equal("operator console key", silence.GetProperty("created_by").GetString());
            var length = silence.GetProperty("ends_at").GetDateTimeOffset() - silence.GetProperty("starts_at").GetDateTimeOffset();
            Assert.InRange(length, TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1), TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
            Assert.InRange(silence.GetProperty("starts_at").GetDateTimeOffset(), before.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        });
    }

    [Fact]
    public async Task An_admin_disables_and_enables_a_rule()
    {
        var page = await site.SignInAsync(site.AdminKey, "#rules");
        await ConsoleSite.WithScreenshotOnFailureAsync(page, "rules", async () =>
        {
            var row = "tr[data-rule='slow-replies']";
            Assert.Equal("warning", await page.TextContentAsync($"{row} .chip.sev-warning"));
            await page.ClickAsync($"{row} button.toggle");
            await page.Locator($"{row} .chip.st-disabled").WaitForAsync();
            Assert.False((await site.GetJsonAsync(site.AdminKey, "/api/alert-rules/slow-replies")).GetProperty("enabled").GetBoolean());
            await page.ClickAsync($"{row} button.toggle");
            await page.Locator($"{row} .chip.st-enabled").WaitForAsync();
            Assert.True((await site.GetJsonAsync(site.AdminKey, "/api/alert-rules/slow-replies")).GetProperty("enabled").GetBoolean());
        });
    }

    [Fact]
    public async Task The_budget_bar_stands_at_the_spent_percent()
    {
        var page = await site.SignInAsync(site.ReadKey, "#budgets");
        await ConsoleSite.WithScreenshotOnFailureAsync(page, "budgets", async () =>
        {
            var bar = page.Locator("[data-budget='console-budget']");
            await bar.WaitForAsync();
            Assert.Equal(ConsoleSite.BudgetPercent, double.Parse((await bar.GetAttributeAsync("aria-valuenow"))!, CultureInfo.InvariantCulture), 1);
            var ratio = await bar.EvaluateAsync<double>("b => b.querySelector('.fill').getBoundingClientRect().width / b.getBoundingClientRect().width");
            Assert.Equal(ConsoleSite.BudgetPercent / 100, ratio, 2);
        });
    }

    [Fact]
    public async Task Explore_opens_a_conversation_with_its_bots_in_order_and_its_events()
    {
        var page = await site.SignInAsync(site.ReadKey, "#explore");
        await ConsoleSite.WithScreenshotOnFailureAsync(page, "explore", async () =>
        {
            await page.Locator("a.conversation-link", new() { HasText = ConsoleSite.Conversation }).First.ClickAsync();
            await page.Locator("#conversation").WaitForAsync();
            // The oldest of its events is buyer_bot's (i = 5, 150 s ago), then lead_bot's.
            Assert.Equal("buyer_bot → lead_bot", await page.TextContentAsync(".conversation-bots"));
            Assert.Equal(7, await page.Locator("#page tbody tr").CountAsync());
        });
    }

    [Fact]
    public async Task Explore_lists_the_worst_conversations_of_the_week_by_quality_and_opens_one()
    {
        var page = await site.SignInAsync(site.ReadKey, "#explore");
        await ConsoleSite.WithScreenshotOnFailureAsync(page, "explore-worst", async () =>
        {
            var worst = page.Locator("#worst-conversations a.worst-conversation", new() { HasText = ConsoleSite.WorstConversation });
            await worst.WaitForAsync();
            await worst.ClickAsync();
            await page.Locator("#conversation").WaitForAsync();
            Assert.Equal("support_bot", await page.TextContentAsync(".conversation-bots"));
        });
    }

    [Fact]
    public async Task An_unknown_key_is_refused_at_sign_in_and_the_key_never_enters_the_url()
    {
        var context = await site.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var urls = new List<string>();
        page.Request += (_, r) => urls.Add(r.Url);
        await page.GotoAsync(site.Url + "/");
        Assert.EndsWith("/api/console", page.Url.Split('#')[0], StringComparison.Ordinal);
        await page.FillAsync("#key", "not-a-key");
        await page.ClickAsync("#signin-form button[type=submit]");
        await page.Locator("#signin-error", new() { HasText = "401" }).WaitForAsync();
        await page.FillAsync("#key", site.ReadKey);
        await page.ClickAsync("#signin-form button[type=submit]");
        await page.WaitForSelectorAsync("#page[data-loaded]");
        Assert.DoesNotContain(urls, u => u.Contains(site.ReadKey, StringComparison.Ordinal) || u.Contains("not-a-key", StringComparison.Ordinal));
        Assert.Equal(site.ReadKey, await page.EvaluateAsync<string>("() => sessionStorage.getItem('vigil.key')"));
    }

    /// <summary>Screenshots of every page at 1366×768; with VIGIL_UPDATE_SCREENSHOTS=1 they replace docs/console/*.png.</summary>
    [Fact]
    public async Task Every_page_renders_and_is_photographed_at_1366_by_768()
    {
        var target = Environment.GetEnvironmentVariable("VIGIL_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(PrivateCluster.RepositoryRoot(), "docs", "console")
            : Path.Combine(AppContext.BaseDirectory, "TestResults", "console-pages");
        Directory.CreateDirectory(target);
        var page = await site.SignInAsync(site.AdminKey);
        foreach (var name in new[] { "overview", "bots", "cost", "alerts", "rules", "budgets", "jobs", "explore" })
        {
            await ConsoleSite.WithScreenshotOnFailureAsync(page, "page-" + name, async () =>
            {
                await page.GotoAsync(site.Url + "/api/console#" + name);
                await page.WaitForFunctionAsync($"() => document.querySelector('#page')?.dataset.page === '{name}'");
                Assert.Equal(0, await page.Locator(".notice").CountAsync());
                await page.ScreenshotAsync(new() { Path = Path.Combine(target, name + ".png") });
            });
        }
    }
}
