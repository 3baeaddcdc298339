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
            WriteObject(writer, fields);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes one object; a value that is itself a field list is a nested object, a list of field lists an array of objects.</summary>
    private static void WriteObject(Utf8JsonWriter writer, (string Key, object Value)[] fields)
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
                case (string Key, object Value)[] nested: WriteObject(writer, nested); break;
                case IReadOnlyList<(string Key, object Value)[]> rows:
                    writer.WriteStartArray();
                    foreach ((string Key, object Value)[] row in rows)
                    {
                        WriteObject(writer, row);
                    }

                    writer.WriteEndArray();
                    break;
                default: writer.WriteStringValue(value.ToString()); break;
            }
        }

        writer.WriteEndObject();
    }
}
