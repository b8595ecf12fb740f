using System.Text;
using System.Text.Json;

namespace Vigil.Core.Tests;

public class StorableTextTests
{
    private static UnstorableValue? Find(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return StorableText.FindIn(document.RootElement);
    }

    private static UnstorableValue? Find(string json) => Find(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("""{"a":"plain","b":["x",1,true,null],"c":{"d":"\ud83d\ude00 and \n and \u00e9"}}""")]
    [InlineData("""["😀", "tab\there", {"k\u00e9y": "v"}]""")]
    public void Text_postgres_stores_is_let_through(string json) => Assert.Null(Find(json));

    [Theory]
    [InlineData("""{"filters":{"bot":["ok","\udfff"]}}""", "filters.bot[1]", "unpaired surrogate")]
    [InlineData("""{"a":{"b":"x\u0000y"}}""", "a.b", "NUL")]
    [InlineData("""[1,[2,"\ud800"]]""", "[1][1]", "unpaired surrogate")]
    [InlineData("""{"a":{"k\u0000":1}}""", "a", "property name")]
    [InlineData("""{"a":{"\udc00":1}}""", "a", "property name")]
    public void Unstorable_text_is_found_with_its_path(string json, string path, string problem)
    {
        var found = Assert.NotNull(Find(json));
        Assert.Equal(path, found.Path);
        Assert.Contains(problem, found.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_in_a_value_or_a_name_is_found()
    {
        byte[] value = [.. "{\"a\":[\"x"u8.ToArray(), 0xED, 0xA0, 0x80, .. "\"]}"u8.ToArray()];
        Assert.Equal("a[0]", Assert.NotNull(Find(value)).Path);
        byte[] name = [.. "{\"a\":{\"x"u8.ToArray(), 0xFF, .. "\":1}}"u8.ToArray()];
        var found = Assert.NotNull(Find(name));
        Assert.Equal("a", found.Path);
        Assert.Contains("property name", found.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_from_a_query_or_a_path_is_judged_alike()
    {
        // Built from chars: attribute arguments cannot carry a lone surrogate.
        Assert.Null(StorableText.Problem("plain"));
        Assert.Null(StorableText.Problem(new string([(char)0xD83D, (char)0xDE00])));
        Assert.Contains("NUL", StorableText.Problem("a\0b"), StringComparison.Ordinal);
        Assert.Contains("unpaired surrogate", StorableText.Problem(new string(['x', (char)0xD800])), StringComparison.Ordinal);
        Assert.Contains("unpaired surrogate", StorableText.Problem(new string([(char)0xDC00, 'x'])), StringComparison.Ordinal);
    }

    [Fact]
    public void Durations_beyond_a_timespan_are_not_durations()
    {
        Assert.False(DurationText.TryParse("999999999w", out _));
        Assert.False(DurationText.TryParse(string.Concat(Enumerable.Repeat("999999999d", 20)), out _));
        Assert.True(DurationText.TryParse("30d", out var month));
        Assert.Equal(TimeSpan.FromDays(30), month);
    }
}
