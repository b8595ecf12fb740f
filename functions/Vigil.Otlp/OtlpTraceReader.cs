using System.Buffers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Vigil.Otlp.Proto.Collector;

namespace Vigil.Otlp;

/// <summary>
/// Decodes an OTLP/HTTP trace export request, binary protobuf or OTLP's JSON mapping. OTLP JSON is
/// proto3 JSON with one difference that matters: trace and span ids are hex strings where proto3
/// JSON has base64 for bytes. The JSON is therefore streamed once through a rewriter that turns
/// exactly those id fields into base64, and then read by Google.Protobuf's own parser, which
/// already accepts what else OTLP JSON allows (lowerCamelCase or original field names, enums as
/// integers, int64 and fixed64 as strings or numbers). Unknown fields are ignored, as the OTLP
/// specification requires of receivers.
/// </summary>
public static class OtlpTraceReader
{
    /// <summary>The JSON names of the id fields (span, parent and link ids), in both spellings proto3 JSON accepts.</summary>
    private static readonly HashSet<string> IdFields = new(StringComparer.Ordinal)
    {
        "traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id",
    };

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static ExportTraceServiceRequest ReadProtobuf(ReadOnlySpan<byte> body)
    {
        try
        {
            return ExportTraceServiceRequest.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OtlpFormatException($"The body is not a protobuf ExportTraceServiceRequest: {e.Message}", e);
        }
    }

    public static ExportTraceServiceRequest ReadJson(ReadOnlySpan<byte> body)
    {
        var proto3Json = HexIdsToBase64(body);
        try
        {
            return Parser.Parse<ExportTraceServiceRequest>(proto3Json);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OtlpFormatException($"The body is not an OTLP JSON ExportTraceServiceRequest: {e.Message}", e);
        }
        catch (InvalidJsonException e)
        {
            throw new OtlpFormatException($"The body is not valid OTLP JSON: {e.Message}", e);
        }
    }

    /// <summary>Copies the JSON token by token, re-encoding the string values of the id fields from hex to base64.</summary>
    private static string HexIdsToBase64(ReadOnlySpan<byte> body)
    {
        var output = new ArrayBufferWriter<byte>(body.Length + 64);
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
            var idValueNext = false;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject: writer.WriteStartObject(); break;
                    case JsonTokenType.EndObject: writer.WriteEndObject(); break;
                    case JsonTokenType.StartArray: writer.WriteStartArray(); break;
                    case JsonTokenType.EndArray: writer.WriteEndArray(); break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        writer.WritePropertyName(name);
                        idValueNext = IdFields.Contains(name);
                        continue;
                    case JsonTokenType.String:
                        var text = reader.GetString()!;
                        writer.WriteStringValue(idValueNext ? HexToBase64(text) : text);
                        break;
                    case JsonTokenType.Number: writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true); break;
                    case JsonTokenType.True: writer.WriteBooleanValue(true); break;
                    case JsonTokenType.False: writer.WriteBooleanValue(false); break;
                    case JsonTokenType.Null: writer.WriteNullValue(); break;
                    default: break;
                }
                idValueNext = false;
            }
            writer.Flush();
        }
        catch (JsonException e)
        {
            throw new OtlpFormatException($"The body is not valid JSON: {e.Message}", e);
        }
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string HexToBase64(string hex)
    {
        if (hex.Length == 0) return hex;
        try
        {
            return Convert.ToBase64String(Convert.FromHexString(hex));
        }
        catch (FormatException e)
        {
            var shown = hex.Length <= 40 ? hex : hex[..37] + "...";
            throw new OtlpFormatException($"'{shown}' is not a hex trace or span id (OTLP JSON encodes ids as hex, not base64).", e);
        }
    }
}
