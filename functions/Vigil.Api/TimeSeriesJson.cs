using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Core.Metrics;

namespace Vigil.Api;

/// <summary>
/// Writes a time series response with a Utf8JsonWriter: 200 series of 289 points are some 60,000
/// objects, and building them as dictionaries of boxed values for the serializer cost several times
/// the rollup query itself.
/// </summary>
public static class TimeSeriesJson
{
    private static readonly JsonEncodedText T = JsonEncodedText.Encode("t");
    private static readonly JsonEncodedText Count = JsonEncodedText.Encode("count");

    public static IResult ToResult(TimeSeriesResult result)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ApiJson.Options.Encoder }))
        {
            json.WriteStartObject();
            json.WriteString("window", result.Window);
            json.WriteString("step", result.Step);
            json.WriteString("from", ApiJson.Format(result.From));
            json.WriteString("to", ApiJson.Format(result.To));
            if (result.CompleteUpTo is { } complete) json.WriteString("complete_up_to", ApiJson.Format(complete));
            else json.WriteNull("complete_up_to");
            json.WriteStartArray("series");
            var names = result.Metrics.Select(m => JsonEncodedText.Encode(m)).ToArray();
            // Every series has the same bucket starts: format them once, not once per series.
            var starts = new Dictionary<DateTimeOffset, JsonEncodedText>();
            foreach (var series in result.Series)
            {
                json.WriteStartObject();
                json.WriteStartObject("key");
                foreach (var (dimension, value) in series.Key) json.WriteString(dimension, value);
                json.WriteEndObject();
                json.WriteStartArray("points");
                foreach (var point in series.Points)
                {
                    json.WriteStartObject();
                    if (!starts.TryGetValue(point.T, out var t)) starts[point.T] = t = JsonEncodedText.Encode(ApiJson.Format(point.T));
                    json.WriteString(T, t);
                    json.WriteNumber(Count, point.Count);
                    for (var i = 0; i < names.Length; i++)
                    {
                        if (point.Values[i] is { } v) json.WriteNumber(names[i], v);
                        else json.WriteNull(names[i]);
                    }
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Results.Bytes(buffer.WrittenMemory.ToArray(), "application/json; charset=utf-8");
    }
}
