using System.Text.Json;

namespace LeWm.Cli;

/// <summary>Formats the one JSON object a <c>--json</c> command prints as its last line.</summary>
internal static class JsonLine
{
    public static string Of(params (string Key, object Value)[] fields)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach ((string key, object value) in fields)
            {
                writer.WritePropertyName(key);
                switch (value)
                {
                    case string s: writer.WriteStringValue(s); break;
                    case int i: writer.WriteNumberValue(i); break;
                    case long l: writer.WriteNumberValue(l); break;
                    case double d: writer.WriteNumberValue(Math.Round(d, 6)); break;
                    case bool b: writer.WriteBooleanValue(b); break;
                    case IReadOnlyDictionary<string, long> counts:
                        writer.WriteStartObject();
                        foreach ((string name, long count) in counts)
                        {
                            writer.WriteNumber(name, count);
                        }

                        writer.WriteEndObject();
                        break;
                    default: writer.WriteStringValue(value.ToString()); break;
                }
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
