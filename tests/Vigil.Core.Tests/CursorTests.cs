using System.Buffers.Text;
using System.Text;
using Vigil.Core.Conversations;
using Vigil.Core.Events;

namespace Vigil.Core.Tests;

/// <summary>The paging cursors of /api/events and /api/conversations: what comes back, and which cursors are refused with which message.</summary>
public class CursorTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 21, 10, 0, 0, 123, TimeSpan.Zero);
    private const string NotIssued = "cursor is not one this route issued; start again without it.";

    private static string Raw(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void An_event_cursor_gives_back_its_window_start_and_last_position()
    {
        var last = new EventPosition(From.AddMinutes(3).AddTicks(7), "acme", "e-42");
        var cursor = EventCursor.Encode(From, last, "bot=lead_bot");

        Assert.True(EventCursor.TryDecode(cursor, "bot=lead_bot", out var from, out var decoded, out _));
        Assert.Equal(From, from);
        Assert.Equal(TimeSpan.Zero, from.Offset);
        Assert.Equal(last, decoded);
    }

    [Fact]
    public void An_event_cursor_of_other_filters_is_refused_with_why()
    {
        var cursor = EventCursor.Encode(From, new EventPosition(From, "acme", "e-1"), "bot=lead_bot");

        Assert.False(EventCursor.TryDecode(cursor, "bot=buyer_bot", out var from, out var last, out var error));
        Assert.Equal("cursor belongs to a query with other filters; send the same filters as the first page, or start again.", error);
        Assert.Equal((default(DateTimeOffset), default(EventPosition)), (from, last));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("")]
    public void A_cursor_that_is_not_base64_or_empty_is_not_ours(string cursor)
    {
        Assert.False(EventCursor.TryDecode(cursor, "", out _, out _, out var error));
        Assert.Equal(NotIssued, error);
        Assert.False(ConversationCursor.TryDecode(cursor, "", out _, out _, out var conversationError));
        Assert.Equal(NotIssued, conversationError);
    }

    [Fact]
    public void Event_cursors_with_a_wrong_version_field_count_or_ticks_are_not_ours()
    {
        var good = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(EventCursor.Encode(From, new EventPosition(From, "acme", "e-1"), "f")));
        var parts = good.Split('\n');
        string With(int i, string value) => string.Join('\n', parts.Select((p, j) => j == i ? value : p));

        Assert.True(EventCursor.TryDecode(Raw(good), "f", out _, out _, out _));
        foreach (var bad in new[]
                 {
                     With(0, "2"), good + "\nextra", string.Join('\n', parts[..5]), With(1, "-5"), With(1, "12x"), With(2, "1.5"),
                     With(1, (DateTimeOffset.MaxValue.UtcTicks + 1).ToString()), With(2, (DateTimeOffset.MaxValue.UtcTicks + 1).ToString()),
                 })
        {
            Assert.False(EventCursor.TryDecode(Raw(bad), "f", out _, out _, out var error));
            Assert.Equal(NotIssued, error);
        }
        Assert.True(EventCursor.TryDecode(Raw(With(1, DateTimeOffset.MaxValue.UtcTicks.ToString())), "f", out var max, out _, out _));
        Assert.Equal(DateTimeOffset.MaxValue, max);
        Assert.True(EventCursor.TryDecode(Raw(With(2, DateTimeOffset.MaxValue.UtcTicks.ToString())), "f", out _, out var latest, out _));
        Assert.Equal(DateTimeOffset.MaxValue, latest.Timestamp);
    }

    [Fact]
    public void A_conversation_cursor_gives_back_its_sort_value_exactly()
    {
        var last = new ConversationPosition(0.1 + 0.2, "acme", "c-9");
        var cursor = ConversationCursor.Encode(From, last, "sort=quality");

        Assert.True(ConversationCursor.TryDecode(cursor, "sort=quality", out var from, out var decoded, out _));
        Assert.Equal(From, from);
        Assert.Equal(last, decoded);
        Assert.False(ConversationCursor.TryDecode(cursor, "sort=-quality", out _, out _, out var error));
        Assert.Equal("cursor belongs to a query with other filters or another sort; send the same ones as the first page, or start again.", error);
        Assert.False(EventCursor.TryDecode(cursor, "sort=quality", out _, out _, out _));
    }

    [Fact]
    public void Conversation_cursors_with_a_wrong_version_ticks_or_value_are_not_ours()
    {
        var good = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(ConversationCursor.Encode(From, new ConversationPosition(-2.5e-3, "acme", "c-1"), "f")));
        var parts = good.Split('\n');
        string With(int i, string value) => string.Join('\n', parts.Select((p, j) => j == i ? value : p));

        Assert.True(ConversationCursor.TryDecode(Raw(good), "f", out _, out var last, out _));
        Assert.Equal(-2.5e-3, last.SortValue);
        foreach (var bad in new[]
                 {
                     With(0, "1"), good + "\nextra", string.Join('\n', parts[..5]), With(1, "-5"), With(2, "NaN"), With(2, "Infinity"), With(2, "abc"),
                     With(1, (DateTimeOffset.MaxValue.UtcTicks + 1).ToString()),
                 })
        {
            Assert.False(ConversationCursor.TryDecode(Raw(bad), "f", out _, out _, out var error));
            Assert.Equal(NotIssued, error);
        }
        Assert.True(ConversationCursor.TryDecode(Raw(With(1, DateTimeOffset.MaxValue.UtcTicks.ToString())), "f", out _, out _, out _));
    }

    [Theory]
    [InlineData(null, ConversationSort.StartedAtDescending, false, true)]
    [InlineData("-started_at", ConversationSort.StartedAtDescending, false, true)]
    [InlineData("started_at", ConversationSort.StartedAtAscending, false, false)]
    [InlineData("quality", ConversationSort.QualityAscending, true, false)]
    [InlineData("-quality", ConversationSort.QualityDescending, true, true)]
    public void Each_sort_name_means_one_order(string? text, ConversationSort sort, bool byQuality, bool descending)
    {
        Assert.True(ConversationSorts.TryParse(text, out var parsed));
        Assert.Equal((sort, byQuality, descending), (parsed, parsed.ByQuality(), parsed.Descending()));
    }

    [Fact]
    public void An_unknown_sort_is_refused_and_the_names_are_the_four_sorts()
    {
        Assert.False(ConversationSorts.TryParse("Quality", out _));
        Assert.False(ConversationSorts.TryParse("", out _));
        Assert.Equal(["quality", "-quality", "started_at", "-started_at"], ConversationSorts.Names);
        Assert.All(ConversationSorts.Names, n => Assert.True(ConversationSorts.TryParse(n, out _)));
    }
}
