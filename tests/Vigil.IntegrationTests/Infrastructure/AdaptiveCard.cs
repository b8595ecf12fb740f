using System.Text.Json;

namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>
/// The rules of the Adaptive Card schema 1.4 (adaptivecards.io/schemas/1.4.0/adaptive-card.json) for
/// the elements Vigil sends, checked the way Teams rejects a card: required properties, known
/// element and action types, enum values, http(s) URLs, and mention entities that appear in the text.
/// </summary>
public static class AdaptiveCard
{
    private static readonly string[] ElementTypes = ["TextBlock", "FactSet", "Container", "ColumnSet", "Image"];
    private static readonly string[] Colors = ["Default", "Dark", "Light", "Accent", "Good", "Warning", "Attention"];
    private static readonly string[] Sizes = ["Default", "Small", "Medium", "Large", "ExtraLarge"];
    private static readonly string[] Weights = ["Default", "Lighter", "Bolder"];
    private static readonly string[] Spacings = ["Default", "None", "Small", "Medium", "Large", "ExtraLarge", "Padding"];

    public static void AssertValid(JsonElement card)
    {
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        Assert.True(Version.TryParse(card.GetProperty("version").GetString(), out var version) && version <= new Version(1, 5), "Teams renders schema 1.5 at most");
        var texts = new List<string>();
        foreach (var element in card.GetProperty("body").EnumerateArray())
        {
            var type = element.GetProperty("type").GetString();
            Assert.Contains(type, ElementTypes);
            if (type == "TextBlock")
            {
                Assert.Equal(JsonValueKind.String, element.GetProperty("text").ValueKind);
                texts.Add(element.GetProperty("text").GetString()!);
                Enum(element, "color", Colors);
                Enum(element, "size", Sizes);
                Enum(element, "weight", Weights);
                Enum(element, "spacing", Spacings);
            }
            if (type == "FactSet")
            {
                foreach (var fact in element.GetProperty("facts").EnumerateArray())
                {
                    Assert.Equal(JsonValueKind.String, fact.GetProperty("title").ValueKind);
                    Assert.Equal(JsonValueKind.String, fact.GetProperty("value").ValueKind);
                }
            }
        }
        if (card.TryGetProperty("actions", out var actions))
        {
            foreach (var action in actions.EnumerateArray())
            {
                Assert.Equal("Action.OpenUrl", action.GetProperty("type").GetString());
                Assert.False(string.IsNullOrEmpty(action.GetProperty("title").GetString()));
                Assert.True(Uri.TryCreate(action.GetProperty("url").GetString(), UriKind.Absolute, out var url) && url.Scheme is "http" or "https");
            }
        }
        if (card.TryGetProperty("msteams", out var teams) && teams.TryGetProperty("entities", out var entities))
        {
            foreach (var entity in entities.EnumerateArray())
            {
                Assert.Equal("mention", entity.GetProperty("type").GetString());
                var text = entity.GetProperty("text").GetString()!;
                Assert.Contains(texts, t => t.Contains(text, StringComparison.Ordinal));
                Assert.False(string.IsNullOrEmpty(entity.GetProperty("mentioned").GetProperty("id").GetString()));
            }
        }
    }

    private static void Enum(JsonElement element, string property, string[] allowed)
    {
        if (element.TryGetProperty(property, out var value)) Assert.Contains(value.GetString(), allowed);
    }
}
