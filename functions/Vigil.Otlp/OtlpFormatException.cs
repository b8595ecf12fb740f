namespace Vigil.Otlp;

/// <summary>An OTLP request body that cannot be decoded (the client gets a 400 naming the problem).</summary>
public sealed class OtlpFormatException(string message, Exception? inner = null) : Exception(message, inner);
